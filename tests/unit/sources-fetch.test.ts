/**
 * The feed fetcher against a local publisher on 127.0.0.1: conditional GET, errors named by kind,
 * a deadline covering the body, a size cap enforced while streaming, redirects within a limit.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedFetchError, fetchFeed } from '../../src/sources/fetch.ts';
import { type FakeFeeds, startFakeFeeds } from '../fakes/feeds/index.ts';
import { RSS_FEED } from '../fixtures/feeds.ts';

let feeds: FakeFeeds;

beforeAll(async () => {
  feeds = await startFakeFeeds();
});
afterAll(async () => {
  await feeds?.close();
});

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }
  throw new Error('expected the fetch to fail');
}

describe('fetchFeed', () => {
  it('fetches a feed and keeps its validators', async () => {
    const etag = '"v1"';
    const lastModified = 'Fri, 20 Nov 2026 10:00:00 GMT';
    feeds.set('/rss', { body: RSS_FEED, etag, lastModified });
    const result = await fetchFeed(feeds.url('/rss'));
    expect(result).toMatchObject({ status: 'ok', etag, lastModified, url: feeds.url('/rss') });
    expect(result.status === 'ok' && result.text).toBe(RSS_FEED);
    const [request] = feeds.requestsTo('/rss');
    expect(request?.headers['if-none-match']).toBeUndefined();
    expect(request?.headers['user-agent']).toMatch(/^briefings-feed-reader\//);
  });

  it('sends If-None-Match and If-Modified-Since, and a 304 means not modified', async () => {
    const etag = '"abc-123"';
    const lastModified = 'Sat, 21 Nov 2026 08:00:00 GMT';
    feeds.set('/conditional', { body: RSS_FEED, etag, lastModified });
    const result = await fetchFeed(feeds.url('/conditional'), { etag, lastModified });
    expect(result.status).toBe('not-modified');
    const sent = feeds.requestsTo('/conditional').at(-1)?.headers;
    expect(sent?.['if-none-match']).toBe(etag);
    expect(sent?.['if-modified-since']).toBe(lastModified);
  });

  it('names HTTP errors with their status, and keeps Retry-After', async () => {
    feeds.set('/500', { status: 500, body: 'oops' });
    const error = await failure(fetchFeed(feeds.url('/500')));
    expect(error).toMatchObject({ kind: 'http', status: 500 });
    expect(error.message).toMatch(/HTTP 500/);
    feeds.set('/429', { status: 429, body: '', headers: { 'retry-after': '120' } });
    expect(await failure(fetchFeed(feeds.url('/429')))).toMatchObject({ status: 429, retryAfterMs: 120_000 });
  });

  it('gives up on a server that does not answer in time', async () => {
    feeds.set('/slow', { body: RSS_FEED, delayMs: 5_000 });
    const started = Date.now();
    const error = await failure(fetchFeed(feeds.url('/slow'), { timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/no complete answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('counts the body against the deadline (a trickling server is cut off too)', async () => {
    feeds.set('/trickle', { body: RSS_FEED, trickleMs: 50 });
    expect((await failure(fetchFeed(feeds.url('/trickle'), { timeoutMs: 400 }))).kind).toBe('timeout');
  });

  it('follows redirects within the limit and reports where the feed was', async () => {
    feeds.set('/moved', { redirect: '/moved-2' });
    feeds.set('/moved-2', { redirect: feeds.url('/rss') });
    const result = await fetchFeed(feeds.url('/moved'));
    expect(result).toMatchObject({ status: 'ok', url: feeds.url('/rss') });
  });

  it('names a redirect loop, and a chain longer than the limit', async () => {
    feeds.set('/loop-a', { redirect: '/loop-b' });
    feeds.set('/loop-b', { redirect: '/loop-a' });
    const loop = await failure(fetchFeed(feeds.url('/loop-a')));
    expect(loop.kind).toBe('redirects');
    expect(loop.message).toMatch(/redirect loop/);
    expect(feeds.requestsTo('/loop-a')).toHaveLength(1);
    for (let i = 0; i < 4; i++) feeds.set(`/hop-${i}`, { redirect: `/hop-${i + 1}` });
    feeds.set('/hop-4', { body: RSS_FEED });
    const long = await failure(fetchFeed(feeds.url('/hop-0'), { maxRedirects: 2 }));
    expect(long.message).toMatch(/more than 2 redirects/);
  });

  it('stops reading a 20 MB feed at the cap, long before the end', async () => {
    feeds.set('/huge', { hugeBytes: 20 * 1024 * 1024 });
    // The default cap (5 MB), as the bot runs it.
    const error = await failure(fetchFeed(feeds.url('/huge')));
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/larger than 5120 KB/);
    // The server stops once the reader hangs up; allow for socket buffers in between.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(feeds.bytesSent.get('/huge') ?? 0).toBeLessThan(12 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    feeds.set('/big-declared', { body: 'x'.repeat(300_000) });
    expect((await failure(fetchFeed(feeds.url('/big-declared'), { maxBytes: 100_000 }))).kind).toBe(
      'too-large',
    );
  });

  it('is cancelled by its signal (shutdown), distinct from a timeout', async () => {
    feeds.set('/hang', { body: RSS_FEED, delayMs: 10_000 });
    const controller = new AbortController();
    const pending = fetchFeed(feeds.url('/hang'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('decodes by the charset in Content-Type', async () => {
    feeds.set('/cp1252', {
      body: Buffer.from('<rss version="2.0"><channel><title>Bogot\xe1</title></channel></rss>', 'latin1'),
      contentType: 'text/xml; charset=windows-1252',
    });
    const result = await fetchFeed(feeds.url('/cp1252'));
    expect(result.status === 'ok' && result.text).toContain('Bogotá');
  });

  it('sends credentials in the URL as Basic auth, never in error messages', async () => {
    feeds.set('/private', { body: RSS_FEED });
    const url = feeds.url('/private').replace('http://', 'http://reader:s%3Acret@');
    expect((await fetchFeed(url)).status).toBe('ok');
    expect(feeds.requestsTo('/private').at(-1)?.headers.authorization).toBe(
      `Basic ${Buffer.from('reader:s:cret').toString('base64')}`,
    );
    feeds.set('/private-down', { status: 503, body: '' });
    const error = await failure(fetchFeed(url.replace('/private', '/private-down')));
    expect(error.message).not.toContain('cret');
    expect(error.message).toContain(`${feeds.origin}/private-down: HTTP 503`);
  });

  it('names network failures and bad URLs', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure(fetchFeed(`http://127.0.0.1:${port}/feed`, { timeoutMs: 2_000 }));
    expect(refused.kind).toBe('network');
    expect(refused.message).toBe(`http://127.0.0.1:${port}/feed: connection refused (ECONNREFUSED)`);
    expect((await failure(fetchFeed('http://127.0.0.1:25/feed'))).message).toMatch(
      /a port reserved for another protocol$/,
    );
    expect((await failure(fetchFeed('file:///etc/passwd'))).kind).toBe('bad-url');
  });

  it('decodes a Latin-1 feed by its XML declaration', async () => {
    const xml =
      '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Perú</title></channel></rss>';
    feeds.set('/latin1', { body: Buffer.from(xml, 'latin1'), contentType: 'application/xml' });
    const result = await fetchFeed(feeds.url('/latin1'));
    expect(result.status === 'ok' && result.text).toContain('<title>Perú</title>');
  });
});
