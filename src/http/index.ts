/**
 * The operations side of an instance on HTTP_PORT: health, readiness and Prometheus metrics,
 * started before the content is indexed so probes can watch the start-up. The app tells it what
 * it has (content, store, platforms) as each becomes available.
 */
import type { Briefings } from '../commands/index.ts';
import type { Logger } from '../logger.ts';
import type { Metrics, Role } from '../metrics.ts';
import type { Store } from '../store/types.ts';
import type { PlatformName } from '../types.ts';
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
  /**
   * A configured platform has started; `probe` tells whether it is still connected, `roles` which
   * roles this instance holds on it while it runs (e.g. `telegram_poller`).
   */
  platformStarted(platform: PlatformName, probe: ConnectionProbe, roles?: readonly Role[]): void;
  /** Not ready from now on (load balancers drain), then closes the server. */
  stop(): Promise<void>;
}

/** Starts the HTTP_PORT server; every platform in `platforms` must connect before ready. */
export async function startOperations({
  port,
  logger,
  platforms,
  roles: knownRoles = [],
}: {
  port: number;
  logger: Logger;
  /** The platforms that will start: not ready until each is connected. */
  platforms: readonly PlatformName[];
  /** The roles an instance can hold (every registered platform's), reported as 0 until held. */
  roles?: readonly Role[];
}): Promise<Operations> {
  // prom-client loads only on an instance that serves metrics: a start without HTTP_PORT skips it.
  const { createMetrics } = await import('../metrics.ts');
  let briefings: Briefings | undefined;
  let store: Store | undefined;
  const readiness = createReadiness();
  const metrics = createMetrics({
    articles: () => briefings?.engine.size ?? 0,
    store: () => store,
    logger,
    roles: knownRoles,
  });
  for (const platform of platforms) readiness.expect(platform);
  const roles = new Set<Role>();
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
    platformStarted(platform, probe, held = []) {
      readiness.connected(platform, probe);
      for (const role of held) {
        roles.add(role);
        metrics.setRole(role, true);
      }
    },
    async stop() {
      readiness.stopping();
      for (const role of roles) metrics.setRole(role, false);
      await server.close();
    },
  };
}
