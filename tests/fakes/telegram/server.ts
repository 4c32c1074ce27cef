/**
 * The fake Bot API's HTTP layer: `POST /bot<token>/<method>` with a JSON body, answered in the Bot
 * API envelope. Knows nothing of individual methods beyond the registry; applies the token check,
 * the armed 429s and the call log to every method alike.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApiError, badRequest } from './errors.ts';
import { methods } from './methods/index.ts';
import type { FakeState } from './state.ts';

const byLowerName = new Map(Object.entries(methods).map(([name, handler]) => [name.toLowerCase(), handler]));
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Starts the HTTP server on 127.0.0.1 and a free port. */
export async function listenBotApi(state: FakeState): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, new BotApiError(500, `Internal Server Error: ${String(error)}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function handle(state: FakeState, req: IncomingMessage, res: ServerResponse) {
  const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
  if (!match) return send(res, new BotApiError(404, 'Not Found'));
  const [, token, method = ''] = match;
  if (token !== state.token) return send(res, new BotApiError(401, 'Unauthorized'));

  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let params: Record<string, unknown> = {};
  try {
    params = await readParams(req);
    const handler = byLowerName.get(method.toLowerCase());
    if (!handler) throw new BotApiError(404, 'Not Found: method not found');
    const failure = state.takeFailure(method);
    if (failure && 'hang' in failure) {
      state.hanging.push(method);
      // Never answered: the client times out, aborts, or the fake closes under it.
      await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
      state.hanging.splice(state.hanging.indexOf(method), 1);
      return;
    }
    if (failure && 'retryAfter' in failure) {
      const after = failure.retryAfter;
      throw new BotApiError(429, `Too Many Requests: retry after ${after}`, { retry_after: after });
    }
    if (failure) throw new BotApiError(failure.errorCode, failure.description);
    const latency = state.latency.get(method);
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
    const result = await handler(params, state, abort.signal);
    state.calls.push({ method, params, status: 200 });
    if (!res.destroyed) send(res, { ok: true, result });
  } catch (error) {
    const apiError =
      error instanceof BotApiError ? error : new BotApiError(500, `Internal Server Error: ${String(error)}`);
    state.calls.push({ method, params, status: apiError.errorCode, description: apiError.description });
    send(res, apiError);
  }
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BotApiError(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if (body === '') return query;
  if (type.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      return { ...query, ...(parsed as Record<string, unknown>) };
    } catch {
      throw badRequest('request body is not valid JSON');
    }
  }
  throw badRequest(`this fake accepts JSON bodies only, got "${type}"`);
}

function send(res: ServerResponse, payload: BotApiError | { ok: true; result: unknown }) {
  const status = payload instanceof BotApiError ? payload.errorCode : 200;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}
