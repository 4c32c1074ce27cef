/**
 * Feeds end to end: the app started as `npm start` starts it (startApp, its own feed poller and
 * content watcher), the real grammY client against the fake Bot API, a fake publisher on
 * 127.0.0.1. An operator adds a source from the command line; a new item appears in the feed; a
 * chat subscribed to its topic gets exactly one alert; the item is edited, the article follows,
 * no second alert; restart, poll again: still one. Admins list the sources from chat.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { createLogger } from '../../src/logger.ts';
import { sourcesCommand } from '../../src/sources/cli.ts';
import { openSourcesStore } from '../../src/sources/state.ts';
import { type FakeFeeds, startFakeFeeds } from '../fakes/feeds/index.ts';
import { defaultUser, type FakeChat, type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { type RssEntry, rss } from '../fixtures/feeds.ts';

const GROUP: FakeChat = { id: -1005550001, type: 'supergroup', title: 'Readers' };
const HONDURAS: RssEntry = {
  title: 'Honduran workers organise in the maquilas',
  link: 'https://publisher.example/honduras-maquilas',
  guid: 'pub-1',
  pubDate: 'Mon, 23 Nov 2026 09:00:00 GMT',
  description: '<p>Workers in San Pedro Sula formed a union.</p>',
};
const OAXACA: RssEntry = {
  title: 'Oaxaca teachers strike again',
  link: 'https://publisher.example/oaxaca-strike',
  guid: 'pub-2',
  pubDate: 'Fri, 27 Nov 2026 22:00:00 -0600',
  description: '<p>Teachers in <b>Oaxaca</b>, Mexico, walked out again &#8212; the third time this year.</p>',
};

let telegram: FakeTelegram;
let feeds: FakeFeeds;
let dir: string;
let env: NodeJS.ProcessEnv;
const logs: Record<string, unknown>[] = [];

async function boot(): Promise<App> {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  return startApp({
    env,
    logger: createLogger('info', sink),
    input: Readable.from([]),
    interactive: false,
    feeds: { intervalMs: 500, firstDelayMs: 100 },
  });
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await sourcesCommand.run(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
  });
  return { code, stdout, stderr };
}

const alerts = () => telegram.botMessages(defaultUser.id).filter((m) => m.text.includes('New on Mexico'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ask(text: string, chat?: FakeChat): Promise<string> {
  const chatId = chat?.id ?? defaultUser.id;
  const before = telegram.botMessages(chatId).length;
  telegram.sendText(text, chat ? { chat } : {});
  return (await telegram.waitFor(() => telegram.botMessages(chatId)[before], `an answer to ${text}`)).text;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-sources-e2e-'));
  cpSync(path.resolve('content'), path.join(dir, 'content'), { recursive: true });
  telegram = await startFakeTelegram();
  telegram.state.addChat(GROUP);
  feeds = await startFakeFeeds();
  env = {
    CONTENT_DIR: path.join(dir, 'content'),
    DATA_DIR: path.join(dir, 'data'),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
  };
});

afterAll(async () => {
  await telegram?.close();
  await feeds?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feed sources end to end', () => {
  it('add a source, an item appears, one alert; edit, restart, poll again: nothing twice', async () => {
    feeds.set('/feed.xml', { body: rss('Publisher', [HONDURAS]), etag: '"v1"' });
    let app = await boot();
    const store = openSourcesStore({ dataDir: env.DATA_DIR as string });
    let oaxacaFile = '';
    try {
      expect(await ask('/subscribe mexico alerts')).toMatch(/Subscribed/);

      const added = await cli('add', feeds.url('/feed.xml'), '--name', 'Publisher', '--topic', 'honduras');
      expect(added).toMatchObject({ code: 0, stderr: '' });
      // The running bot's own poller imports the backlog (Honduras: not an alert for Mexico).
      const imported = await waitForState(async () => {
        const s = (await store.read()).sources[0];
        return s && Object.keys(s.items).length === 1 && s;
      }, 'the backlog item imported');
      expect(imported.etag).toBe('"v1"');

      // A new item on Mexico appears in the feed.
      feeds.set('/feed.xml', { body: rss('Publisher', [OAXACA, HONDURAS]), etag: '"v2"' });
      const [alert] = await telegram.waitFor(() => alerts().length > 0 && alerts(), 'the alert', 30_000);
      expect(alert?.text).toContain('Oaxaca teachers strike again');
      expect(app.briefings.engine.articles.some((a) => a.title === 'Oaxaca teachers strike again')).toBe(
        true,
      );
      const conditional = feeds.requestsTo('/feed.xml').filter((r) => r.headers['if-none-match'] === '"v1"');
      expect(conditional.length).toBeGreaterThan(0);

      // The publisher edits the item: the article follows, the chat is not alerted again.
      feeds.set('/feed.xml', {
        body: rss('Publisher', [
          {
            ...OAXACA,
            description: '<p>Teachers in Oaxaca, Mexico, walked out again; the governor answered.</p>',
          },
          HONDURAS,
        ]),
        etag: '"v3"',
      });
      const state = await waitForState(async () => {
        const s = (await store.read()).sources[0];
        const item = s && Object.values(s.items).find((i) => i.guid === 'pub-2');
        return item?.updatedAt ? item : undefined;
      }, 'the edit imported');
      oaxacaFile = state.file;
      await telegram.waitFor(
        () =>
          app.briefings.engine.articles
            .find((a) => a.title === 'Oaxaca teachers strike again')
            ?.summary.includes('the governor answered'),
        'the edited article indexed',
      );
      await sleep(1_500);
      expect(alerts()).toHaveLength(1);

      // Administrators list the sources from chat; other group members are refused.
      expect(await ask('/sources')).toMatch(
        /^ℹ️ Feed sources \(1\):\n• publisher: Publisher \(127\.0\.0\.1\), 2 articles, ok, polled (just now|\d+ min ago)/,
      );
      expect(await ask('/sources', GROUP)).toBe(
        '⚠️ Only administrators of this chat can see the feed sources.',
      );
      telegram.state.setMember(GROUP.id, defaultUser.id, 'administrator');
      expect(await ask('/sources', GROUP)).toMatch(/^ℹ️ Feed sources \(1\):/);
    } finally {
      await app.stop();
    }
    expect(logs.some((l) => l.msg === 'feeds poll finished' && (l.added as number) >= 1)).toBe(true);
    expect(logs.some((l) => l.msg === 'feed polled' && l.source === 'publisher')).toBe(true);

    // Restart: the same feed (and without validators, a full read) imports nothing and alerts nothing.
    await store.update((s) => {
      for (const source of s.sources) {
        source.etag = undefined;
        source.lastModified = undefined;
      }
    });
    app = await boot();
    try {
      const report = await app.feeds?.pollNow();
      expect(report).toMatchObject({ added: 0, updated: 0, failed: 0 });
      expect(report?.sources[0]).toMatchObject({ status: 'ok', unchanged: 2 });
      await sleep(1_500);
      expect(alerts()).toHaveLength(1);
      expect(readFileSync(path.join(env.CONTENT_DIR as string, oaxacaFile), 'utf8')).toContain(
        'the governor answered',
      );
    } finally {
      await app.stop();
    }
  }, 120_000);
});

async function waitForState<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
