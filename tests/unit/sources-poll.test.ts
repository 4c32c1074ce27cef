/**
 * Polling against a local publisher: feeds become articles the content loader indexes, the same
 * item never becomes two, edits rewrite in place, failures are named, isolated and backed off.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/read.ts';
import { backoffMs, pollSources } from '../../src/sources/poll.ts';
import { summarizeSource } from '../../src/sources/report.ts';
import {
  openSourcesStore,
  type Source,
  SourcesBusyError,
  SourcesStateError,
  type SourcesStore,
} from '../../src/sources/state.ts';
import { type FakeFeeds, startFakeFeeds } from '../fakes/feeds/index.ts';
import { ATOM_FEED, JSON_FEED, MALFORMED_FEED, RSS_FEED, rss } from '../fixtures/feeds.ts';

let feeds: FakeFeeds;
let dir: string;
let contentDir: string;
let dataDir: string;
let store: SourcesStore;

beforeAll(async () => {
  feeds = await startFakeFeeds();
});
afterAll(async () => {
  await feeds?.close();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-sources-'));
  contentDir = path.join(dir, 'content');
  dataDir = path.join(dir, 'data');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  store = openSourcesStore({ dataDir });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function addSource(id: string, route: string, extra: Partial<Source> = {}): Promise<void> {
  await store.update((state) => {
    state.sources.push({
      id,
      url: feeds.url(route),
      name: extra.name ?? id,
      topics: [],
      addedAt: new Date().toISOString(),
      failures: 0,
      imported: 0,
      items: {},
      ...extra,
    });
  });
}

const source = async (id: string) => (await store.read()).sources.find((s) => s.id === id) as Source;
const feedArticles = async () =>
  (await loadContent(contentDir)).articles.filter((a) => a.file.startsWith('feeds/'));

describe('pollSources', () => {
  it('turns RSS, Atom and JSON Feed items into articles the loader indexes', async () => {
    feeds.set('/p/rss', { body: RSS_FEED });
    feeds.set('/p/atom', { body: ATOM_FEED, contentType: 'application/atom+xml' });
    feeds.set('/p/json', { body: JSON_FEED, contentType: 'application/feed+json' });
    await addSource('marxist', '/p/rss', { name: 'In Defence of Marxism', topics: ['mexico'] });
    await addSource('socrev', '/p/atom', { name: 'Socialist Revolution' });
    await addSource('bolshevik', '/p/json', { name: 'Bolshevik.info' });

    const report = await pollSources({ store, contentDir });
    expect(report).toMatchObject({ added: 7, updated: 0, failed: 0 });
    expect(report.sources.map((s) => [s.id, s.status, s.added.length])).toEqual([
      ['marxist', 'ok', 3],
      ['socrev', 'ok', 2],
      ['bolshevik', 'ok', 2],
    ]);

    const content = await loadContent(contentDir);
    expect(content.problems).toEqual([]);
    const articles = content.articles.filter((a) => a.file.startsWith('feeds/'));
    expect(articles).toHaveLength(7);
    const byTitle = new Map(articles.map((a) => [a.title, a]));
    const oaxaca = byTitle.get('Oaxaca teachers strike again');
    expect(oaxaca).toMatchObject({
      publishedAt: '2026-11-20',
      dateSource: 'seen',
      language: 'en',
      source: 'In Defence of Marxism',
      url: 'https://publisher.example/2026/11/oaxaca-teachers-strike?utm_source=rss',
    });
    expect(oaxaca?.id).toMatch(/^marxist-[A-Za-z0-9]{10}$/);
    expect(oaxaca?.file).toMatch(
      /^feeds\/marxist\/2026-11-20-oaxaca-teachers-strike-again-[A-Za-z0-9]{10}\.md$/,
    );
    expect(oaxaca?.topics).toContain('mexico');
    expect(oaxaca?.topics).toContain('oaxaca');
    expect(oaxaca?.summary).not.toMatch(/[<>]|&\w+;/);
    // The Spanish item: detected, and tagged from the gazetteer's Spanish aliases too.
    expect(byTitle.get('Huelga de maestros en Oaxaca')).toMatchObject({ language: 'es', dateSource: 'seen' });
    // No date in the feed: the day it was first seen, marked as an estimate.
    expect(byTitle.get('Honduran workers organise in the maquilas')).toMatchObject({
      dateSource: 'estimate',
      publishedAt: new Date().toISOString().slice(0, 10),
    });
    expect(byTitle.get('Honduran workers organise in the maquilas')?.topics).toContain('honduras');
    expect(byTitle.get('Venezuela: the crisis deepens')?.topics).toContain('venezuela');
    expect(byTitle.get('Cuba faces blackouts across the island')?.source).toBe('Bolshevik.info');

    const state = await source('marxist');
    expect(Object.keys(state.items)).toHaveLength(3);
    expect(state).toMatchObject({ failures: 0, feedTitle: 'In Defence of Marxism & friends' });
    expect(state.lastSuccessAt).toBeDefined();
  });

  it('sends the validators it was given and does nothing on 304', async () => {
    const etag = '"rss-v1"';
    const lastModified = 'Sat, 21 Nov 2026 10:00:00 GMT';
    feeds.set('/c/rss', { body: RSS_FEED, etag, lastModified });
    await addSource('cond', '/c/rss');
    await pollSources({ store, contentDir });
    expect(await source('cond')).toMatchObject({ etag, lastModified });
    const files = (await feedArticles()).map((a) => path.join(contentDir, a.file));
    const mtimes = files.map((f) => statSync(f).mtimeMs);

    const again = await pollSources({ store, contentDir });
    expect(again.sources[0]).toMatchObject({ status: 'not-modified', added: [], updated: [] });
    const last = feeds.requestsTo('/c/rss').at(-1)?.headers;
    expect(last?.['if-none-match']).toBe(etag);
    expect(last?.['if-modified-since']).toBe(lastModified);
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(mtimes);
  });

  it('never makes a second article of the same item; an edit rewrites it under the same id', async () => {
    const item = {
      title: 'Peru: miners strike',
      link: 'https://pub.example/peru-miners',
      guid: 'peru-1',
      pubDate: 'Mon, 23 Nov 2026 09:00:00 GMT',
      description: '<p>Miners in Arequipa struck for a second week.</p>',
    };
    feeds.set('/e/rss', { body: rss('Pub', [item]) });
    await addSource('pub', '/e/rss');
    const first = await pollSources({ store, contentDir });
    const [added] = first.sources[0]?.added ?? [];
    expect(added).toBeDefined();

    // Unchanged (no validators): read again, nothing written.
    const same = await pollSources({ store, contentDir });
    expect(same.sources[0]).toMatchObject({ added: [], updated: [], unchanged: 1 });

    // Edited teaser: the same file, the same id, now updated.
    feeds.set('/e/rss', {
      body: rss('Pub', [{ ...item, description: '<p>Miners in Arequipa struck for a third week.</p>' }]),
    });
    const edited = await pollSources({ store, contentDir });
    expect(edited.sources[0]?.added).toEqual([]);
    expect(edited.sources[0]?.updated).toEqual([added]);
    const text = readFileSync(path.join(contentDir, added?.file as string), 'utf8');
    expect(text).toContain('third week');

    // A new guid for the same link (a CMS migration) is still the same article.
    feeds.set('/e/rss', {
      body: rss('Pub', [
        { ...item, guid: 'https://pub.example/?p=77', link: `${item.link}?utm_source=feed` },
      ]),
    });
    const moved = await pollSources({ store, contentDir });
    expect(moved.sources[0]?.added).toEqual([]);
    const articles = await feedArticles();
    expect(articles.map((a) => a.id)).toEqual([added?.id]);
  });

  it('keeps one article when two sources carry the same story', async () => {
    const item = {
      title: 'Bolivia',
      link: 'https://shared.example/bolivia',
      guid: 'b-1',
      description: '<p>La Paz.</p>',
    };
    feeds.set('/s/one', { body: rss('One', [item]) });
    feeds.set('/s/two', { body: rss('Two', [{ ...item, guid: 'other-guid' }]) });
    await addSource('one', '/s/one');
    await pollSources({ store, contentDir });
    await addSource('two', '/s/two');
    const report = await pollSources({ store, contentDir, ids: ['two'] });
    expect(report.sources[0]?.added).toEqual([]);
    expect(report.sources[0]?.skipped[0]?.reason).toMatch(/^same link as one-\w+ from source one$/);
    expect(await feedArticles()).toHaveLength(1);
  });

  it('takes a new link once when two sources polled together both carry it', async () => {
    const item = {
      title: 'Cuba',
      link: 'https://shared.example/cuba',
      guid: 'c-1',
      description: '<p>Havana.</p>',
    };
    feeds.set('/t/one', { body: rss('One', [item]) });
    feeds.set('/t/two', { body: rss('Two', [{ ...item, guid: 'c-2' }]) });
    await addSource('one', '/t/one');
    await addSource('two', '/t/two');
    const report = await pollSources({ store, contentDir });
    expect(report.added).toBe(1);
    expect(await feedArticles()).toHaveLength(1);
  });

  it('gives another feed that reuses a removed source id its own article ids', async () => {
    feeds.set('/r/a', {
      body: rss('A', [
        { title: 'Item 42', link: 'https://a.example/42', guid: '42', description: '<p>A.</p>' },
      ]),
    });
    feeds.set('/r/b', {
      body: rss('B', [
        { title: 'Item 42', link: 'https://b.example/42', guid: '42', description: '<p>B.</p>' },
      ]),
    });
    await addSource('pub', '/r/a');
    await pollSources({ store, contentDir });
    await store.update((state) => {
      state.sources = [];
    });
    await addSource('pub', '/r/b');
    const report = await pollSources({ store, contentDir });
    expect(report.added).toBe(1);
    expect(new Set((await feedArticles()).map((a) => a.url))).toEqual(
      new Set(['https://a.example/42', 'https://b.example/42']),
    );
  });

  it('reports a malformed feed by name and imports the other sources', async () => {
    feeds.set('/m/bad', { body: MALFORMED_FEED });
    feeds.set('/m/good', { body: RSS_FEED });
    feeds.set('/m/down', { status: 500, body: 'Internal Server Error' });
    await addSource('bad', '/m/bad');
    await addSource('good', '/m/good');
    await addSource('down', '/m/down');
    const report = await pollSources({ store, contentDir });
    const [bad, good, down] = report.sources;
    expect(bad).toMatchObject({ status: 'failed', added: [] });
    expect(bad?.error).toMatch(/^FeedParseError: malformed XML at line 4, column 1/);
    expect(down?.error).toMatch(/^FeedFetchError: .*HTTP 500/);
    expect(good).toMatchObject({ status: 'ok' });
    expect(good?.added).toHaveLength(3);
    expect(report).toMatchObject({ added: 3, failed: 2 });
    expect(await source('bad')).toMatchObject({ failures: 1, lastError: bad?.error });
    expect((await source('bad')).etag).toBeUndefined();
  });

  it('backs a failing source off, doubling, and a success clears it', async () => {
    const interval = 30 * 60_000;
    let now = Date.parse('2026-11-28T00:00:00Z');
    const clock = () => now;
    feeds.set('/b/flaky', { status: 503, body: '' });
    await addSource('flaky', '/b/flaky');
    const scheduled = () =>
      pollSources({ store, contentDir, clock, intervalMs: interval, respectBackoff: true });

    await scheduled();
    expect(await source('flaky')).toMatchObject({
      failures: 1,
      failingSince: '2026-11-28T00:00:00.000Z',
      nextAttemptAt: '2026-11-28T00:30:00.000Z',
    });
    now += interval;
    await scheduled();
    expect((await source('flaky')).nextAttemptAt).toBe('2026-11-28T01:30:00.000Z');
    const requests = feeds.requestsTo('/b/flaky').length;
    now += interval; // 01:00: not due until 01:30
    expect((await scheduled()).sources[0]?.status).toBe('backoff');
    expect(feeds.requestsTo('/b/flaky')).toHaveLength(requests);
    // A manual poll does not wait.
    expect((await pollSources({ store, contentDir, clock })).sources[0]?.status).toBe('failed');

    // A day of failures is flagged for `sources list`.
    now = Date.parse('2026-11-29T00:00:01Z');
    await scheduled();
    const failing = summarizeSource(await source('flaky'), now);
    expect(failing).toMatchObject({
      status: 'failing',
      failingLong: true,
      failingSince: '2026-11-28T00:00:00.000Z',
    });
    expect(failing.lastError).toMatch(/HTTP 503/);

    feeds.set('/b/flaky', { body: RSS_FEED });
    now += backoffMs(10, interval);
    await scheduled();
    const healed = await source('flaky');
    expect(healed).toMatchObject({ failures: 0 });
    expect(healed.failingSince).toBeUndefined();
    expect(healed.lastError).toBeUndefined();
    expect(summarizeSource(healed, now)).toMatchObject({ status: 'ok', failingLong: false });
  });

  it('honours Retry-After and caps the backoff', () => {
    expect(backoffMs(1, 60_000)).toBe(60_000);
    expect(backoffMs(3, 60_000)).toBe(240_000);
    expect(backoffMs(1, 60_000, 600_000)).toBe(600_000);
    expect(backoffMs(40, 30 * 60_000)).toBe(6 * 60 * 60_000);
  });

  it('rebuilds its memory from the files when the state is lost, without duplicates', async () => {
    feeds.set('/l/rss', { body: RSS_FEED });
    await addSource('lost', '/l/rss');
    await pollSources({ store, contentDir });
    const before = (await feedArticles()).map((a) => [a.id, a.file]).sort();
    rmSync(path.join(dataDir, 'sources.json'));
    await addSource('lost', '/l/rss');
    const report = await pollSources({ store, contentDir });
    expect(report.sources[0]).toMatchObject({ added: [], updated: [] });
    // The undated item is re-dated to today, the day it was seen again: the same day here.
    expect(report.sources[0]?.unchanged).toBe(3);
    expect((await feedArticles()).map((a) => [a.id, a.file]).sort()).toEqual(before);
  });

  it('forgets items long gone from the feed, and recognises them should they come back', async () => {
    const a = {
      title: 'Item A',
      link: 'https://f.example/a',
      guid: 'a',
      pubDate: 'Mon, 02 Nov 2026 09:00:00 GMT',
      description: '<p>A.</p>',
    };
    const b = {
      title: 'Item B',
      link: 'https://f.example/b',
      guid: 'b',
      pubDate: 'Tue, 03 Nov 2026 09:00:00 GMT',
      description: '<p>B.</p>',
    };
    let now = Date.parse('2026-11-28T00:00:00Z');
    const clock = () => now;
    feeds.set('/g/rss', { body: rss('F', [a]) });
    await addSource('forget', '/g/rss');
    await pollSources({ store, contentDir, clock });
    feeds.set('/g/rss', { body: rss('F', [b]) });
    now += 91 * 24 * 60 * 60_000;
    await pollSources({ store, contentDir, clock });
    const state = await source('forget');
    expect(Object.values(state.items).map((i) => i.guid)).toEqual(['b']);
    expect(summarizeSource(state, now).articles).toBe(2);

    feeds.set('/g/rss', { body: rss('F', [a, b]) });
    now += 24 * 60 * 60_000;
    const back = await pollSources({ store, contentDir, clock });
    expect(back.sources[0]).toMatchObject({ added: [], updated: [], unchanged: 2 });
    expect(await feedArticles()).toHaveLength(2);
  });

  it('skips items that cannot be articles and says why', async () => {
    feeds.set('/k/rss', {
      body: rss('K', [
        { title: 'No link at all', link: '' },
        { title: 'Good one', link: 'https://k.example/good', description: '<p>Fine.</p>' },
        { title: 'Good one again', link: 'https://k.example/good', description: '<p>Fine.</p>' },
        { title: 'Relative', link: '/2026/11/relative', description: '<p>Made absolute.</p>' },
      ]),
    });
    await addSource('k', '/k/rss');
    const report = await pollSources({ store, contentDir });
    expect(report.sources[0]?.added.map((a) => a.title)).toEqual(['Good one', 'Relative']);
    expect((await feedArticles()).find((a) => a.title === 'Relative')?.url).toBe(
      feeds.url('/2026/11/relative'),
    );
    expect(report.sources[0]?.skipped).toEqual([
      { title: 'No link at all', reason: 'no guid and no link' },
      { title: 'Good one again', reason: 'listed twice in the feed' },
    ]);
  });

  it('refuses an unknown source id', async () => {
    await addSource('only', '/nowhere');
    await expect(pollSources({ store, contentDir, ids: ['nope'] })).rejects.toThrow(
      /no source with id "nope"/,
    );
  });
});

describe('sources state file', () => {
  it('never half-written, and a bad file is reported, not overwritten', async () => {
    await addSource('a', '/x');
    const file = path.join(dataDir, 'sources.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).sources[0].id).toBe('a');
    writeFileSync(file, '{"version": 1, "sources": [');
    await expect(store.read()).rejects.toThrow(SourcesStateError);
    await expect(addSource('b', '/y')).rejects.toThrow(/sources\.json: is not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "sources": [');
  });

  it('breaks a lock file left empty by a process killed before it wrote its name, once it is old', async () => {
    mkdirSync(dataDir, { recursive: true });
    const lockFile = path.join(dataDir, 'sources.json.lock');
    writeFileSync(lockFile, '');
    // Just made: its taker may be about to write its name, so it is respected.
    const impatient = openSourcesStore({ dataDir, lockTimeoutMs: 300 });
    await expect(impatient.update(() => undefined)).rejects.toThrow(SourcesBusyError);
    const old = new Date(Date.now() - 10_000);
    utimesSync(lockFile, old, old);
    await addSource('after', '/after');
    expect((await store.read()).sources.map((s) => s.id)).toEqual(['after']);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('breaks a lock left by a dead process, and serialises concurrent changes', async () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'sources.json.lock'), '999999999 leftover');
    await Promise.all(Array.from({ length: 10 }, (_, i) => addSource(`s${i}`, `/f${i}`)));
    expect((await store.read()).sources.map((s) => s.id).sort()).toHaveLength(10);
    expect(existsSync(path.join(dataDir, 'sources.json.lock'))).toBe(false);
  });
});
