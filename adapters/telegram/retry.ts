/**
 * Bounded retries for Bot API calls, as a grammY API transformer. Replaces @grammyjs/auto-retry,
 * which retries network errors forever (with back-off growing to an hour) and logs nothing.
 *
 * - Network errors and 5xx answers: retried `retries` times with exponential back-off, one log
 *   line per failed attempt, then the last error is thrown.
 * - 429: waits out `retry_after` when it is at most `maxRetryAfterSeconds`; longer waits fail
 *   at once (the caller answers the user or the scheduler reschedules).
 * - Every call, and every wait between calls, is cut short when `shutdown` aborts, so stopping
 *   never waits for a platform that does not answer.
 * - `getUpdates` (long polling) keeps trying while the bot runs, with the back-off capped and a
 *   log line per failure: an outage of Telegram must not stop the bot, only delay it.
 */
import { HttpError, type Transformer } from 'grammy';
import type { Logger } from '../../src/index.ts';
import { linkSignals, type SignalLike } from '../lifecycle.ts';

export interface RetryOptions {
  logger: Logger;
  /** Aborting it cancels every request in flight and every pending retry. */
  shutdown?: AbortSignal;
  /** Retries after the first attempt for network errors and 5xx (not for getUpdates). Default 3. */
  retries?: number;
  /** First back-off in ms, doubled after each failure. Default 1000. */
  baseDelayMs?: number;
  /** Longest back-off between two attempts, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Longest `retry_after` (seconds) waited out before a 429 is returned to the caller. Default 60. */
  maxRetryAfterSeconds?: number;
  /** Retries of a 429 before it is returned to the caller. Default 5. */
  rateLimitRetries?: number;
  /** Retries for particular methods instead of `retries`. Default: getMe (start-up) 4. */
  retriesByMethod?: Record<string, number>;
}

/** Thrown when a call (or a wait before a retry) is cut short because the bot is stopping. */
export class ShutdownError extends Error {
  override name = 'ShutdownError';
  constructor(method: string) {
    super(`Telegram ${method}: abandoned because the bot is stopping`);
  }
}

/** Methods whose calls are part of the polling loop: retried as long as the bot runs. */
const POLLING = new Set(['getUpdates']);

export function boundedRetry(options: RetryOptions): Transformer {
  const {
    logger,
    shutdown,
    retries = 3,
    baseDelayMs = 1000,
    maxDelayMs = 30_000,
    maxRetryAfterSeconds = 60,
    rateLimitRetries = 5,
    retriesByMethod = { getMe: 4 },
  } = options;
  return async (prev, method, payload, signal) => {
    const polling = POLLING.has(method);
    const limit = polling ? Number.POSITIVE_INFINITY : (retriesByMethod[method] ?? retries);
    let failures = 0;
    let limited = 0;
    for (let attempt = 1; ; attempt++) {
      if (shutdown?.aborted) throw new ShutdownError(method);
      const link = linkSignals(signal, shutdown);
      let outcome: { error: unknown } | { result: Awaited<ReturnType<typeof prev>> };
      try {
        outcome = { result: await prev(method, payload, link.signal as typeof signal) };
      } catch (error) {
        outcome = { error };
      } finally {
        link.dispose();
      }
      // A failure caused by stopping is reported as such; an answer that made it is kept.
      if ('error' in outcome && shutdown?.aborted) throw new ShutdownError(method);
      if ('result' in outcome) {
        const result = outcome.result;
        if (result.ok) {
          if (failures > 0) logger.info({ method, attempts: attempt }, 'telegram reachable again');
          return result;
        }
        const retryAfter = result.parameters?.retry_after;
        if (result.error_code === 429 && typeof retryAfter === 'number') {
          if (retryAfter > maxRetryAfterSeconds || limited >= rateLimitRetries) return result;
          limited++;
          logger.warn({ method, retryAfter }, 'telegram rate limit; waiting before retrying');
          await pause(retryAfter * 1000, signal, shutdown, method);
          continue;
        }
        if (result.error_code < 500) return result;
        if (failures >= limit) {
          logger.error(
            { method, attempts: attempt, code: result.error_code },
            'telegram request failed; giving up',
          );
          return result;
        }
        failures++;
      } else {
        const { error } = outcome;
        // Aborted by the caller (e.g. the runner stopping): no retry.
        if (!(error instanceof HttpError) || signal?.aborted) throw error;
        if (failures >= limit) {
          logger.error(
            { method, attempts: attempt, reason: networkReason(error) },
            'telegram request failed; giving up',
          );
          throw error;
        }
        failures++;
      }
      const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1));
      logger.warn(
        {
          method,
          attempt,
          ...(Number.isFinite(limit) ? { retriesLeft: limit - failures + 1 } : {}),
          delayMs,
          reason:
            'error' in outcome
              ? networkReason(outcome.error)
              : `${outcome.result.error_code} ${outcome.result.description}`,
        },
        'telegram request failed; retrying',
      );
      await pause(delayMs, signal, shutdown, method);
    }
  };
}

/** The network cause of a grammY HttpError in a few words (`ECONNREFUSED`, `timeout`, …). */
export function networkReason(error: unknown): string {
  for (let e = error as { code?: unknown; cause?: unknown; error?: unknown } | undefined; e; ) {
    if (typeof e.code === 'string') return e.code;
    const next = (e.error ?? e.cause) as typeof e | undefined;
    if (!next || typeof next !== 'object') break;
    e = next;
  }
  const inner = (error as { error?: { message?: unknown } })?.error?.message;
  return typeof inner === 'string' ? inner : String((error as Error)?.message ?? error);
}

function pause(
  ms: number,
  signal: SignalLike | undefined,
  shutdown: SignalLike | undefined,
  method: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      shutdown?.removeEventListener('abort', stop);
      reject(new ShutdownError(method));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      shutdown?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    if (signal?.aborted || shutdown?.aborted) stop();
    signal?.addEventListener('abort', stop);
    shutdown?.addEventListener('abort', stop);
  });
}
