/**
 * What `/readyz` reports: whether this instance should get traffic. Ready when the content is
 * indexed, the database answers, every configured platform is connected, and it is not shutting
 * down. Each check says what is wrong, so an operator reading the 503 body knows where to look.
 */
import type { Store } from '../store/types.ts';

/** One check's state: `ok`, or why not. */
export type CheckResult = { ok: true } | { ok: false; reason: string };

/** A platform's connection, asked at each probe: true, or why it is not connected. */
export type ConnectionProbe = () => true | string;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface Readiness {
  /** The search index is built and serving `articles` articles. */
  contentIndexed(articles: number): void;
  /** The database to ping on each check. */
  setStore(store: Store): void;
  /** A platform that must connect before the instance is ready; `connecting` until `connected`. */
  expect(platform: string): void;
  /** The platform started; `probe` tells at each check whether it is still connected. */
  connected(platform: string, probe: ConnectionProbe): void;
  /** Shutting down: not ready from now on, so load balancers stop sending traffic. */
  stopping(): void;
  check(): Promise<ReadinessReport>;
}

/** A database that does not answer a ping within this time counts as unreachable. */
const PING_TIMEOUT_MS = 2_000;

export function createReadiness(options: { pingTimeoutMs?: number } = {}): Readiness {
  const pingTimeoutMs = options.pingTimeoutMs ?? PING_TIMEOUT_MS;
  let articles: number | undefined;
  let store: Store | undefined;
  let shuttingDown = false;
  const platforms = new Map<string, ConnectionProbe | undefined>();

  const pingStore = async (): Promise<CheckResult> => {
    if (!store) return { ok: false, reason: 'not opened yet' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${pingTimeoutMs} ms`)), pingTimeoutMs);
    });
    try {
      await Promise.race([store.ping(), timeout]);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `unreachable: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      clearTimeout(timer);
    }
  };

  const probe = (p: ConnectionProbe | undefined): CheckResult => {
    if (!p) return { ok: false, reason: 'connecting' };
    try {
      const state = p();
      return state === true ? { ok: true } : { ok: false, reason: state };
    } catch (error) {
      return { ok: false, reason: `probe failed: ${(error as Error)?.message ?? String(error)}` };
    }
  };

  return {
    contentIndexed(n) {
      articles = n;
    },
    setStore(s) {
      store = s;
    },
    expect(platform) {
      if (!platforms.has(platform)) platforms.set(platform, undefined);
    },
    connected(platform, p) {
      platforms.set(platform, p);
    },
    stopping() {
      shuttingDown = true;
    },
    async check() {
      const checks: Record<string, CheckResult> = {};
      if (shuttingDown) checks.shutdown = { ok: false, reason: 'shutting down' };
      checks.content =
        articles === undefined
          ? { ok: false, reason: 'indexing' }
          : articles === 0
            ? { ok: false, reason: 'no articles indexed (is CONTENT_DIR right?)' }
            : { ok: true };
      checks.database = await pingStore();
      for (const [name, p] of platforms) checks[name] = probe(p);
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}
