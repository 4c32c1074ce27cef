/**
 * Assembles the grammY bot: de-duplication and per-chat ordering first, then one composer per
 * feature, then the error boundary. No polling or webhook here, so tests, the runner, the webhook
 * server and the scheduler's publisher all share the same bot.
 */
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { type Briefings, createRateLimiter, type Logger } from '../../src/index.ts';
import { createUpdateWindow } from './dedupe.ts';
import { buttonsFeature } from './features/buttons.ts';
import { commandsFeature } from './features/commands.ts';
import type { FeatureDeps } from './features/deps.ts';
import { handleBotError } from './features/errors.ts';
import { inlineFeature } from './features/inline.ts';
import { boundedRetry } from './retry.ts';

export interface TelegramBotOptions {
  token: string;
  briefings: Briefings;
  logger: Logger;
  /** Another Bot API server (self-hosted or a test fake); no trailing slash. */
  apiRoot?: string;
  /** Commands and button taps per user per minute; inline queries get three times as many. */
  rateLimitPerMinute?: number;
  /** Skips `getMe` at start-up when the caller already knows the bot. */
  botInfo?: UserFromGetMe;
  /** Longest `retry_after` (seconds) waited out before a call fails instead. */
  maxRetryDelaySeconds?: number;
  /** Aborting it cancels every API call in flight and every pending retry (see retry.ts). */
  shutdown?: AbortSignal;
  /** Told about each update's handling, so stopping can wait for answers being written. */
  track?: (handling: Promise<unknown>) => void;
  /**
   * Shared de-duplication across instances (the store's `markOnce`): true the first time any
   * instance sees an update id. Without it, only this process's recent updates are remembered.
   */
  firstSeenAnywhere?: (updateId: number) => Promise<boolean>;
}

/** Inline queries come per keystroke pause; they get this many times the command allowance. */
const INLINE_ALLOWANCE_FACTOR = 3;

/** The grammY bot with every feature mounted; call `bot.init()` (or let the runner) before use. */
export function createTelegramBot(options: TelegramBotOptions): Bot {
  const { token, briefings, logger, apiRoot, rateLimitPerMinute = 30, botInfo } = options;
  const bot = new Bot(token, {
    ...(botInfo ? { botInfo } : {}),
    client: { ...(apiRoot ? { apiRoot } : {}), timeoutSeconds: 60 },
  });
  bot.api.config.use(
    boundedRetry({
      logger,
      maxRetryAfterSeconds: options.maxRetryDelaySeconds ?? 60,
      ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    }),
  );

  const deps: FeatureDeps = {
    briefings,
    logger,
    commandLimiter: createRateLimiter(rateLimitPerMinute),
    inlineLimiter: createRateLimiter(rateLimitPerMinute * INLINE_ALLOWANCE_FACTOR),
  };
  const window = createUpdateWindow();
  const { track } = options;
  if (track)
    bot.use((_ctx, next) => {
      const handling = next();
      track(handling);
      return handling;
    });
  const shared = options.firstSeenAnywhere;
  bot.use(async (ctx, next) => {
    const id = ctx.update.update_id;
    if (!window.firstSeen(id)) return;
    if (shared && !(await shared(id))) {
      logger.debug({ updateId: id }, 'update already handled by another instance');
      return;
    }
    await next();
  });
  bot.use(sequentialize(orderKey));
  bot.use(commandsFeature(deps), inlineFeature(deps), buttonsFeature(deps));
  bot.catch(handleBotError(logger));
  return bot;
}

/** Updates of one chat are handled in order; inline queries (no chat) in order per user. */
function orderKey(ctx: Context): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}
