/**
 * Decides what to post and when, and sees each post through. Planning writes a delivery row (and
 * claims its articles) before anything is sent; sending records the platform's message id after.
 * A restart finds rows left half-way and finishes or reconciles them instead of resending blindly.
 */
import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger } from '../logger.ts';
import { observeStore, type StoreObserver } from '../store/observe.ts';
import type { Delivery, Platform, Store, Subscription } from '../store/types.ts';
import type { Article, ChatTarget } from '../types.ts';
import { latestSlotBetween, nextSlot } from './cadence.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';
import { buildScheduledPost, type DigestSource } from './digest.ts';
import { createPacer, type PaceOf, type Pacer } from './pace.ts';
import { deliveryNonce, PublishError, type Publisher } from './publisher.ts';
import { byWords, topicArticles } from './shape.ts';

/** A digest missed while the bot was down is still posted if it comes back within this window. */
export const DEFAULT_GRACE_MS = 6 * 60 * 60_000;

export interface SchedulerOptions {
  store: Store;
  /** The current content; a function because reloads swap the engine underneath. */
  source: () => DigestSource;
  clock?: Clock;
  logger?: Logger;
  graceMs?: number;
  pacer?: Pacer;
  /** Longest sleep between two checks for due work. */
  tickMs?: number;
  /** Transient failures tried this many times before a delivery is given up. */
  maxAttempts?: number;
  /** First retry delay after a transient failure; doubles each attempt up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** This instance's name on the work it claims (several instances share one database). */
  holder?: string;
  /**
   * How long a claim on a due digest or a delivery lasts without renewal; a live instance renews
   * its claims every third of it, so a dead instance's work is taken over this long after it died.
   */
  claimTtlMs?: number;
  /** Deliveries to different chats sent at the same time. */
  concurrency?: number;
  /** Hears how each delivery attempt ended and who holds the lease (metrics). */
  observer?: StoreObserver;
}

export interface RunReport {
  planned: number;
  sent: number;
  failed: number;
}

export interface Scheduler {
  /**
   * Where posts for a platform go, and the pace the platform asks for (none when absent). Rows for
   * platforms without a publisher wait.
   */
  setPublisher(platform: Platform, publisher: Publisher, pace?: PaceOf): void;
  /** Starts checking for due work on the clock's timers. */
  start(): Promise<void>;
  /** Stops the timers, waits for the check under way, gives up this instance's claims. */
  stop(): Promise<void>;
  /** One check: notice new articles, claim and plan due digests and alerts, claim and send what is ready. */
  runOnce(): Promise<RunReport>;
  /** Content was reloaded: note new articles and send alerts now. */
  contentChanged(): Promise<RunReport>;
  /**
   * Posts a subscription's digest now (the "post now" button): what is new for it, or the latest
   * when nothing is. Planned through the delivery log like any post, so a double press within a
   * minute, or a press racing a scheduled digest, never posts the same items twice.
   */
  postNow(subscriptionId: number): Promise<PostNowResult>;
}

/** What `postNow` did: `planned` with how many items; `duplicate` when the same post was just made. */
export type PostNowResult =
  | { status: 'planned'; items: number; fresh: boolean }
  | { status: 'duplicate' | 'empty' | 'paused' | 'missing' };

/** Rate-limit answers are waited out this many times before a delivery is given up. */
const MAX_RATE_LIMITED_ATTEMPTS = 20;
/** Consecutive deliveries given up after retries that pause a subscription. */
const GIVE_UPS_BEFORE_PAUSE = 3;
/** Due digests claimed from the store at a time. */
const BATCH = 200;
/**
 * Deliveries claimed at a time: enough to keep the senders busy, few enough that instances sharing
 * a database split a burst between them instead of one taking it all.
 */
const DELIVERY_BATCH = 50;

