/**
 * Fetches one feed politely and defensively: a conditional GET (ETag, Last-Modified), one deadline
 * for the whole exchange (headers and body), a size cap counted while the body streams in (a
 * server that lies about Content-Length or sends none is still cut off), and redirects followed by
 * hand within a limit, so a loop is named as one instead of surfacing as a generic failure.
 */

import { TextDecoder } from 'node:util';

export const FETCH_DEFAULTS = {
  timeoutMs: 20_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'briefings-feed-reader/0.1',
};

export type FeedFetchErrorKind =
  | 'timeout'
  | 'too-large'
  | 'redirects'
  | 'http'
  | 'network'
  | 'aborted'
  | 'bad-url';

/** Why a fetch failed, in words an operator can act on. `retryAfterMs` from a 429/503. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    readonly kind: FeedFetchErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface FetchFeedOptions {
  etag?: string;
  lastModified?: string;
  /** Aborts the fetch (shutdown). */
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
}

export type FetchResult =
  | { status: 'not-modified'; url: string }
  | {
      status: 'ok';
      /** Where the feed was finally found (after redirects). */
      url: string;
      text: string;
      contentType: string;
      etag?: string;
      lastModified?: string;
    };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Network error codes in words an operator reads at a glance. */
const NETWORK_WORDS: Record<string, string> = {
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
};

/** A URL as error messages show it: without user:password, which logs and chat must never carry. */
function shown(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@\s]*@/i, '$1');
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The body's characters: Content-Type's charset, else the XML declaration's, else UTF-8. */
function decode(bytes: Uint8Array, contentType: string): string {
  const declared =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1] ??
    /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(
      new TextDecoder('latin1').decode(bytes.subarray(0, 200)),
    )?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(declared ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

/** Reads a body up to `maxBytes`, cancelling the stream as soon as it goes over. */
async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = () =>
    new FeedFetchError(
      'too-large',
      `${shown(url)}: the feed is larger than ${Math.round(maxBytes / 1024)} KB`,
    );
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * GETs a feed. Resolves with its text, or `not-modified` when the conditional headers matched.
 * Throws FeedFetchError for everything that went wrong, with `kind` saying what.
 */
export async function fetchFeed(feedUrl: string, options: FetchFeedOptions = {}): Promise<FetchResult> {
  const {
    timeoutMs = FETCH_DEFAULTS.timeoutMs,
    maxBytes = FETCH_DEFAULTS.maxBytes,
    maxRedirects = FETCH_DEFAULTS.maxRedirects,
    userAgent = FETCH_DEFAULTS.userAgent,
  } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    accept:
      'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  const visited = new Set<string>();
  let url = feedUrl;
  let credentials: { origin: string; header: string } | undefined;
  try {
    for (let hop = 0; ; hop++) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new FeedFetchError('bad-url', `${shown(url)}: is not a valid URL`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new FeedFetchError('bad-url', `${shown(url)}: only http and https feeds can be fetched`);
      visited.add(parsed.href);
      // fetch refuses URLs with credentials; a feed behind Basic auth gets them as a header,
      // and only on the origin they were given for.
      const sent = { ...headers };
      if (parsed.username || parsed.password) {
        const user = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
        credentials = { origin: parsed.origin, header: `Basic ${Buffer.from(user).toString('base64')}` };
        parsed.username = '';
        parsed.password = '';
      }
      if (credentials?.origin === parsed.origin) sent.authorization = credentials.header;
      const response = await fetch(parsed, { headers: sent, redirect: 'manual', signal });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (!location)
          throw new FeedFetchError('http', `${shown(url)}: redirect (${response.status}) without a Location`);
        const next = new URL(location, parsed).href;
        if (visited.has(next))
          throw new FeedFetchError('redirects', `${shown(feedUrl)}: redirect loop via ${shown(next)}`);
        if (hop + 1 > maxRedirects)
          throw new FeedFetchError('redirects', `${shown(feedUrl)}: more than ${maxRedirects} redirects`);
        url = next;
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel().catch(() => undefined);
        return { status: 'not-modified', url };
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new FeedFetchError(
          'http',
          `${shown(url)}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
          response.status,
          retryAfter(response.headers.get('retry-after')),
        );
      }
      const contentType = response.headers.get('content-type') ?? '';
      const bytes = await readCapped(response, maxBytes, url);
      return {
        status: 'ok',
        url,
        text: decode(bytes, contentType),
        contentType,
        etag: response.headers.get('etag') ?? undefined,
        lastModified: response.headers.get('last-modified') ?? undefined,
      };
    }
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    if (timeout.aborted)
      throw new FeedFetchError(
        'timeout',
        `${shown(url)}: no complete answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`,
      );
    if (options.signal?.aborted)
      throw new FeedFetchError('aborted', `${shown(url)}: fetch cancelled (shutting down)`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code;
    const plain = code && NETWORK_WORDS[code];
    const tls =
      code && /CERT|SIGNATURE|SELF_SIGNED|TLS|SSL/.test(code) ? 'TLS certificate problem' : undefined;
    const blocked = cause?.message === 'bad port' ? 'a port reserved for another protocol' : undefined;
    const detail = plain ?? tls ?? blocked;
    throw new FeedFetchError(
      'network',
      `${shown(url)}: ${detail ? `${detail}${code ? ` (${code})` : ''}` : (code ?? cause?.message ?? (error as Error).message)}`.slice(
        0,
        300,
      ),
    );
  }
}
