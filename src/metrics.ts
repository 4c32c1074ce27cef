/**
 * Prometheus metrics for `/metrics` (prom-client): queries and their latency by platform and
 * command, scheduled deliveries by outcome, the due and overdue backlog, this instance's roles
 * and the size of the content. Counters are fed by observers the core already calls (the query
 * observer of `createBriefings`, the scheduler's store observer); gauges that describe shared
 * state (the backlog, the article count) are read when Prometheus scrapes, never polled.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueryObserver } from './commands/index.ts';
import type { Logger } from './logger.ts';
import type { StoreObserver } from './store/observe.ts';
import type { Backlog, Store } from './store/types.ts';

/**
 * A role an instance can hold among several sharing one database, as platforms declare them
 * (`Platform.roles`, e.g. `telegram_poller`). A role held by lease is the lease's name with `-`
 * for `_` (`telegram-poller`).
 */
export type Role = string;

/** Work due longer than this is reported as overdue. */
export const DEFAULT_OVERDUE_MS = 60_000;

/** Query latency buckets in seconds: answers take milliseconds; the tail shows a loaded machine. */
const QUERY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface MetricsOptions {
  /** Current article count; read at scrape time (follows content reloads). */
  articles?: () => number;
  /** The store the backlog gauges are read from at scrape time. */
  store?: () => Store | undefined;
  clock?: () => number;
  overdueMs?: number;
  logger?: Logger;
  /** Node's process metrics (CPU, memory, event loop lag); on by default. */
  processMetrics?: boolean;
  /** The roles there are, reported as 0 until held. */
  roles?: readonly Role[];
}

export interface Metrics {
  readonly registry: Registry;
  /** Hand to `createBriefings({ observer })`. */
  readonly queries: QueryObserver;
  /** Hand to the scheduler (`observer`): deliveries by outcome and the scheduler lease. */
  readonly store: StoreObserver;
  /** Sets whether this instance holds a role now. */
  setRole(role: Role, held: boolean): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const clock = options.clock ?? Date.now;
  const overdueMs = options.overdueMs ?? DEFAULT_OVERDUE_MS;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const queries = new Counter({
    name: 'briefings_queries_total',
    help: 'Commands, inline queries and autocomplete requests answered, by platform, command and outcome (ok, rejected: bad input shown to the user, error: failed).',
    labelNames: ['platform', 'command', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'briefings_query_duration_seconds',
    help: 'Time the core took to answer a query, by platform and command (rendering and sending excluded).',
    labelNames: ['platform', 'command'] as const,
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'briefings_deliveries_total',
    help: 'Scheduled post attempts by platform and outcome: sent, failed, uncertain (may have posted; never resent), retry (will be tried again), cancelled.',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const roles = new Gauge({
    name: 'briefings_role',
    help: 'Roles this instance holds now (1) or not (0), e.g. telegram_poller: the one instance that long-polls Telegram.',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const known = new Set(options.roles ?? []);
  for (const role of known) roles.set({ role }, 0);

  // Both backlog gauges are collected in one scrape: they share one read of the store.
  let reading: Promise<Backlog[] | undefined> | undefined;
  const backlog = () => {
    reading ??= readBacklog().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  const readBacklog = async () => {
    const store = options.store?.();
    if (!store) return undefined;
    const now = clock();
    try {
      return await store.backlog(now, now - overdueMs);
    } catch (error) {
      options.logger?.warn({ err: error }, 'metrics: backlog not readable from the store');
      return undefined;
    }
  };
  new Gauge({
    name: 'briefings_deliveries_due',
    help: 'Scheduled posts whose time has come and that have not gone out, by platform (pending deliveries plus digest slots not yet planned).',
    labelNames: ['platform'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of (await backlog()) ?? []) this.set({ platform: b.platform }, b.due);
    },
  });
  new Gauge({
    name: 'briefings_deliveries_overdue',
    help: `Scheduled posts due for more than ${overdueMs / 1000} s and not gone out, by platform.`,
    labelNames: ['platform'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of (await backlog()) ?? []) this.set({ platform: b.platform }, b.overdue);
    },
  });
  new Gauge({
    name: 'briefings_articles',
    help: 'Articles in the search index this instance serves.',
    registers: [registry],
    collect() {
      if (options.articles) this.set(options.articles());
    },
  });

  return {
    registry,
    queries: ({ platform, command, seconds, outcome }) => {
      queries.inc({ platform, command, outcome });
      latency.observe({ platform, command }, seconds);
    },
    store: {
      delivery: (platform, outcome, count) => deliveries.inc({ platform, outcome }, count),
      // Every instance schedules (work is claimed row by row); roles such as a poller are elected by lease.
      lease: (name, held) => {
        const role = name.replaceAll('-', '_');
        if (known.has(role)) roles.set({ role }, held ? 1 : 0);
      },
    },
    setRole(role, held) {
      roles.set({ role }, held ? 1 : 0);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
