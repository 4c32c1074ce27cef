/**
 * Delivering: sends planned posts through each platform's Publisher, within the platform's pace,
 * and records what happened. The message id is recorded after the send; a failure is classified
 * (wait, retry with backoff, give up, pause the subscription, follow a moved chat). Sends left
 * half-way by a crash are reconciled: resent where the platform deduplicates, `unknown` otherwise.
 */
import { pauseReasonText } from '../i18n/subscriptions.ts';
import type { Logger } from '../logger.ts';
import type { Claim, Delivery, Platform, Store, Subscription } from '../store/types.ts';
import type { ChatTarget } from '../types.ts';
import type { Clock } from './clock.ts';
import type { Pacer } from './pace.ts';
import { deliveryNonce, PublishError, type Publisher } from './publisher.ts';

export interface RunReport {
  planned: number;
  sent: number;
  failed: number;
}

export interface DelivererOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  pacer: Pacer;
  /** Publishers by platform; rows for platforms without one wait. */
  publishers: ReadonlyMap<Platform, Publisher>;
  /** A claim on a delivery about to be sent (see lease.ts). */
  claim: () => Claim;
  /** This instance's holder name, to reconcile its own interrupted sends after a restart. */
  holder: string;
  /** Deliveries to different chats sent at the same time. */
  concurrency: number;
  /** Transient failures tried this many times before a delivery is given up. */
  maxAttempts: number;
  /** First retry delay after a transient failure; doubles each attempt up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface Deliverer {
  /**
   * Sends left half-way by a dead instance (its claims expired), or by this instance's own previous
   * life (same holder, first check only): resent when idempotent, `unknown` otherwise.
   */
  recover(now: number): Promise<void>;
  /** Sends ready deliveries, batch after batch, until none is ready or a batch makes no progress. */
  deliverAllReady(report: RunReport): Promise<void>;
}

/** Rate-limit answers are waited out this many times before a delivery is given up. */
const MAX_RATE_LIMITED_ATTEMPTS = 20;
/** Consecutive deliveries given up after retries that pause a subscription. */
const GIVE_UPS_BEFORE_PAUSE = 3;
/**
 * Deliveries claimed at a time: enough to keep the senders busy, few enough that instances sharing
 * a database split a burst between them instead of one taking it all.
 */
const DELIVERY_BATCH = 50;

