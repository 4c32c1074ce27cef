/**
 * `npm start` as a real process with feeds: SIGTERM while a feed is still answering stops it at
 * once (the fetch is aborted, nothing is recorded as a failure); kill -9 in the middle of a poll
 * leaves a readable state, and the next poll imports nothing twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesCommand } from '../../src/sources/cli.ts';
import { openSourcesStore } from '../../src/sources/state.ts';
import { type FakeFeeds, startFakeFeeds } from '../fakes/feeds/index.ts';
import { RSS_FEED } from '../fixtures/feeds.ts';

const bin = path.resolve('bin/briefings.js');
let feeds: FakeFeeds;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  feeds = await startFakeFeeds();
  feeds.set('/good.xml', { body: RSS_FEED });
  feeds.set('/hang.xml', { body: RSS_FEED, delayMs: 120_000 });
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-sources-proc-'));
  cpSync(path.resolve('content'), path.join(dir, 'content'), { recursive: true });
  env = {
    ...process.env,
    CONTENT_DIR: path.join(dir, 'content'),
    DATA_DIR: path.join(dir, 'data'),
    TELEGRAM_BOT_TOKEN: '',
    DISCORD_TOKEN: '',
    LOG_LEVEL: 'info',
    FEED_POLL_MINUTES: '30',
  };
});

afterAll(async () => {
  await feeds?.close();
  rmSync(dir, { recursive: true, force: true });
});

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

/** The bot in console mode with its input left open, so it runs until signalled. */
function start(): { child: ChildProcess; logs: () => string; exited: Promise<number | string | null> } {
  const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.stdout?.resume();
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, logs: () => err, exited };
}

async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const feedFiles = () => {
  try {
    return readdirSync(path.join(dir, 'content', 'feeds', 'good')).filter((f) => f.endsWith('.md'));
  } catch {
    return [];
  }
};

describe('npm start with feeds, as a process', () => {
  it('stops at once on SIGTERM mid-poll; survives kill -9; never imports twice', async () => {
    expect((await cli('add', feeds.url('/good.xml'), '--name', 'Good', '--skip-check')).code).toBe(0);
    expect((await cli('add', feeds.url('/hang.xml'), '--name', 'Hang', '--skip-check')).code).toBe(0);
    const store = openSourcesStore({ dataDir: env.DATA_DIR as string });
    const goodItems = async () => Object.keys((await store.read()).sources[0]?.items ?? {}).length;

    // SIGTERM while the slow feed has not answered.
    const first = start();
    await until(
      async () => feeds.requestsTo('/hang.xml').length >= 1 && (await goodItems()) === 3,
      'the first poll',
    );
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(first.logs()).toContain('feed fetch cancelled (shutting down)');
    expect(first.logs()).toContain('"msg":"stopped"');
    const afterStop = (await store.read()).sources;
    expect(afterStop.find((s) => s.id === 'hang')).toMatchObject({ failures: 0 });
    expect(feedFiles()).toHaveLength(3);

    // kill -9 in the middle of the next poll: the state stays readable, nothing is imported twice.
    const second = start();
    await until(() => feeds.requestsTo('/hang.xml').length >= 2, 'the second poll');
    second.child.kill('SIGKILL');
    expect(await second.exited).toBe('SIGKILL');
    const list = await cli('list', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(
      JSON.parse(list.stdout).sources.map((s: { id: string; articles: number }) => [s.id, s.articles]),
    ).toEqual([
      ['good', 3],
      ['hang', 0],
    ]);
    const again = await cli('poll', 'good', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, failed: 0 });
    expect(feedFiles()).toHaveLength(3);
  }, 150_000);
});
