/**
 * The port scheduled posts leave through. Adapters wrap their platform publishers into it (in
 * adapters/, since only they know grammY and discord.js) and classify the platform's errors into
 * PublishError, so the scheduler decides retries without knowing any platform.
 */
import { createHash } from 'node:crypto';
import type { Reply } from '../reply.ts';
import type { ChatTarget } from '../types.ts';

export interface PublishOptions {
  /** Unique per (subscription, slot or article group); the same on every retry of one delivery. */
  deliveryKey: string;
  /** `deliveryNonce(deliveryKey)`: what an idempotent platform (Discord) dedupes resends on. */
  nonce: string;
}

export interface Publisher {
  /**
   * True when a resend with the same nonce cannot post twice (Discord `enforce_nonce`). When
   * false (Telegram), a send interrupted mid-way is never retried: at most once wins.
   */
  readonly idempotent: boolean;
  publish(target: ChatTarget, reply: Reply, options: PublishOptions): Promise<{ messageId: string }>;
}

/**
 * `rate-limited`: the platform said wait `retryAfterMs` (nothing was posted); `transient`: a
 * network or server failure, retried with backoff; `permanent`: the bot cannot post there (removed,
 * channel gone, no permission), so the subscription is paused; `rejected`: the platform refused
 * this one message (e.g. too long), so it is given up but the subscription carries on; `moved`:
 * the chat has a new id (a Telegram group became a supergroup), so the subscription follows it.
 */
export type PublishErrorKind = 'rate-limited' | 'transient' | 'permanent' | 'rejected' | 'moved';

export interface PublishErrorOptions {
  retryAfterMs?: number;
  /** The request may have reached the platform (timeout, connection reset after sending). */
  uncertain?: boolean;
  /** For `moved`: the chat's new id. */
  movedTo?: string;
  /** For `permanent`: why, in words for the people who subscribed (shown where the subscription is listed). */
  reason?: string;
  cause?: unknown;
}

/** A failed publish, classified by what the scheduler should do about it. */
export class PublishError extends Error {
  override name = 'PublishError';
  readonly kind: PublishErrorKind;
  readonly retryAfterMs?: number;
  readonly uncertain: boolean;
  readonly movedTo?: string;
  readonly reason?: string;

  constructor(kind: PublishErrorKind, message: string, options: PublishErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.uncertain = options.uncertain ?? false;
    this.movedTo = options.movedTo;
    this.reason = options.reason;
  }
}

/**
 * A deterministic nonce for a delivery: 25 characters (Discord's limit for string nonces), the
 * same across restarts, so a resend after a crash is recognised as the same message.
 */
export function deliveryNonce(deliveryKey: string): string {
  return createHash('sha256').update(deliveryKey).digest('base64url').slice(0, 25);
}
