/**
 * `briefings sources …` as an operator uses it: in-process for the answers and exit codes, and as
 * real processes for what only processes show (several `add`s at once lose nothing).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sourcesCommand } from '../../src/sources/cli.ts';
import { type FakeFeeds, startFakeFeeds } from '../fakes/feeds/index.ts';
import { ATOM_FEED, MALFORMED_FEED, RSS_FEED } from '../fixtures/feeds.ts';

const exec = promisify(execFile);
let feeds: FakeFeeds;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  feeds = await startFakeFeeds();
  feeds.set('/rss', { body: RSS_FEED });
  feeds.set('/atom', { body: ATOM_FEED });
  feeds.set('/broken', { body: MALFORMED_FEED });
});
afterAll(async () => {
  await feeds?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-sources-cli-'));
  cpSync(path.resolve('content'), path.join(dir, 'content'), { recursive: true });
  env = { CONTENT_DIR: path.join(dir, 'content'), DATA_DIR: path.join(dir, 'data') };
});

async function sources(...args: string[]) {
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

describe('briefings sources', () => {
  it('adds a feed after reading it, named from its title, and lists it', async () => {
    const added = await sources('add', feeds.url('/rss'), '--topic', 'mexico', '--language', 'en');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(
      /^Added in-defence-of \(In Defence of Marxism & friends\): .*\/rss\. It holds 3 items now\./,
    );
    expect(added.stdout).toContain('briefings sources poll in-defence-of');

    const named = await sources(
      'add',
      feeds.url('/atom'),
      '--name',
      'Socialist Revolution',
      '--topic',
      'venezuela,peru',
    );
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^Added socialist-revolution /);

    const list = await sources('list', '--json');
    const parsed = JSON.parse(list.stdout) as { sources: Record<string, unknown>[] };
    expect(parsed.sources).toEqual([
      expect.objectContaining({
        id: 'in-defence-of',
        topics: ['mexico'],
        language: 'en',
        status: 'new',
        articles: 0,
        lastError: null,
      }),
      expect.objectContaining({ id: 'socialist-revolution', topics: ['venezuela', 'peru'], language: null }),
    ]);
    const text = await sources('list');
    expect(text.stdout).toContain('in-defence-of  In Defence of Marxism & friends  http://127.0.0.1');
    expect(text.stdout).toContain('not polled yet');
  });

  it('polls and prints what was added, updated and skipped; a broken feed exits 1 with its error', async () => {
    await sources('add', feeds.url('/rss'), '--name', 'Marxist');
    await sources('add', feeds.url('/broken'), '--name', 'Broken', '--skip-check');
    const first = await sources('poll');
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('marxist: 3 added, 0 updated, 0 unchanged, 0 skipped');
    expect(first.stdout).toContain('  + Oaxaca teachers strike again (marxist-');
    expect(first.stdout).toMatch(/broken: FAILED: FeedParseError: malformed XML at line 4/);
    expect(first.stdout).toMatch(/3 added, 0 updated, 1 failed/);

    const one = await sources('poll', 'marxist');
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain('marxist: 0 added, 0 updated, 3 unchanged, 0 skipped');

    const list = await sources('list');
    expect(list.stdout).toMatch(
      /broken {2}Broken[\s\S]*failing since .* UTC \(1 attempt\): FeedParseError: malformed XML/,
    );
    expect(list.stdout).toMatch(/marxist {2}Marxist[\s\S]*3 articles[\s\S]*ok, last polled just now/);
    const json = JSON.parse((await sources('poll', 'marxist', '--json')).stdout);
    expect(json).toMatchObject({
      added: 0,
      updated: 0,
      failed: 0,
      sources: [{ id: 'marxist', unchanged: 3 }],
    });
  });

  it('removes a source and keeps its articles', async () => {
    await sources('add', feeds.url('/rss'), '--name', 'Marxist');
    await sources('poll');
    const removed = await sources('remove', 'marxist');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(
      /Removed marxist \(Marxist\)\. It is no longer polled\.\nIts 3 articles stay in the archive/,
    );
    expect((await sources('list')).stdout).toMatch(/^No sources yet/);
    const again = await sources('remove', 'marxist');
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toContain('no source "marxist" (there are no sources)');
  });

  it('answers bad input clearly, with the right exit code', async () => {
    const cases: [string[], number, RegExp][] = [
      [['add'], 2, /a feed URL is required/],
      [['add', 'not a url'], 2, /"not a url" is not an http\(s\) URL/],
      [['add', feeds.url('/rss'), '--language', 'fr'], 2, /--language must be en or es/],
      [
        ['add', feeds.url('/rss'), '--topic', 'mexco'],
        2,
        /"mexco" is not a topic in the gazetteer; did you mean "mexico"\?/,
      ],
      [['add', feeds.url('/rss'), '--colour', 'red'], 2, /Unknown option '--colour'/],
      [['add', feeds.url('/missing')], 1, /could not read a feed at .*HTTP 404[\s\S]*--skip-check/],
      [['add', feeds.url('/broken')], 1, /malformed XML/],
      [['frobnicate'], 2, /unknown action "frobnicate"/],
      [[], 2, /Usage:/],
      [['poll', 'nope'], 0, /No sources yet/],
      [['remove'], 2, /remove takes one source id/],
    ];
    for (const [args, code, pattern] of cases) {
      const result = await sources(...args);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(`${result.stdout}${result.stderr}`).toMatch(pattern);
    }
    await sources('add', feeds.url('/rss'));
    const duplicate = await sources('add', `${feeds.url('/rss')}#again`);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/is already a source: in-defence-of/);
    expect((await sources('poll', 'nope')).stderr).toMatch(/no source with id "nope"/);
    const badConfig = await sourcesCommand.run(['list'], {
      stdout: () => {},
      stderr: (t) => {
        expect(t).toMatch(/FEED_POLL_MINUTES: must be a whole number/);
      },
      env: { ...env, FEED_POLL_MINUTES: 'often' },
    });
    expect(badConfig).toBe(2);
  });

  it('loses no source when several processes add at once', async () => {
    const bin = path.resolve('bin/briefings.js');
    const urls = Array.from({ length: 3 }, (_, i) => `https://feeds.example/${i}.xml`);
    const results = await Promise.all(
      urls.map((url, i) =>
        exec(process.execPath, [bin, 'sources', 'add', url, '--name', `Feed ${i}`, '--skip-check'], {
          env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
          timeout: 60_000,
        }),
      ),
    );
    for (const r of results) expect(r.stdout).toMatch(/^Added feed-\d /);
    const state = JSON.parse(readFileSync(path.join(dir, 'data', 'sources.json'), 'utf8'));
    expect(state.sources.map((s: { id: string }) => s.id).sort()).toEqual(['feed-0', 'feed-1', 'feed-2']);
  }, 90_000);
});
