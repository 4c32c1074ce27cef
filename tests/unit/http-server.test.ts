/**
 * The operations server on its own, with real HTTP requests on 127.0.0.1 and the real SQLite
 * store: readiness follows the database (503 once the store is closed), platforms and shutdown;
 * unknown paths and methods get clear answers; mounted handlers share the port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReadiness, type HttpServer, type Readiness, startHttpServer } from '../../src/http/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';

let dir: string;
let store: Store;
let readiness: Readiness;
let server: HttpServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefings-http-unit-'));
  store = openSqliteStore({ dataDir: dir });
  readiness = createReadiness({ pingTimeoutMs: 1_000 });
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    readiness,
    metrics: createMetrics({ processMetrics: false, store: () => store, articles: () => 3 }),
    logger: silentLogger,
  });
});
afterEach(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = async (path: string, init: RequestInit = {}) => {
  const r = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    ...init,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: r.status, text: await r.text(), headers: r.headers };
};
const readyz = async () => {
  const r = await request('/readyz');
  return { status: r.status, body: JSON.parse(r.text) as { status: string; checks: Record<string, string> } };
};

describe('operations server', () => {
  it('turns ready with content and a reachable store, and 503 when the store is closed', async () => {
    expect((await readyz()).body.checks).toEqual({ content: 'indexing', database: 'not opened yet' });
    readiness.setStore(store);
    readiness.contentIndexed(3);
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { content: 'ok', database: 'ok' } },
    });

    await store.close();
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.checks.content).toBe('ok');
    expect(down.body.checks.database).toMatch(/^unreachable: .*not open/);
    // Metrics still answer; the backlog gauges are simply absent while the store is down.
    const metrics = await request('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('briefings_articles 3');
    expect(metrics.text).not.toMatch(/^briefings_deliveries_due\{/m);
  });

  it('reports a database that does not answer in time as unreachable', async () => {
    const hanging = { ping: () => new Promise<void>(() => {}) } as unknown as Store;
    readiness.setStore(hanging);
    readiness.contentIndexed(3);
    const started = Date.now();
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.checks.database).toBe('unreachable: no answer within 1000 ms');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('waits for every expected platform and follows its connection', async () => {
    readiness.setStore(store);
    readiness.contentIndexed(3);
    readiness.expect('discord');
    expect((await readyz()).body.checks.discord).toBe('connecting');
    let state: true | string = true;
    readiness.connected('discord', () => state);
    expect((await readyz()).status).toBe(200);
    state = 'shard 1 reconnecting';
    expect(await readyz()).toMatchObject({
      status: 503,
      body: { checks: { discord: 'shard 1 reconnecting' } },
    });
    state = true;
    readiness.stopping();
    expect(await readyz()).toMatchObject({ status: 503, body: { checks: { shutdown: 'shutting down' } } });
  });

  it('answers 404 for unknown paths, 405 for other methods, and HEAD without a body', async () => {
    expect((await request('/nope')).status).toBe(404);
    const post = await request('/healthz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await request('/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect((await request('/healthz?probe=1')).status).toBe(200);
  });

  it('serves mounted handlers on exact paths, never over its own', async () => {
    const unmount = server.mount('/hook', (_req, res) => res.writeHead(202).end('taken'));
    expect(await request('/hook', { method: 'POST' })).toMatchObject({ status: 202, text: 'taken' });
    expect((await request('/hook/more')).status).toBe(404);
    expect(() => server.mount('/metrics', () => {})).toThrow(/reserved/);
    expect(() => server.mount('/hook', () => {})).toThrow(/already mounted/);
    unmount();
    expect((await request('/hook', { method: 'POST' })).status).toBe(404);
  });

  it('refuses to start on a port that is taken', async () => {
    await expect(
      startHttpServer({ port: server.port, host: '127.0.0.1', readiness, logger: silentLogger }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