export function createDeliverer(options: DelivererOptions): Deliverer {
  const { store, clock, log, pacer, publishers, claim, holder, concurrency, maxAttempts } = options;
  const { backoffBaseMs, backoffMaxMs } = options;
  /** Platforms whose sends interrupted by this instance's own previous life were reconciled. */
  const recovered = new Set<Platform>();

  function backoff(attempts: number): number {
    return Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  }

  /** Sends one ready delivery; answers whether it was sent. */
  async function attempt(delivery: Delivery): Promise<'sent' | 'failed' | 'waiting'> {
    const publisher = publishers.get(delivery.platform);
    if (!publisher) return 'waiting';
    const sub = await store.getSubscription(delivery.subscriptionId);
    const now = clock.now();
    if (sub?.status !== 'active') {
      await store.finishAttempt(delivery.id, {
        status: 'cancelled',
        error: 'subscription paused or removed',
        at: now,
      });
      return 'failed';
    }
    const target: ChatTarget = { platform: sub.platform, chatId: sub.chatId, title: sub.chatTitle };
    const wait = pacer.delay(target, now);
    if (wait > 0) {
      await store.deferDelivery(delivery.id, now + wait, now);
      return 'waiting';
    }
    if (!(await store.startAttempt(delivery.id, now, claim()))) return 'waiting';
    pacer.record(target, now);
    const attempts = delivery.attempts + 1;
    try {
      const { messageId } = await publisher.publish(target, delivery.payload, {
        deliveryKey: delivery.key,
        nonce: deliveryNonce(delivery.key),
      });
      await store.finishAttempt(delivery.id, { status: 'sent', messageId, at: clock.now() });
      log.info({ delivery: delivery.id, subscription: sub.id, messageId }, 'scheduled post sent');
      return 'sent';
    } catch (caught) {
      return handleFailure(delivery, sub, target, publisher, attempts, caught);
    }
  }

  async function handleFailure(
    delivery: Delivery,
    sub: Subscription,
    target: ChatTarget,
    publisher: Publisher,
    attempts: number,
    caught: unknown,
  ): Promise<'failed' | 'waiting'> {
    const at = clock.now();
    const error =
      caught instanceof PublishError
        ? caught
        : new PublishError('transient', `unexpected: ${(caught as Error)?.message ?? String(caught)}`, {
            uncertain: true,
            cause: caught,
          });
    log.warn(
      { delivery: delivery.id, subscription: sub.id, kind: error.kind, err: error.message },
      'publish failed',
    );
    switch (error.kind) {
      case 'rate-limited': {
        const until = at + (error.retryAfterMs ?? backoffBaseMs);
        pacer.holdUntil(target, until);
        if (attempts >= MAX_RATE_LIMITED_ATTEMPTS) break;
        await store.finishAttempt(delivery.id, {
          status: 'pending',
          nextAttemptAt: until,
          error: error.message,
          at,
        });
        return 'waiting';
      }
      case 'moved': {
        if (error.movedTo) {
          const clash = await store.findSubscription(sub.platform, error.movedTo, sub.topic);
          if (!clash) {
            await store.updateSubscription(sub.id, { chatId: error.movedTo }, at);
            await store.finishAttempt(delivery.id, {
              status: 'pending',
              nextAttemptAt: at,
              error: error.message,
              at,
            });
            return 'waiting';
          }
        }
        await store.finishAttempt(delivery.id, { status: 'failed', error: error.message, at });
        await store.pauseSubscription(sub.id, pauseReasonText('chatMoved', { detail: error.message }), at);
        return 'failed';
      }
      case 'rejected':
        await store.finishAttempt(delivery.id, { status: 'failed', error: `refused: ${error.message}`, at });
        return 'failed';
      case 'permanent':
        await store.finishAttempt(delivery.id, { status: 'failed', error: error.message, at });
        await store.pauseSubscription(sub.id, error.reason ?? error.message, at);
        log.warn(
          { subscription: sub.id, reason: error.message },
          'subscription paused after a permanent failure',
        );
        return 'failed';
      case 'transient':
        if (error.uncertain && !publisher.idempotent) {
          await store.finishAttempt(delivery.id, {
            status: 'unknown',
            error: `${error.message} (may have posted; not resent)`,
            at,
          });
          return 'failed';
        }
        if (attempts >= maxAttempts) break;
        await store.finishAttempt(delivery.id, {
          status: 'pending',
          nextAttemptAt: at + backoff(attempts),
          error: error.message,
          at,
        });
        return 'waiting';
    }
    await store.finishAttempt(delivery.id, {
      status: 'failed',
      error: `gave up after ${attempts} attempts: ${error.message}`,
      at,
    });
    // A chat whose last posts were all given up keeps failing: pause it rather than retry forever.
    const recent = await store.listDeliveries({ subscriptionId: sub.id, limit: GIVE_UPS_BEFORE_PAUSE });
    if (
      recent.length === GIVE_UPS_BEFORE_PAUSE &&
      recent.every((d) => d.status === 'failed' && d.error?.startsWith('gave up after'))
    ) {
      await store.pauseSubscription(
        sub.id,
        pauseReasonText('keptFailing', { n: GIVE_UPS_BEFORE_PAUSE, detail: error.message }),
        at,
      );
      log.warn(
        { subscription: sub.id, reason: error.message },
        'subscription paused after repeated failures',
      );
    }
    return 'failed';
  }

  /** Sends one batch of ready deliveries: one chat's posts in order, several chats at once. */
  async function deliverBatch(report: RunReport): Promise<number> {
    const ready = await store.claimReadyDeliveries(
      clock.now(),
      DELIVERY_BATCH,
      [...publishers.keys()],
      claim(),
    );
    const byChat = new Map<string, Delivery[]>();
    for (const d of ready) {
      const key = `${d.platform}:${d.chatId}`;
      byChat.set(key, [...(byChat.get(key) ?? []), d]);
    }
    const queues = [...byChat.values()];
    const worker = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const d of queue) {
          const outcome = await attempt(d);
          if (outcome === 'sent') report.sent++;
          else if (outcome === 'failed') report.failed++;
          else break; // keep this chat's order: later posts wait behind the one that waits
        }
      }
    };
    // Every worker finishes before the batch does, even when one fails (a store error): the next
    // batch must not start beside workers still sending, or more than `concurrency` posts would be
    // in flight at once, each uncertain if this instance dies.
    const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, worker));
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    return ready.length;
  }

  return {
    async recover(now) {
      for (const [platform, publisher] of publishers) {
        const own = recovered.has(platform) ? undefined : holder;
        recovered.add(platform);
        const result = await store.recoverInterrupted(platform, publisher.idempotent, now, own);
        if (result.requeued || result.unknown)
          log.warn({ platform, ...result }, 'reconciled posts interrupted by a restart or a dead instance');
      }
    },
    async deliverAllReady(report) {
      for (;;) {
        const before = report.sent + report.failed;
        const size = await deliverBatch(report);
        if (size < DELIVERY_BATCH || report.sent + report.failed === before) return;
      }
    },
  };
}
