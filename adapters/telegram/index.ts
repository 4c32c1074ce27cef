/**
 * The Telegram front end. `startTelegram` is what the app calls when TELEGRAM_BOT_TOKEN is set:
 * it builds the bot, registers the command menu, and runs long polling, or a webhook server when
 * TELEGRAM_WEBHOOK_URL is set.
 */
import type { Briefings } from '../../src/commands/index.ts';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { createTelegramBot } from './bot.ts';
import { registerCommands } from './commands-menu.ts';
import { startPolling } from './polling.ts';
import { startWebhook, type WebhookOptions } from './webhook.ts';

export { createTelegramBot, type TelegramBotOptions } from './bot.ts';
export { createTelegramPublisher, type TelegramPublisher } from './publisher.ts';
export { renderInlineResults, renderReply, type TelegramMessage } from './render.ts';

export interface TelegramDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
  /** The HTTP_PORT server, when the webhook shares its port (TELEGRAM_WEBHOOK_PORT = HTTP_PORT). */
  http?: WebhookOptions['shared'];
}

export async function startTelegram({
  config,
  briefings,
  logger,
  http,
}: TelegramDeps): Promise<{ stop(): Promise<void>; connected(): true | string }> {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error('startTelegram: TELEGRAM_BOT_TOKEN is not set');
  const log = logger.child({ platform: 'telegram' });
  const bot = createTelegramBot({
    token,
    briefings,
    logger: log,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
  });
  await bot.init();
  try {
    await registerCommands(bot.api, briefings);
  } catch (error) {
    // The menu is a convenience; a bot that answers without it beats one that does not start.
    log.warn({ err: error }, 'telegram command menu not registered');
  }
  if (config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET) {
    return startWebhook(
      bot,
      {
        url: config.TELEGRAM_WEBHOOK_URL,
        secret: config.TELEGRAM_WEBHOOK_SECRET,
        port: config.TELEGRAM_WEBHOOK_PORT,
        ...(http ? { shared: http } : {}),
      },
      log,
    );
  }
  return startPolling(bot, log);
}