/** Builds a scheduler; nothing runs until `start()` or `runOnce()`. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  options = { ...options, store: observeStore(options.store, options.observer) };
  const paces = new Map<Platform, PaceOf>();
  const {
    store,
    source,
    clock = systemClock(),
    logger = silentLogger,
    graceMs = DEFAULT_GRACE_MS,
    pacer = createPacer((target) => paces.get(target.platform)?.(target) ?? {}),
    tickMs = 30_000,
    maxAttempts = 8,
    backoffBaseMs = 30_000,
    backoffMaxMs = 60 * 60_000,
    holder = randomUUID(),
    claimTtlMs = 10_000,
    concurrency = 4,
  } = options;
  const log = logger.child({ module: 'scheduler' });
  const publishers = new Map<Platform, Publisher>();
  /** Platforms whose sends interrupted by this instance's own previous life were reconciled. */
  const recovered = new Set<Platform>();
  let heartbeat: TimerHandle | undefined;
  const claim = () => ({ holder, until: clock.now() + claimTtlMs });
  let catalogDirty = true;
  let running: Promise<RunReport> | undefined;
  let timer: TimerHandle | undefined;
  let started = false;

  /** Articles first seen after the subscription's baseline and not yet claimed by it, newest first. */
  async function unsentArticles(sub: Subscription, articles: Article[]): Promise<Article[]> {
    const ids = articles.map((a) => a.id);
    const seen = await store.firstSeen(ids);
    const claimed = await store.claimedArticles(sub.id, ids);
    return articles.filter(
      (a) => (seen.get(a.id) ?? Number.NEGATIVE_INFINITY) > sub.baselineAt && !claimed.has(a.id),
    );
  }

  async function planAlerts(now: number): Promise<number> {
    let planned = 0;
    for (const sub of await store.listSubscriptions({ status: 'active' })) {
      if (sub.cadence.kind !== 'alerts') continue;
      const content = source();
      const fresh = byWords(sub, await unsentArticles(sub, topicArticles(content, sub)));
      if (fresh.length === 0) continue;
      const ids = fresh.map((a) => a.id).sort();
      const delivery = await store.planDelivery({
        key: `alert:${sub.id}:${deliveryNonce(ids.join(','))}`,
        subscriptionId: sub.id,
        kind: 'alert',
        articleIds: ids,
        payload: buildScheduledPost(content, {
          kind: 'alert',
          topic: sub.topic,
          topicLabel: sub.topicLabel,
          articles: fresh,
          mentionRoleId: sub.mentionRoleId,
          language: sub.language,
        }),
        at: now,
        subscription: { lastRunAt: now, lastOutcome: `alert with ${fresh.length} new` },
      });
      if (delivery) planned++;
      // Raced by another instance for some of these articles: the rest are planned next check.
      else catalogDirty = true;
    }
    return planned;
  }

  async function planDigest(sub: Subscription, now: number): Promise<boolean> {
    const next = nextSlot(sub.cadence, sub.timezone, now);
    const from = Math.max((sub.nextRunAt ?? now) - 1, now - graceMs);
    const slot = latestSlotBetween(sub.cadence, sub.timezone, from, now);
    if (slot === undefined) {
      log.info({ subscription: sub.id, due: sub.nextRunAt }, 'digest slot missed beyond the grace window');
      await store.updateSubscription(
        sub.id,
        { nextRunAt: next, lastOutcome: 'missed (bot was down past the grace window); items roll over' },
        now,
      );
      return false;
    }
    const content = source();
    const inTopics = topicArticles(content, sub);
    const fresh = byWords(sub, await unsentArticles(sub, inTopics));
    // The whole history passes the word filters only when the latest is to be shown instead.
    const matching = fresh.length === 0 && sub.whenEmpty === 'latest' ? byWords(sub, inTopics) : [];
    const kind =
      fresh.length > 0 ? 'digest' : sub.whenEmpty === 'latest' && matching.length > 0 ? 'latest' : undefined;
    if (!kind) {
      await store.updateSubscription(
        sub.id,
        { nextRunAt: next, lastRunAt: slot, lastOutcome: 'nothing new' },
        now,
      );
      return false;
    }
    const articles = kind === 'digest' ? fresh : matching;
    const delivery = await store.planDelivery({
      key: `digest:${sub.id}:${new Date(slot).toISOString()}`,
      subscriptionId: sub.id,
      kind: 'digest',
      slotAt: slot,
      articleIds: kind === 'digest' ? fresh.map((a) => a.id) : [],
      payload: buildScheduledPost(content, {
        kind,
        topic: sub.topic,
        topicLabel: sub.topicLabel,
        articles,
        language: sub.language,
      }),
      at: now,
      subscription: {
        nextRunAt: next,
        lastRunAt: slot,
        lastOutcome: kind === 'digest' ? `digest with ${fresh.length} new` : 'nothing new; posted the latest',
      },
    });
    if (!delivery) {
      // Planned before (same slot) or raced by another planner: just move on to the next slot.
      await store.updateSubscription(sub.id, { nextRunAt: next }, now);
    }
    return delivery !== undefined;
  }

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
        await store.pauseSubscription(sub.id, `chat moved: ${error.message}`, at);
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
        `the last ${GIVE_UPS_BEFORE_PAUSE} posts kept failing (${error.message})`,
        at,
      );
      log.warn(
        { subscription: sub.id, reason: error.message },
        'subscription paused after repeated failures',
      );
    }
    return 'failed';
  }

  /** Sends ready deliveries, batch after batch, until none is ready or a batch makes no progress. */
  async function deliverAllReady(report: RunReport): Promise<void> {
    for (;;) {
      const before = report.sent + report.failed;
      const size = await deliverBatch(report);
      if (size < DELIVERY_BATCH || report.sent + report.failed === before) return;
    }
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
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return ready.length;
  }

  async function check(): Promise<RunReport> {
    const report: RunReport = { planned: 0, sent: 0, failed: 0 };
    const now = clock.now();
    // Sends left half-way by a dead instance (its claims expired), or by this instance's own
    // previous life (same holder, first check only): resent when idempotent, `unknown` otherwise.
    for (const [platform, publisher] of publishers) {
      const own = recovered.has(platform) ? undefined : holder;
      recovered.add(platform);
      const result = await store.recoverInterrupted(platform, publisher.idempotent, now, own);
      if (result.requeued || result.unknown)
        log.warn({ platform, ...result }, 'reconciled posts interrupted by a restart or a dead instance');
    }
    if (catalogDirty) {
      catalogDirty = false;
      const added = await store.recordArticles(source().articleIds(), now);
      if (added.length > 0) log.info({ added: added.length }, 'new articles noticed');
      report.planned += await planAlerts(now);
    }
    // Due digests a batch at a time, each batch planned (several at once) and then posted, so the
    // first posts go out while later digests still wait to be planned (here or by another instance).
    const planned = new Set<number>();
    for (;;) {
      const due = (await store.claimDueDigests(now, BATCH, claim())).filter((s) => !planned.has(s.id));
      if (due.length === 0) break;
      for (const sub of due) planned.add(sub.id);
      await forEachLimit(due, concurrency, async (sub) => {
        if (await planDigest(sub, now)) report.planned++;
      });
      await deliverAllReady(report);
    }
    await store.releaseClaims(holder, 'digests');
    await deliverAllReady(report);
    return report;
  }

  function runExclusive(): Promise<RunReport> {
    if (running) return running.then(() => runExclusive());
    const run = check().finally(() => {
      running = undefined;
    });
    running = run;
    return run;
  }

  /** Runs a check and always schedules the next: a failing database is logged, never fatal. */
  async function wake(): Promise<void> {
    timer = undefined;
    if (!started) return;
    try {
      await runExclusive();
    } catch (error) {
      log.error({ err: error }, 'scheduler check failed; trying again at the next tick');
    }
    if (!started) return;
    const now = clock.now();
    let nextDelivery: number | undefined;
    try {
      nextDelivery = await store.nextDeliveryAt([...publishers.keys()]);
    } catch (error) {
      log.warn({ err: error }, 'could not read the next delivery time; checking at the next tick');
    }
    const delay = Math.min(tickMs, Math.max(0, (nextDelivery ?? Number.POSITIVE_INFINITY) - now));
    timer = clock.setTimeout(() => void wake(), Math.max(delay, 50));
  }

  /** Keeps this instance's claims alive while it runs; a dead instance's lapse and are taken over. */
  async function renew(): Promise<void> {
    heartbeat = undefined;
    if (!started) return;
    try {
      await store.renewClaims(holder, clock.now() + claimTtlMs);
    } catch (error) {
      log.warn({ err: error }, 'could not renew work claims');
    }
    if (started) heartbeat = clock.setTimeout(() => void renew(), claimTtlMs / 3);
  }

  return {
    setPublisher(platform, publisher, pace) {
      publishers.set(platform, publisher);
      if (pace) paces.set(platform, pace);
      else paces.delete(platform);
    },
    async start() {
      if (started) return;
      started = true;
      heartbeat = clock.setTimeout(() => void renew(), claimTtlMs / 3);
      await wake();
    },
    async stop() {
      started = false;
      if (timer) clock.clearTimeout(timer);
      if (heartbeat) clock.clearTimeout(heartbeat);
      timer = undefined;
      heartbeat = undefined;
      await running?.catch(() => undefined);
      // Unsent work goes back at once, rather than when the claims would have expired.
      await store.releaseClaims(holder, 'all').catch((error: unknown) => {
        log.warn({ err: error }, 'could not release work claims');
      });
    },
    runOnce: runExclusive,
    async contentChanged() {
      catalogDirty = true;
      return runExclusive();
    },
    async postNow(subscriptionId) {
      const sub = await store.getSubscription(subscriptionId);
      if (!sub) return { status: 'missing' };
      if (sub.status !== 'active') return { status: 'paused' };
      const now = clock.now();
      const content = source();
      // Articles seen for the first time must be on record before "new since the baseline" is asked.
      await store.recordArticles(content.articleIds(), now);
      const inTopics = topicArticles(content, sub);
      const fresh = byWords(sub, await unsentArticles(sub, inTopics));
      const articles = fresh.length > 0 ? fresh : byWords(sub, inTopics);
      if (articles.length === 0) return { status: 'empty' };
      const ids = articles.map((a) => a.id).sort();
      const minute = Math.floor(now / 60_000);
      const delivery = await store.planDelivery({
        // Fresh items are claimed (never posted twice); "the latest again" is deduped per minute.
        key:
          fresh.length > 0
            ? `now:${sub.id}:${deliveryNonce(ids.join(','))}`
            : `now:${sub.id}:latest:${minute}:${deliveryNonce(ids.join(','))}`,
        subscriptionId: sub.id,
        kind: 'digest',
        slotAt: now,
        articleIds: fresh.length > 0 ? ids : [],
        payload: buildScheduledPost(content, {
          kind: fresh.length > 0 ? 'digest' : 'latest',
          topic: sub.topic,
          topicLabel: sub.topicLabel,
          articles,
          language: sub.language,
        }),
        at: now,
        subscription: {
          lastRunAt: now,
          lastOutcome:
            fresh.length > 0
              ? `posted now with ${fresh.length} new`
              : 'posted now; nothing new, so the latest',
        },
      });
      if (!delivery) return { status: 'duplicate' };
      log.info({ subscription: sub.id, delivery: delivery.id }, 'post now planned');
      // Sent by whichever instance claims it first; this one checks at once.
      void runExclusive().catch((error) => log.error({ err: error }, 'post now: sending failed'));
      return { status: 'planned', items: articles.length, fresh: fresh.length > 0 };
    },
  };
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure after all settle. */
async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item).catch((error: unknown) => {
        errors.push(error);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}
