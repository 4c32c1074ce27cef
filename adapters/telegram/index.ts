/**
 * The Telegram front end. `startTelegram` is what the app calls when TELEGRAM_BOT_TOKEN is set:
 * it builds the bot, registers the command menu, and runs long polling, or a webhook server when
 * TELEGRAM_WEBHOOK_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Briefings } from '../../src/commands/index.ts';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { startElection } from '../../src/store/election.ts';
import type { Store } from '../../src/store/types.ts';
import { createTelegramBot } from './bot.ts';
import { registerCommands } from './commands-menu.ts';
import { startPolling } from './polling.ts';
import { startWebhook } from './webhook.ts';

export { createTelegramBot, type TelegramBotOptions } from './bot.ts';
export { createTelegramPublisher, type TelegramPublisher } from './publisher.ts';
export { renderInlineResults, renderReply, type TelegramMessage } from './render.ts';

export interface TelegramDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
  /**
   * The store shared by every instance: updates are de-duplicated across instances, and on
   * PostgreSQL one elected instance long-polls while the others stand by.
   */
  store?: Store;
}

/** How long a handled update id is remembered (Telegram gives up redelivering well before). */
const UPDATE_MEMORY_MS = 24 * 60 * 60_000;
/** The long-polling role survives its holder's silence this long; then another instance polls. */
const POLLER_LEASE_MS = 9_000;

export async function startTelegram({
  config,
  briefings,
  logger,
  store,
}: TelegramDeps): Promise<{ stop(): Promise<void> }> {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error('startTelegram: TELEGRAM_BOT_TOKEN is not set');
  const log = logger.child({ platform: 'telegram' });
  const bot = createTelegramBot({
    token,
    briefings,
    logger: log,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    // One process (SQLite) remembers recent updates in memory; several share them in the database.
    ...(store?.kind === 'postgres'
      ? {
          firstSeenAnywhere: (updateId: number) =>
            store.markOnce('telegram-update', String(updateId), Date.now(), UPDATE_MEMORY_MS),
        }
      : {}),
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
      },
      log,
    );
  }
  if (store?.kind !== 'postgres') return startPolling(bot, log);
  // Several instances: exactly one long-polls (Telegram answers 409 to a second getUpdates).
  let polling: { stop(): Promise<void> } | undefined;
  const election = await startElection({
    store,
    name: 'telegram-poller',
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    ttlMs: POLLER_LEASE_MS,
    logger: log,
    async onElected() {
      polling = await startPolling(bot, log);
    },
    async onDeposed() {
      await polling?.stop();
      polling = undefined;
    },
  });
  if (!election.leader) log.info('another instance polls Telegram; standing by to take over');
  return { stop: () => election.stop() };
}
