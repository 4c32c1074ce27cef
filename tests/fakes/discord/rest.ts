/**
 * The fake Discord REST API: an HTTP server on 127.0.0.1 under `/api/v10`, routing each request
 * to one route module. Bot routes need `Authorization: Bot <token>`; interaction and webhook
 * routes are authorised by their token, as on Discord. Unknown routes answer an explicit 404,
 * and any route can be told to answer 429 with `retry_after` first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discordError, type FakeResponse, unauthorized } from './errors.ts';

export interface RouteRequest {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

/** One API method: a pattern over the path after `/api/v10`, and whether it needs the bot token. */
export interface Route {
  method: string;
  pattern: RegExp;
  auth: 'bot' | 'none';
  handle(request: RouteRequest): FakeResponse;
}

/** A request as the fake saw it, with the status it answered. */
export interface RequestLogEntry {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

interface RateLimitRule {
  method?: string;
  path: RegExp;
  retryAfter: number;
  global: boolean;
}

export class FakeRest {
  readonly requests: RequestLogEntry[] = [];
  /** Requests held unanswered by `hangNext`, as `METHOD path`. */
  readonly hanging: string[] = [];
  private readonly hangs: { method?: string; path: RegExp }[] = [];
  private readonly routes: Route[] = [];
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly server: Server;

  private constructor(
    private readonly token: string,
    server: Server,
  ) {
    this.server = server;
    server.on('request', (req, res) => void this.serve(req, res));
  }

  static async start(token: string): Promise<FakeRest> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return new FakeRest(token, server);
  }

  /** The value for discord.js's `rest.api` (and `DISCORD_API_BASE`). */
  get apiBase(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  mount(routes: Route[]): void {
    this.routes.push(...routes);
  }

  /** The next request matching `path` (and `method`) gets a 429 with `retry_after` seconds. */
  rateLimitNext(rule: { method?: string; path: RegExp; retryAfter: number; global?: boolean }): void {
    this.rateLimits.push({ ...rule, global: rule.global ?? false });
  }

  /** The next request matching `path` (and `method`) is read and never answered, until the client gives up or the fake closes. */
  hangNext(rule: { method?: string; path: RegExp }): void {
    this.hangs.push(rule);
  }

  /** Requests so far whose path matches. */
  matching(path: RegExp, method?: string): RequestLogEntry[] {
    return this.requests.filter((r) => path.test(r.path) && (!method || r.method === method));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const apiPath = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const hang = this.hangs.findIndex((r) => r.path.test(apiPath) && (!r.method || r.method === method));
    if (hang >= 0) {
      this.hangs.splice(hang, 1);
      const entry = `${method} ${apiPath}`;
      this.hanging.push(entry);
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      this.hanging.splice(this.hanging.indexOf(entry), 1);
      return;
    }
    let body: unknown;
    let answer: FakeResponse;
    try {
      body = raw ? JSON.parse(raw) : undefined;
      answer = this.answer(method, url, body, req.headers.authorization);
    } catch {
      answer = discordError(400, 50109, 'The request body contains invalid JSON.');
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    this.requests.push({ method, path, body, status: answer.status });
    const headers: Record<string, string> = { ...answer.headers };
    if (answer.body !== undefined) headers['content-type'] = 'application/json';
    res.writeHead(answer.status, headers);
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  private answer(method: string, url: URL, body: unknown, authorization: string | undefined): FakeResponse {
    const pathname = decodeURIComponent(url.pathname);
    if (!pathname.startsWith('/api/v10/')) {
      return discordError(404, 0, `Fake Discord: only /api/v10 is served, not ${pathname}`);
    }
    const path = pathname.slice('/api/v10'.length);
    const limited = this.rateLimits.findIndex((r) => r.path.test(path) && (!r.method || r.method === method));
    if (limited >= 0) {
      const [rule] = this.rateLimits.splice(limited, 1);
      return tooManyRequests(rule as RateLimitRule);
    }
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.method !== method) continue;
      if (route.auth === 'bot' && authorization !== `Bot ${this.token}`) return unauthorized();
      return route.handle({ method, path, params: match.slice(1), query: url.searchParams, body });
    }
    const known = this.routes.some((r) => r.pattern.test(path));
    return known
      ? discordError(405, 0, `Fake Discord: ${method} is not supported on ${path}`)
      : discordError(404, 0, `Fake Discord: no route for ${method} ${path}`);
  }
}

function tooManyRequests(rule: RateLimitRule): FakeResponse {
  return {
    status: 429,
    headers: {
      'retry-after': String(rule.retryAfter),
      'x-ratelimit-scope': rule.global ? 'global' : 'user',
      ...(rule.global ? { 'x-ratelimit-global': 'true' } : {}),
    },
    body: { message: 'You are being rate limited.', retry_after: rule.retryAfter, global: rule.global },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
