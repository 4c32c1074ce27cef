/**
 * The Discord front end: a discord.js client that answers slash commands, autocomplete and
 * buttons from the core, plus command registration and the scheduler's publisher.
 */
import { Client, Events, GatewayIntentBits, RESTEvents } from 'discord.js';
import type { Briefings } from '../../src/commands/index.ts';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { createInteractionHandler, type HandlerOptions } from './interactions.ts';
import { discordCredentials, restOptions } from './rest.ts';

export { createDiscordPublisher, type DiscordPublisher } from './publisher.ts';
export { type RegisterReport, registerCommands } from './registration.ts';
export { renderReply } from './render.ts';

export interface DiscordDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
}

/** How long `stop()` waits for answers already being written before closing the connection. */
const DRAIN_MS = 5_000;

/**
 * Logs in and resolves once the gateway session is ready. discord.js queues REST calls under
 * rate limits and resumes dropped gateway sessions; `stop()` lets in-flight answers finish.
 */
export async function startDiscord(
  deps: DiscordDeps,
  options: HandlerOptions = {},
): Promise<{ client: Client; stop(): Promise<void> }> {
  const { token } = discordCredentials(deps.config);
  const logger = deps.logger.child({ platform: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: restOptions(deps.config),
    allowedMentions: { parse: [] },
  });
  const handle = createInteractionHandler(deps.briefings, logger, options);
  const inFlight = new Set<Promise<void>>();
  client.on(Events.InteractionCreate, (interaction) => {
    const job = handle(interaction).finally(() => inFlight.delete(job));
    inFlight.add(job);
  });
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ shard, code: event.code }, 'gateway disconnected'),
  );
  let stopping: Promise<void> | undefined;
  client.on(Events.ShardReconnecting, (shard) => {
    if (!stopping) logger.info({ shard }, 'gateway reconnecting');
  });
  client.on(Events.ShardResume, (shard, replayed) =>
    logger.info({ shard, replayed }, 'gateway session resumed'),
  );
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn(
      { route: info.route, retryAfter: info.retryAfter, global: info.global },
      'discord rate limited; queued',
    ),
  );

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
  logger.info({ user: client.user?.tag }, 'discord bot ready');

  return {
    client,
    stop() {
      stopping ??= (async () => {
        const drained = Promise.allSettled([...inFlight]);
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
        await client.destroy();
        logger.info('discord bot stopped');
      })();
      return stopping;
    },
  };
}
