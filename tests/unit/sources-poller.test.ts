/**
 * The background poller and `/sources`: polls repeatedly and logs each poll, reloads content after
 * writing articles, stops promptly by aborting fetches in flight (recording no failure for them);
 * `/sources` is for administrators and says what is failing first.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBriefings } from '../../src/commands/index.ts';
import { parseCommand } from '../../src/commands/parse.ts';
import { loadEngine } from '../../src/content/load.ts';
import { createLogger } from '../../src/logger.ts';
import { createSourcesChatHandler } from '../../src/sources/chat.ts';
import { type PollReport, pollSources } from '../../src/sources/poll.ts';
import { startFeedPoller } from '../../src/sources/poller.ts';
import { openSourcesStore, type SourcesStore } from '../../src/sources/state.ts';
import { type FakeFeeds, startFakeFeeds } from '../fakes/feeds/index.ts';
import { RSS_FEED } from '../fixtures/feeds.ts';

let feeds: FakeFeeds;
let dir: string;
let contentDir: string;
let store: SourcesStore;

beforeAll(async () => {
  feeds = await startFakeFeeds();
});
afterAll(async () => {
  await feeds?.close();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-poller-'));
  contentDir = path.join(dir, 'content');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  store = openSourcesStore({ dataDir: path.join(dir, 'data') });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function addSource(id: string, route: string): Promise<void> {
  await store.update((state) => {
    state.sources.push({
      id,
      url: feeds.url(route),
      name: id.toUpperCase(),
      topics: [],
      addedAt: new Date().toISOString(),
      failures: 0,
      imported: 0,
      items: {},
    });
  });
}

function capture() {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  return { logs, logger: createLogger('info', sink) };
}

const until = async (probe: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('startFeedPoller', () => {
  it('polls on its interval, logs each poll and hands over new articles', async () => {
    feeds.set('/poller/rss', { body: RSS_FEED, etag: '"p1"' });
    await addSource('p', '/poller/rss');
    const { logs, logger } = capture();
    const reports: PollReport[] = [];
    const poller = startFeedPoller({
      store,
      contentDir,
      logger,
      intervalMs: 150,
      firstDelayMs: 10,
      onArticles: (report) => {
        reports.push(report);
      },
    });
    try {
      await until(() => logs.filter((l) => l.msg === 'feeds poll finished').length >= 3, 'three polls');
    } finally {
      await poller.stop();
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ added: 3 });
    const finished = logs.filter((l) => l.msg === 'feeds poll finished');
    expect(finished[0]).toMatchObject({ sources: 1, polled: 1, added: 3, failed: 0 });
    expect(finished[1]).toMatchObject({ added: 0 });
    expect(logs.some((l) => l.msg === 'feed polled' && l.status === 'not-modified')).toBe(true);
    const { engine } = await loadEngine({ contentDir });
    expect(engine.articles.filter((a) => a.file.startsWith('feeds/p/'))).toHaveLength(3);
  });

  it('stops at once, aborting a fetch in flight, and records no failure for it', async () => {
    feeds.set('/poller/hang', { body: RSS_FEED, delayMs: 30_000 });
    await addSource('hang', '/poller/hang');
    const { logs, logger } = capture();
    const poller = startFeedPoller({ store, contentDir, logger, intervalMs: 60_000, firstDelayMs: 0 });
    await until(() => feeds.requestsTo('/poller/hang').length > 0, 'the fetch to start');
    const started = Date.now();
    await poller.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    const [source] = (await store.read()).sources;
    expect(source).toMatchObject({ failures: 0 });
    expect(source?.lastError).toBeUndefined();
    expect(logs.some((l) => l.msg === 'feed fetch cancelled (shutting down)')).toBe(true);
    expect(await poller.pollNow()).toBeUndefined();
  });
});

describe('/sources', () => {
  const admin = {
    platform: 'telegram' as const,
    chatId: '-100',
    userId: '1',
    userCanManage: true,
    botCanPost: true,
    isPrivate: false,
  };

  it('parses as a command of its own', () => {
    expect(parseCommand('/sources')).toEqual({ kind: 'sources' });
    expect(parseCommand('/sources@bot', { botUsername: 'bot' })).toEqual({ kind: 'sources' });
  });

  it('lists the sources for administrators, failing ones first, hosts only', async () => {
    feeds.set('/chat/ok', { body: RSS_FEED });
    feeds.set('/chat/down', { status: 500, body: '' });
    await addSource('zeta', '/chat/ok');
    await addSource('alpha', '/chat/down');
    await store.update((s) => {
      (s.sources[1] as { url: string }).url = `${feeds.url('/chat/down')}?key=secret-token`;
    });
    await pollSources({ store, contentDir });
    const { engine } = await loadEngine({ contentDir });
    const handler = createSourcesChatHandler({ store });
    const briefings = createBriefings(engine, { sources: handler });

    const reply = await briefings.execute({ kind: 'sources' }, { chat: admin });
    expect(reply).toMatchObject({ kind: 'notice', tone: 'info' });
    const message = reply.kind === 'notice' ? reply.message : '';
    expect(message.split('\n').slice(0, 3)).toEqual([
      'Feed sources (2):',
      expect.stringMatching(
        /^• alpha: ALPHA \(127\.0\.0\.1\), 0 articles, failing since .* UTC: FeedFetchError: .*HTTP 500/,
      ),
      expect.stringMatching(/^• zeta: ZETA \(127\.0\.0\.1\), 3 articles, ok, polled just now$/),
    ]);
    expect(message).not.toContain('secret-token');
    expect(message).toContain('briefings sources add|remove');

    const spanish = await briefings.execute({ kind: 'sources' }, { chat: admin, locale: 'es-MX' });
    expect(spanish.kind === 'notice' && spanish.message).toMatch(/^Fuentes \(2\):\n• alpha: .* falla desde/);

    expect(
      await briefings.execute({ kind: 'sources' }, { chat: { ...admin, userCanManage: false } }),
    ).toEqual({
      kind: 'notice',
      tone: 'error',
      message: 'Only administrators of this chat can see the feed sources.',
    });
    expect(await briefings.execute({ kind: 'sources' }, {})).toMatchObject({ tone: 'error' });
    expect(await createBriefings(engine).execute({ kind: 'sources' }, { chat: admin })).toMatchObject({
      message: 'Feed sources are not available here.',
    });
  });

  it('says there are none yet, and how operators add one', async () => {
    const { engine } = await loadEngine({ contentDir });
    const briefings = createBriefings(engine, { sources: createSourcesChatHandler({ store }) });
    expect(await briefings.run('/sources', { chat: admin })).toMatchObject({
      message: 'No feed sources yet. An operator adds them with: briefings sources add <feed-url>',
    });
  });
});
