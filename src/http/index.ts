/**
 * The operations side of an instance on HTTP_PORT: health, readiness and Prometheus metrics,
 * started before the content is indexed so probes can watch the start-up. The app tells it what
 * it has (content, store, platforms) as each becomes available.
 */
import type { Briefings } from '../commands/index.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import type { Store } from '../store/types.ts';
import { type ConnectionProbe, createReadiness, type Readiness } from './readiness.ts';
import { type HttpServer, startHttpServer } from './server.ts';

export { type ConnectionProbe, createReadiness, type Readiness, type ReadinessReport } from './readiness.ts';
export { type HttpServer, OPERATIONS_PATHS, type RequestHandler, startHttpServer } from './server.ts';

export interface Operations {
  readonly server: HttpServer;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  /** The content is indexed and the database open: readiness and the gauges read them from now on. */
  serving(deps: { briefings: Briefings; store: Store }): void;
  /** A configured platform has started; `probe` tells whether it is still connected. */
  platformStarted(platform: 'telegram' | 'discord', probe: ConnectionProbe): void;
  /** Not ready from now on (load balancers drain), then closes the server. */
  stop(): Promise<void>;
}

/** Starts the HTTP_PORT server; every platform configured in `config` must connect before ready. */
export async function startOperations({
  config,
  port,
  logger,
}: {
  config: Config;
  port: number;
  logger: Logger;
}): Promise<Operations> {
  let briefings: Briefings | undefined;
  let store: Store | undefined;
  const readiness = createReadiness();
  const metrics = createMetrics({
    articles: () => briefings?.engine.size ?? 0,
    store: () => store,
    logger,
  });
  if (config.TELEGRAM_BOT_TOKEN) readiness.expect('telegram');
  if (config.DISCORD_TOKEN) readiness.expect('discord');
  const server = await startHttpServer({ port, readiness, metrics, logger });
  return {
    server,
    readiness,
    metrics,
    serving(deps) {
      briefings = deps.briefings;
      store = deps.store;
      readiness.setStore(deps.store);
      readiness.contentIndexed(deps.briefings.engine.size);
    },
    platformStarted(platform, probe) {
      readiness.connected(platform, probe);
      // Long polling on SQLite: this instance is Telegram's one poller. On PostgreSQL the poller is
      // elected, and the election's lease tells the metrics (see adapters/main.ts).
      if (platform === 'telegram' && !config.TELEGRAM_WEBHOOK_URL && !config.DATABASE_URL)
        metrics.setRole('telegram_poller', true);
    },
    async stop() {
      readiness.stopping();
      metrics.setRole('telegram_poller', false);
      await server.close();
    },
  };
}
