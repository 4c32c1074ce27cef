/**
 * Scheduled channel posts: subscriptions, digests, alerts and the delivery log. The app builds it
 * with `createSubscriptions`, hands `handler` to `createBriefings`, registers each platform's
 * publisher, and tells it when content was reloaded.
 */
import type { Logger } from '../logger.ts';
import type { PlaceModelOf } from '../platform.ts';
import { instanceId } from '../store/open.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { DigestSource } from './digest.ts';
import { createSubscriptionHandler, type SubscriptionHandler } from './handler.ts';
import { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.ts';

export type { Cadence } from './cadence.ts';
export { type Clock, type ManualClock, manualClock, systemClock } from './clock.ts';
export { buildScheduledPost, type DigestSource, ITEMS_PER_POST } from './digest.ts';
export { createSubscriptionHandler, type SubscriptionHandler } from './handler.ts';
export {
  deliveryNonce,
  PublishError,
  type PublishErrorKind,
  type Publisher,
  type PublishOptions,
} from './publisher.ts';
export {
  createScheduler,
  DEFAULT_GRACE_MS,
  type PostNowResult,
  type RunReport,
  type Scheduler,
} from './scheduler.ts';

/**
 * Scheduler settings when instances share a database: check often and keep claims short, so a
 * dead instance's work is taken over within seconds (claim TTL plus a tick), and overlap more
 * database round trips.
 */
export const SHARED_SCHEDULER_DEFAULTS = { tickMs: 2000, claimTtlMs: 8000, concurrency: 8 } as const;

export interface SubscriptionsOptions {
  /** DATA_DIR: where the SQLite store lives. */
  dataDir: string;
  /** An open store (e.g. PostgreSQL from `openStore`); SQLite in `dataDir` when absent. */
  store?: Store;
  /** DEFAULT_TIMEZONE. */
  defaultTimezone: string;
  /** How each platform names places and who manages them (`placeModels(registry)`); `chats` by default. */
  places?: PlaceModelOf;
  /** The content; `engineDigestSource(() => currentEngine)` follows reloads. */
  source: DigestSource;
  logger: Logger;
  clock?: Clock;
  /** Other scheduler tuning (grace window, tick, backoff), mainly for tests. */
  scheduler?: Omit<SchedulerOptions, 'store' | 'source' | 'clock' | 'logger'>;
}

export interface Subscriptions {
  /** Route 'subscribe' | 'unsubscribe' | 'subscriptions' commands here. */
  handler: SubscriptionHandler;
  scheduler: Scheduler;
  store: Store;
  /** Stops the scheduler and closes the database. */
  close(): Promise<void>;
}

/** Opens the store in `dataDir` and builds the handler and scheduler on it (call `scheduler.start()`). */
export function createSubscriptions(options: SubscriptionsOptions): Subscriptions {
  const store = options.store ?? openSqliteStore({ dataDir: options.dataDir });
  const { logger, clock } = options;
  const source = () => options.source;
  const handler = createSubscriptionHandler({
    store,
    source,
    defaultTimezone: options.defaultTimezone,
    ...(options.places ? { places: options.places } : {}),
    clock,
    logger,
    // The scheduler is built below; a button press only comes once both exist.
    postNow: (id) => scheduler.postNow(id),
    wake: () => scheduler.runOnce(),
  });
  const scheduler = createScheduler({
    // Shared database: check often, so a dead instance's work is taken over within seconds.
    ...(store.kind === 'postgres' ? SHARED_SCHEDULER_DEFAULTS : {}),
    holder: instanceId(store, options.dataDir),
    ...options.scheduler,
    store,
    source,
    clock,
    logger,
  });
  return {
    handler,
    scheduler,
    store,
    async close() {
      await scheduler.stop();
      await store.close();
    },
  };
}
export { createConsolePublisher } from './console-publisher.ts';
export { type FixedSource, fixedDigestSource } from './fixed-source.ts';
export { engineDigestSource } from './source.ts';
