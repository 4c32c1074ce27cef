/**
 * Discord behind the Platform port. Only names, limits and pace live here; discord.js loads when
 * the platform starts, so a console-only start never pays for it.
 */
import type { Platform } from '../../src/index.ts';
import { discordRegisterCommand } from './cli.ts';
import { LIMITS, PAGE_SIZE } from './limits.ts';
import type { DiscordMessage } from './render.ts';

export const discord: Platform<DiscordMessage> = {
  name: 'discord',
  limits: { messageLength: LIMITS.content, pageSize: PAGE_SIZE },
  places: 'channels',
  // discord.js queues requests by Discord's rate-limit headers itself.
  pace: () => ({}),
  enabled: (config) => Boolean(config.DISCORD_TOKEN),
  commands: [discordRegisterCommand],
  async start({ config, briefings, logger, signal, publishing }) {
    const token = config.DISCORD_TOKEN;
    if (!token) throw new Error('discord: DISCORD_TOKEN is not set');
    const { startDiscord } = await import('./index.ts');
    const { renderReply } = await import('./render.ts');
    const { createDiscordSchedulePublisher } = await import('./schedule-publisher.ts');
    const running = await startDiscord({ config, briefings, logger, signal });
    return {
      render: (reply, locale) => renderReply(reply, { locale }),
      publisher: createDiscordSchedulePublisher({
        token,
        apiBase: config.DISCORD_API_BASE,
        logger,
        signal: publishing,
      }),
      connected: running.connected,
      stop: () => running.stop(),
    };
  },
};
