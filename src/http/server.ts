/**
 * The operations endpoint on HTTP_PORT (node:http): `/healthz` (the process is up), `/readyz`
 * (ready for traffic, else 503 with what is not ready) and `/metrics` (Prometheus text format).
 * Other handlers can be mounted on exact paths, so Telegram's webhook can share the port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Readiness } from './readiness.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServerOptions {
  /** 0 picks a free port (see `port` once started). */
  port: number;
  /** Interface to bind; all interfaces by default, as a container's probes need. */
  host?: string;
  readiness: Readiness;
  metrics?: Metrics;
  logger: Logger;
}

export interface HttpServer {
  readonly port: number;
  /** Serves `path` (exact match, any method) with `handler`; answers a function that unmounts it. */
  mount(path: string, handler: RequestHandler): () => void;
  close(): Promise<void>;
}

/** Paths the server answers itself; nothing may be mounted on them. */
export const OPERATIONS_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
};

/** Starts listening; resolves once bound (rejects if the port is taken). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { readiness, metrics, logger } = options;
  const mounted = new Map<string, RequestHandler>();

  const operations = async (path: string, req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      json(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
    } else if (path === '/readyz') {
      const report = await readiness.check();
      const notReady = Object.entries(report.checks)
        .filter(([, c]) => !c.ok)
        .map(([name, c]) => `${name}: ${c.ok ? 'ok' : c.reason}`);
      json(res, report.ready ? 200 : 503, {
        status: report.ready ? 'ready' : 'not ready',
        ...(notReady.length ? { notReady } : {}),
        checks: Object.fromEntries(
          Object.entries(report.checks).map(([name, c]) => [name, c.ok ? 'ok' : c.reason]),
        ),
      });
    } else if (!metrics) {
      json(res, 404, { error: 'metrics are not enabled' });
    } else {
      const { contentType, body } = await metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = mounted.get(path);
    if (handler) return handler(req, res);
    if (!OPERATIONS_PATHS.includes(path)) return json(res, 404, { error: 'not found' });
    operations(path, req, res).catch((error: unknown) => {
      logger.error({ err: error, path }, 'operations endpoint failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // Probes come every few seconds from the same client: keep connections, but not forever.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  server.on('error', (error) => logger.error({ err: error }, 'operations endpoint error'));
  logger.info({ port }, 'http endpoint listening (/healthz, /readyz, /metrics)');

  let closing: Promise<void> | undefined;
  return {
    port,
    mount(path, handler) {
      if (OPERATIONS_PATHS.includes(path)) throw new Error(`HTTP server: ${path} is reserved`);
      if (mounted.has(path)) throw new Error(`HTTP server: ${path} is already mounted`);
      mounted.set(path, handler);
      return () => {
        if (mounted.get(path) === handler) mounted.delete(path);
      };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
