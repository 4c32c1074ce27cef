/**
 * The Telegram front end. `startTelegram` is what the app calls when TELEGRAM_BOT_TOKEN is set:
 * it builds the bot, registers the command menu, and runs long polling, or a webhook server when
 * TELEGRAM_WEBHOOK_URL is set.
 *
 * Start-up asks Telegram who the bot is (`getMe`) a bounded number of times, logging each failed
 * attempt, then fails with PlatformUnavailableError (or ConfigError when the token is refused).
 * `stop()` ends within a bound whatever Telegram does: see ../lifecycle.ts.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Bot, GrammyError } from 'grammy';
import {
  type Briefings,
  type Config,
  ConfigError,
  type Logger,
  type Store,
  startElection,
} from '../../src/index.ts';
import { ABORT_GRACE_MS, DRAIN_MS, InFlight, PlatformUnavailableError, settlesWithin } from '../lifecycle.ts';
import { createTelegramBot } from './bot.ts';
import { registerCommands } from './commands-menu.ts';
import { startPolling } from './polling.ts';
import { networkReason, ShutdownError } from './retry.ts';
import { startWebhook, type WebhookOptions } from './webhook.ts';

export { createTelegramBot, type TelegramBotOptions } from './bot.ts';
export { createTelegramPublisher, type TelegramPublisher } from './publisher.ts';
export { renderInlineResults, renderReply, type TelegramMessage } from './render.ts';

export interface TelegramDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
  /** Aborting it during start-up gives up at once (SIGTERM while Telegram is unreachable). */
  signal?: AbortSignal;
  /** The HTTP_PORT server, when the webhook shares its port (TELEGRAM_WEBHOOK_PORT = HTTP_PORT). */
  http?: WebhookOptions['shared'];
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
  signal,
  http,
  store,
}: TelegramDeps): Promise<{ stop(): Promise<void>; connected(): true | string }> {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error('startTelegram: TELEGRAM_BOT_TOKEN is not set');
  const log = logger.child({ platform: 'telegram' });
  const shutdown = new AbortController();
  const abortStart = () => shutdown.abort();
  signal?.addEventListener('abort', abortStart);
  if (signal?.aborted) shutdown.abort();
  const inFlight = new InFlight();
  const bot = createTelegramBot({
    token,
    briefings,
    logger: log,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    shutdown: shutdown.signal,
    track: (handling) => inFlight.track(handling),
    // One process (SQLite) remembers recent updates in memory; several share them in the database.
    ...(store?.kind === 'postgres'
      ? {
          firstSeenAnywhere: (updateId: number) =>
            store.markOnce('telegram-update', String(updateId), Date.now(), UPDATE_MEMORY_MS),
        }
      : {}),
  });
  let intake: { stop(): Promise<void>; abort?(): void; connected(): true | string };
  try {
    // Not bot.init(): grammY retries getMe there forever, silently. Our transformer bounds it.
    bot.botInfo = await bot.api.getMe().catch((error: unknown) => {
      throw startupError(error, config);
    });
    try {
      await registerCommands(bot.api, briefings);
    } catch (error) {
      if (error instanceof ShutdownError) throw error;
      // The menu is a convenience; a bot that answers without it beats one that does not start.
      log.warn({ err: error }, 'telegram command menu not registered');
    }
    intake = await (config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
      ? startWebhook(
          bot,
          {
            url: config.TELEGRAM_WEBHOOK_URL,
            secret: config.TELEGRAM_WEBHOOK_SECRET,
            port: config.TELEGRAM_WEBHOOK_PORT,
            host: config.TELEGRAM_WEBHOOK_HOST,
            ...(http ? { shared: http } : {}),
          },
          log,
        )
      : store?.kind === 'postgres'
        ? startElectedPolling(bot, log, store)
        : startPolling(bot, log)
    ).catch((error: unknown) => {
      throw startupError(error, config);
    });
  } catch (error) {
    shutdown.abort();
    throw error;
  } finally {
    signal?.removeEventListener('abort', abortStart);
  }

  let stopping: Promise<void> | undefined;
  return {
    connected: () => intake.connected(),
    stop() {
      stopping ??= (async () => {
        const intakeStopped = intake.stop();
        if (!(await inFlight.drain(DRAIN_MS))) {
          log.warn(
            { inFlight: inFlight.size },
            'telegram answers still waiting on Telegram; abandoning them',
          );
        }
        shutdown.abort();
        intake.abort?.();
        await inFlight.drain(ABORT_GRACE_MS);
        if (!(await settlesWithin(intakeStopped, ABORT_GRACE_MS)))
          log.warn('telegram updates source did not stop in time');
        log.info('telegram bot stopped');
      })();
      return stopping;
    },
  };
}

/** A failed start-up call → what the operator should read. */
function startupError(error: unknown, config: Config): Error {
  if (error instanceof ShutdownError) return error;
  const where = config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org';
  if (error instanceof GrammyError) {
    if (error.error_code === 401 || error.error_code === 404)
      return new ConfigError(
        `TELEGRAM_BOT_TOKEN: Telegram refused the token (${error.error_code} ${error.description}); copy it again from @BotFather`,
      );
    return new PlatformUnavailableError(
      `Telegram: ${error.method} failed at start-up (${error.error_code} ${error.description}) at ${where}`,
    );
  }
  return new PlatformUnavailableError(
    `Telegram: the Bot API at ${where} did not answer (${networkReason(error)}) after several attempts; check the network or TELEGRAM_API_ROOT, then start again`,
  );
}

/** Intake on a shared database: exactly one instance long-polls (Telegram answers 409 to a second). */
async function startElectedPolling(bot: Bot, log: Logger, store: Store) {
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
  // Standing by is a healthy state: this instance still answers webhooks, posts and commands.
  return { stop: () => election.stop(), connected: () => true as const };
}
