/**
 * Decides what to post and when, and sees each post through, by composing three parts: planning
 * (plan.ts) writes a delivery row (and claims its articles) before anything is sent; delivering
 * (deliver.ts) sends ready rows and records the platform's message id after; the lease (lease.ts)
 * keeps this instance's claims on shared work alive. A restart finds rows left half-way and
 * finishes or reconciles them instead of resending blindly. This file runs the checks: when, in
 * which order, one at a time.
 */
import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger } from '../logger.ts';
import { observeStore, type StoreObserver } from '../store/observe.ts';
import type { Platform, Store } from '../store/types.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';
import { createDeliverer, type RunReport } from './deliver.ts';
import type { DigestSource } from './digest.ts';
import { createLease } from './lease.ts';
import { createPacer, type PaceOf, type Pacer } from './pace.ts';
import { createPlanner } from './plan.ts';
import type { Publisher } from './publisher.ts';

export type { RunReport } from './deliver.ts';

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

/** Due digests claimed from the store at a time. */
const BATCH = 200;

/** Builds a scheduler; nothing runs until `start()` or `runOnce()`. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const store = observeStore(options.store, options.observer);
  const paces = new Map<Platform, PaceOf>();
  const {
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
  const lease = createLease({ store, clock, log, holder, claimTtlMs });
  const planner = createPlanner({ store, source, log, graceMs });
  const deliverer = createDeliverer({
    store,
    clock,
    log,
    pacer,
    publishers,
    claim: lease.claim,
    holder,
    concurrency,
    maxAttempts,
    backoffBaseMs,
    backoffMaxMs,
  });
  let catalogDirty = true;
  /** Article ids this instance has recorded as seen (the store keeps the first time each was). */
  const recorded = new Set<string>();
  let running: Promise<RunReport> | undefined;
  let timer: TimerHandle | undefined;
  let started = false;

  async function check(): Promise<RunReport> {
    const report: RunReport = { planned: 0, sent: 0, failed: 0 };
    const now = clock.now();
    await deliverer.recover(now);
    if (catalogDirty) {
      catalogDirty = false;
      // Only ids not yet handed to the store by this instance: a reload adds a few to 100,000.
      const unseen = source()
        .articleIds()
        .filter((id) => !recorded.has(id));
      const added = await store.recordArticles(unseen, now);
      for (const id of unseen) recorded.add(id);
      if (added.length > 0) log.info({ added: added.length }, 'new articles noticed');
      const alerts = await planner.planAlerts(now);
      report.planned += alerts.planned;
      if (alerts.raced) catalogDirty = true;
    }
    // Due digests a batch at a time, each batch planned (several at once) and then posted, so the
    // first posts go out while later digests still wait to be planned (here or by another instance).
    const planned = new Set<number>();
    for (;;) {
      const due = (await store.claimDueDigests(now, BATCH, lease.claim())).filter((s) => !planned.has(s.id));
      if (due.length === 0) break;
      for (const sub of due) planned.add(sub.id);
      await forEachLimit(due, concurrency, async (sub) => {
        if (await planner.planDigest(sub, now)) report.planned++;
      });
      await deliverer.deliverAllReady(report);
    }
    await lease.release('digests');
    await deliverer.deliverAllReady(report);
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

  return {
    setPublisher(platform, publisher, pace) {
      publishers.set(platform, publisher);
      if (pace) paces.set(platform, pace);
      else paces.delete(platform);
    },
    async start() {
      if (started) return;
      started = true;
      lease.start();
      await wake();
    },
    async stop() {
      started = false;
      if (timer) clock.clearTimeout(timer);
      timer = undefined;
      lease.stop();
      await running?.catch(() => undefined);
      // Unsent work goes back at once, rather than when the claims would have expired.
      await lease.release('all').catch((error: unknown) => {
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
      const planned = await planner.planNow(sub, clock.now());
      if (planned.status !== 'planned') return planned;
      log.info({ subscription: sub.id, delivery: planned.delivery }, 'post now planned');
      // Sent by whichever instance claims it first; this one checks at once.
      void runExclusive().catch((error) => log.error({ err: error }, 'post now: sending failed'));
      return { status: 'planned', items: planned.items, fresh: planned.fresh };
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
