/**
 * The HTTP_PORT endpoint end to end, with real HTTP requests on 127.0.0.1: readiness while the
 * content is being indexed (a real `briefings start` process), metrics after console and
 * Telegram queries and a scheduled post (startApp in-process), and Telegram's webhook sharing
 * the port.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { silentLogger } from '../../src/logger.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { type FakeUser, startFakeTelegram } from '../fakes/telegram/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `briefings-http-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

async function get(port: number, path: string): Promise<{ status: number; text: string; type: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
  return {
    status: response.status,
    text: await response.text(),
    type: response.headers.get('content-type') ?? '',
  };
}

/** Polls until `probe` returns a value, at most `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sample values of the Prometheus text by `name{labels}` exactly as exposed. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('readiness of a starting process', () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('is live at once, 503 while indexing, 200 once indexed; metrics answer throughout', async () => {
    const dataDir = tempDir('ready');
    // The start-up snapshot is a named pipe: loading waits on it until the test writes, so the
    // "indexing" window is as long as the test needs, not as long as the machine is slow.
    const pipe = join(dataDir, 'snapshot.bin');
    execFileSync('mkfifo', [pipe]);
    const port = await freePort();
    const output: string[] = [];
    child = spawn(process.execPath, [resolve('bin/briefings.js'), 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        CONTENT_DIR: resolve('content'),
        DATA_DIR: dataDir,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (b) => output.push(String(b)));
    child.stderr?.on('data', (b) => output.push(String(b)));
    const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));

    const live = await until(
      async () => {
        const r = await get(port, '/healthz');
        return r.status === 200 ? r : undefined;
      },
      `/healthz (${output.join('')})`,
    );
    expect(JSON.parse(live.text)).toMatchObject({ status: 'ok' });

    for (let i = 0; i < 3; i++) {
      const ready = await get(port, '/readyz');
      expect(ready.status).toBe(503);
      const body = JSON.parse(ready.text);
      expect(body.status).toBe('not ready');
      expect(body.checks.content).toBe('indexing');
      expect(body.notReady).toContain('content: indexing');
      await new Promise((r) => setTimeout(r, 100));
    }
    const early = await get(port, '/metrics');
    expect(early.status).toBe(200);
    expect(samples(early.text).get('briefings_articles')).toBe(0);

    await writeFile(pipe, 'stale snapshot\n');
    const ready = await until(async () => {
      const r = await get(port, '/readyz');
      return r.status === 200 ? r : undefined;
    }, 'readiness after indexing');
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { content: 'ok', database: 'ok' } });
    expect(samples((await get(port, '/metrics')).text).get('briefings_articles')).toBe(46);

    child.stdin?.end();
    const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
    expect(await exited).toBe(0);
    clearTimeout(timer);
  });
});

describe('metrics after console queries and a scheduled post', () => {
  let app: App;

  it('counts queries by platform, command and outcome, with latencies, deliveries and the backlog', async () => {
    const contentDir = tempDir('content');
    cpSync(resolve('content'), contentDir, { recursive: true });
    const dataDir = tempDir('data');
    // A Telegram digest whose slot was an hour ago: planned at start, and with no Telegram
    // publisher in this app it stays due.
    const seed = openSqliteStore({ dataDir });
    const now = Date.now();
    const slot = Math.floor((now - 3_600_000) / 60_000) * 60_000;
    await seed.addSubscription({
      platform: 'telegram',
      chatId: '-1009',
      topic: 'mexico',
      topicLabel: 'Mexico',
      cadence: { kind: 'daily', time: new Date(slot).toISOString().slice(11, 16) },
      timezone: 'UTC',
      whenEmpty: 'latest',
      createdBy: '1',
      createdAt: now - 86_400_000,
      nextRunAt: slot,
    });
    await seed.close();

    const input = new PassThrough();
    let output = '';
    const sink = new PassThrough();
    sink.on('data', (b) => {
      output += String(b);
    });
    app = await startApp({
      env: { CONTENT_DIR: contentDir, DATA_DIR: dataDir, HTTP_PORT: '0', LOG_LEVEL: 'silent' },
      logger: silentLogger,
      input,
      output: sink,
      interactive: false,
    });
    cleanups.push(() => app.stop());
    const port = app.httpPort as number;
    expect(port).toBeGreaterThan(0);

    input.write(
      '/latest mexico\n/latest honduras\n/search death of migrants\n/article no-such-article\n/brief\n',
    );
    input.write('/subscribe mexico alerts\n');
    await until(
      async () => (output.includes('Subscribed (#2)') ? true : undefined),
      'the subscription confirmation',
    );
    writeFileSync(
      join(contentDir, 'oaxaca-strike.md'),
      '---\ntitle: Oaxaca teachers strike again\ndate: 2026-11-20\nurl: https://example.org/oaxaca-2026\ntopics: [mexico]\n---\n\nTeachers in Oaxaca, Mexico, walked out again on Friday.\n',
    );
    const metrics = await until(async () => {
      const s = samples((await get(port, '/metrics')).text);
      return s.get('briefings_deliveries_total{platform="console",outcome="sent"}') === 1 ? s : undefined;
    }, 'the alert to be posted and counted');

    expect(metrics.get('briefings_queries_total{platform="console",command="latest",outcome="ok"}')).toBe(2);
    expect(metrics.get('briefings_queries_total{platform="console",command="search",outcome="ok"}')).toBe(1);
    expect(
      metrics.get('briefings_queries_total{platform="console",command="article",outcome="rejected"}'),
    ).toBe(1);
    expect(
      metrics.get('briefings_queries_total{platform="console",command="brief",outcome="rejected"}'),
    ).toBe(1);
    expect(metrics.get('briefings_queries_total{platform="console",command="subscribe",outcome="ok"}')).toBe(
      1,
    );
    expect(metrics.get('briefings_query_duration_seconds_count{platform="console",command="latest"}')).toBe(
      2,
    );
    expect(
      metrics.get('briefings_query_duration_seconds_bucket{le="+Inf",platform="console",command="latest"}'),
    ).toBe(2);
    expect(
      metrics.get('briefings_query_duration_seconds_sum{platform="console",command="latest"}'),
    ).toBeGreaterThan(0);
    expect(metrics.get('briefings_articles')).toBe(47);
    expect(metrics.get('briefings_role{role="telegram_poller"}')).toBe(0);
    expect(metrics.get('briefings_deliveries_due{platform="telegram"}')).toBe(1);
    expect(metrics.get('briefings_deliveries_overdue{platform="telegram"}')).toBe(0);
    expect(metrics.has('briefings_deliveries_due{platform="console"}')).toBe(false);
    expect(metrics.has('process_resident_memory_bytes')).toBe(true);

    const page = await get(port, '/metrics');
    expect(page.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(page.text).toMatch(/# TYPE briefings_query_duration_seconds histogram/);
    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(200);
  });

  it('is not ready once stopping, and the port closes', async () => {
    const port = app.httpPort as number;
    await app.stop();
    await expect(get(port, '/healthz')).rejects.toThrow();
  });
});

describe('Telegram webhook on the HTTP_PORT server', () => {
  it('serves the webhook, health and metrics on one port, counting Telegram queries', async () => {
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const port = await freePort();
    const app = await startApp({
      env: {
        CONTENT_DIR: resolve('content'),
        DATA_DIR: tempDir('telegram'),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        TELEGRAM_WEBHOOK_SECRET: 'webhook-secret_0123456789',
        TELEGRAM_WEBHOOK_PORT: String(port),
        HTTP_PORT: String(port),
        LOG_LEVEL: 'silent',
      },
      logger: silentLogger,
    });
    cleanups.push(() => app.stop());
    expect(app.httpPort).toBe(port);
    await fake.waitFor(() => fake.state.webhook, 'the webhook to be set');

    const user: FakeUser = { id: 7001, is_bot: false, first_name: 'Ops', language_code: 'en' };
    fake.state.addChat({ id: user.id, type: 'private', first_name: user.first_name });
    fake.sendText('/latest mexico', { from: user });
    await fake.waitFor(() => fake.botMessages(user.id)[0], 'the reply');
    await fake.inlineAnswer(fake.inlineQuery('honduras', { from: user }));
    // The push is recorded when the bot's webhook answer arrives, after the bot's own API calls.
    await fake.waitFor(() => fake.deliveries.length >= 2, 'both webhook pushes to be answered');
    expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);

    const s = samples((await get(port, '/metrics')).text);
    expect(s.get('briefings_queries_total{platform="telegram",command="latest",outcome="ok"}')).toBe(1);
    expect(s.get('briefings_queries_total{platform="telegram",command="inline",outcome="ok"}')).toBe(1);
    expect(s.get('briefings_query_duration_seconds_count{platform="telegram",command="inline"}')).toBe(1);
    expect(s.get('briefings_role{role="telegram_poller"}')).toBe(0);
    const ready = await get(port, '/readyz');
    expect(JSON.parse(ready.text)).toEqual({
      status: 'ready',
      checks: { content: 'ok', database: 'ok', telegram: 'ok' },
    });
    expect((await get(port, '/healthz')).status).toBe(200);
    expect((await get(port, '/telegram/hook')).status).toBe(404); // the webhook takes POSTs only
  });
});

describe('Telegram long polling', () => {
  it('reports this instance as the poller, connected while the runner polls', async () => {
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const app = await startApp({
      env: {
        CONTENT_DIR: resolve('content'),
        DATA_DIR: tempDir('polling'),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        HTTP_PORT: '0',
        LOG_LEVEL: 'silent',
      },
      logger: silentLogger,
    });
    cleanups.push(() => app.stop());
    const port = app.httpPort as number;
    const ready = await get(port, '/readyz');
    expect(JSON.parse(ready.text)).toEqual({
      status: 'ready',
      checks: { content: 'ok', database: 'ok', telegram: 'ok' },
    });
    const s = samples((await get(port, '/metrics')).text);
    expect(s.get('briefings_role{role="telegram_poller"}')).toBe(1);
  });
});
