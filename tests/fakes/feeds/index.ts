/**
 * A fake publisher for feed tests: an HTTP server on 127.0.0.1 whose routes tests set and change
 * (a feed, a 304 for a matching conditional GET, a 500, a slow answer, a redirect, a huge body),
 * recording every request with its headers so tests can check what the reader sent.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  status?: number;
  /** Strings are sent as UTF-8; a Buffer as its bytes. */
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Answers 304 when If-None-Match equals it; sent as ETag otherwise. */
  etag?: string;
  /** Answers 304 when If-Modified-Since equals it; sent as Last-Modified otherwise. */
  lastModified?: string;
  /** Waits this long before the status line. */
  delayMs?: number;
  /** Sends headers at once, then the body a byte every `trickleMs`. */
  trickleMs?: number;
  /** Redirects (302) to this path or URL. */
  redirect?: string;
  /** Streams this many bytes (no Content-Length) of a never-ending-looking feed. */
  hugeBytes?: number;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeFeeds {
  readonly origin: string;
  url(path: string): string;
  set(path: string, route: Route): void;
  readonly requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  /** Bytes of body written per path (the huge route stops when the client hangs up). */
  readonly bytesSent: Map<string, number>;
  close(): Promise<void>;
}

export async function startFakeFeeds(): Promise<FakeFeeds> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const bytesSent = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const answer = (path: string, route: Route, headers: IncomingHttpHeaders, res: ServerResponse) => {
    if (route.redirect) {
      res.writeHead(302, { location: route.redirect }).end();
      return;
    }
    const notModified =
      (route.etag !== undefined && headers['if-none-match'] === route.etag) ||
      (route.lastModified !== undefined && headers['if-modified-since'] === route.lastModified);
    const common: Record<string, string> = {
      ...(route.etag ? { etag: route.etag } : {}),
      ...(route.lastModified ? { 'last-modified': route.lastModified } : {}),
      ...route.headers,
    };
    if (notModified) {
      res.writeHead(304, common).end();
      return;
    }
    const contentType = route.contentType ?? 'application/rss+xml; charset=utf-8';
    if (route.hugeBytes) {
      res.writeHead(200, { ...common, 'content-type': contentType });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < (route.hugeBytes as number) && !res.destroyed) {
          sent += chunk.length;
          bytesSent.set(path, sent);
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>');
      pump();
      return;
    }
    const body = Buffer.from(route.body ?? '');
    if (route.trickleMs) {
      res.writeHead(route.status ?? 200, { ...common, 'content-type': contentType });
      let i = 0;
      const step = () => {
        if (res.destroyed) return;
        if (i >= body.length) {
          res.end();
          return;
        }
        res.write(body.subarray(i, i + 1));
        i++;
        later(route.trickleMs as number, step);
      };
      step();
      return;
    }
    res.writeHead(route.status ?? 200, {
      ...common,
      'content-type': contentType,
      'content-length': String(body.length),
    });
    res.end(body);
    bytesSent.set(path, (bytesSent.get(path) ?? 0) + body.length);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    requests.push({ path, headers: req.headers });
    res.on('error', () => undefined);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.delayMs) later(route.delayMs, () => !res.destroyed && answer(path, route, req.headers, res));
    else answer(path, route, req.headers, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    set: (path, route) => routes.set(path, route),
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    bytesSent,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
