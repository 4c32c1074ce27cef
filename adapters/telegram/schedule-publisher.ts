/**
 * Scheduled posts to Telegram through the scheduler's Publisher port. Uses its own Api without
 * auto-retry: the scheduler, which keeps the delivery log, decides every retry. Telegram has no
 * idempotency key, so anything that may have reached Telegram (5xx, a dropped connection) is
 * reported as uncertain and never resent; only answers that prove nothing was posted are retried.
 */
import { Api, GrammyError, HttpError } from 'grammy';
import { type Logger, PublishError, type Publisher, pauseReasonText } from '../../src/index.ts';
import { linkSignals } from '../lifecycle.ts';
import { createTelegramPublisher } from './publisher.ts';

/** Telegram's words for "this bot can no longer post in that chat". */
const GONE =
  /chat not found|bot was kicked|bot was blocked|not a member|have no rights|not enough rights|need administrator rights|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|user is deactivated|chat was deleted/i;

/** Network errors raised before the request left this machine: certainly not posted. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** Sorts a grammY failure into what the scheduler should do. */
export function classifyTelegramError(error: unknown): PublishError {
  if (error instanceof GrammyError) {
    const message = `Telegram ${error.method}: ${error.error_code} ${error.description}`;
    const { retry_after: retryAfter, migrate_to_chat_id: movedTo } = error.parameters;
    if (error.error_code === 429) {
      return new PublishError('rate-limited', message, {
        retryAfterMs: (retryAfter ?? 1) * 1000,
        cause: error,
      });
    }
    if (movedTo !== undefined)
      return new PublishError('moved', message, { movedTo: String(movedTo), cause: error });
    if (error.error_code === 403 || GONE.test(error.description)) {
      return new PublishError('permanent', message, {
        reason: pauseReasonText('telegramCannotPost'),
        cause: error,
      });
    }
    if (error.error_code >= 500)
      return new PublishError('transient', message, { uncertain: true, cause: error });
    return new PublishError('rejected', message, { cause: error });
  }
  if (error instanceof HttpError) {
    const uncertain = !NOT_SENT.has(errorCode(error.error) ?? '');
    return new PublishError('transient', `Telegram unreachable: ${error.message}`, {
      uncertain,
      cause: error,
    });
  }
  return new PublishError(
    'transient',
    `Telegram publish failed: ${(error as Error)?.message ?? String(error)}`,
    {
      uncertain: true,
      cause: error,
    },
  );
}

/** Longest wait for Telegram's answer to one scheduled post (then: uncertain, not resent). */
const PUBLISH_TIMEOUT_SECONDS = 60;

export interface TelegramSchedulePublisherOptions {
  token: string;
  /** TELEGRAM_API_ROOT (a local Bot API server or the test fake). */
  apiRoot?: string;
  logger: Logger;
  /** Aborting it fails a post in flight at once (reported as uncertain): used when stopping. */
  signal?: AbortSignal;
}

/** The Publisher the scheduler uses for `telegram` subscriptions. */
export function createTelegramSchedulePublisher(options: TelegramSchedulePublisherOptions): Publisher {
  // grammY's default timeout is 500 s; a post Telegram does not answer must not hold the scheduler that long.
  const api = new Api(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    timeoutSeconds: PUBLISH_TIMEOUT_SECONDS,
  });
  const { signal } = options;
  if (signal)
    api.config.use(async (prev, method, payload, callSignal) => {
      const link = linkSignals(callSignal, signal);
      try {
        return await prev(method, payload, link.signal as typeof callSignal);
      } finally {
        link.dispose();
      }
    });
  const publisher = createTelegramPublisher(
    api,
    options.logger.child({ platform: 'telegram', module: 'publisher' }),
  );
  return {
    idempotent: false,
    async publish(target, reply) {
      try {
        return await publisher.publish(target.chatId, reply);
      } catch (error) {
        throw classifyTelegramError(error);
      }
    },
  };
}
