/**
 * The database is where subscriptions live: it must never be silently replaced, and faults in it
 * must be named, not crash. The races and crashes here run in real child processes.
 */
import { execFile, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasePath, openSqliteStore, StoreError } from '../../src/store/sqlite.ts';
import type { NewSubscription } from '../../src/store/types.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const tsx = ['--import', 'tsx'];
const fixture = (name: string) => path.join(root, 'tests/fixtures/processes', name);

const sub = (chatId: string): NewSubscription => ({
  platform: 'telegram',
  chatId,
  topic: 'mexico',
  topicLabel: 'Mexico',
  cadence: { kind: 'daily', time: '08:00' },
  timezone: 'UTC',
  whenEmpty: 'skip',
  createdBy: '42',
  createdAt: 1000,
  nextRunAt: 5000,
});

/** Runs the `briefings` executable with DATA_DIR set; answers exit code and output. */
async function briefings(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'bin/briefings.js'), ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent', TELEGRAM_BOT_TOKEN: '', DISCORD_TOKEN: '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('SQLite store faults', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-faults-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and migrates a fresh database once when several processes start together', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = path.join(dir, `round-${round}`);
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          run(process.execPath, [...tsx, fixture('open-store.ts'), dataDir], { cwd: root, timeout: 30_000 }),
        ),
      );
      expect(results.map((r) => r.stdout.trim())).toEqual(['opened', 'opened', 'opened', 'opened']);
      // No temporary files are left behind.
      expect(existsSync(databasePath(dataDir))).toBe(true);
    }
  });

  it('refuses a zero-byte database, naming the file, and leaves it untouched', async () => {
    writeFileSync(databasePath(dir), '');
    expect(() => openSqliteStore({ dataDir: dir })).toThrow(StoreError);
    expect(() => openSqliteStore({ dataDir: dir })).toThrow(
      /briefings\.sqlite is empty \(0 bytes\).*restore a backup/,
    );
    expect(statSync(databasePath(dir)).size).toBe(0);

    const started = await briefings(['start'], { DATA_DIR: dir });
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(databasePath(dir));
    expect(started.stderr).not.toMatch(/\n\s+at /); // a message, not a stack
    expect(statSync(databasePath(dir)).size).toBe(0);
  });

  it('refuses a file that is not a database, and one with damaged pages', async () => {
    writeFileSync(databasePath(dir), 'this is not a database at all, just text '.repeat(200));
    expect(() => openSqliteStore({ dataDir: dir })).toThrow(/is damaged \(file is not a database\)/);
    const listed = await briefings(['subscriptions'], { DATA_DIR: dir });
    expect(listed.code).toBe(2);
    expect(listed.stderr).toMatch(/briefings\.sqlite is damaged/);

    rmSync(databasePath(dir));
    const store = openSqliteStore({ dataDir: dir });
    for (let i = 0; i < 300; i++) await store.addSubscription(sub(`-100${i}`));
    await store.close();
    // Overwrite the middle of the file (index and table pages), keeping the header intact.
    const size = statSync(databasePath(dir)).size;
    const fd = openSync(databasePath(dir), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const before = readFileSync(databasePath(dir));
    expect(() => openSqliteStore({ dataDir: dir })).toThrow(/is damaged/);
    expect(readFileSync(databasePath(dir)).equals(before)).toBe(true);
  });

  it('backs up a live database to a new file that opens with the same subscriptions', async () => {
    const store = openSqliteStore({ dataDir: dir });
    await store.addSubscription(sub('-1001'));
    await store.addSubscription(sub('-1002'));
    const target = path.join(dir, 'copy.sqlite');
    const first = await briefings(['backup', target], { DATA_DIR: dir });
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Backed up');
    await store.close();

    const onPostgres = await briefings(['backup', path.join(dir, 'pg.sqlite')], {
      DATA_DIR: dir,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    });
    expect(onPostgres.code).toBe(2);
    expect(onPostgres.stderr).toMatch(/PostgreSQL; back it up with pg_dump/);
    expect(existsSync(path.join(dir, 'pg.sqlite'))).toBe(false);

    const again = await briefings(['backup', target], { DATA_DIR: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');

    // Restore as the README says: copy the backup over the database while the bot is stopped.
    const restored = path.join(dir, 'restored');
    const copy = readFileSync(target);
    rmSync(restored, { recursive: true, force: true });
    openSqliteStore({ dataDir: restored }).close();
    writeFileSync(databasePath(restored), copy);
    const reopened = openSqliteStore({ dataDir: restored });
    expect((await reopened.listSubscriptions()).map((s) => s.chatId)).toEqual(['-1001', '-1002']);
    await reopened.close();
  });

  it('names DATA_DIR and CONTENT_DIR problems and exits 2 in every command, creating nothing', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['start'],
      ['search', 'mexico'],
      ['subscriptions'],
      ['backup', path.join(dir, 'b')],
    ]) {
      const asFile = await briefings(args, { DATA_DIR: file });
      expect(asFile.code, args.join(' ')).toBe(2);
      expect(asFile.stderr).toContain(`DATA_DIR: ${file} is a file, not a directory`);
      const noContent = await briefings(args, { DATA_DIR: dir, CONTENT_DIR: path.join(dir, 'missing') });
      expect(noContent.code, args.join(' ')).toBe(2);
      expect(noContent.stderr).toContain('CONTENT_DIR:');
      expect(noContent.stderr).toContain('does not exist');
    }
    const missing = path.join(dir, 'never-made');
    const listed = await briefings(['subscriptions'], { DATA_DIR: missing });
    expect(listed).toMatchObject({ code: 0 });
    expect(existsSync(missing)).toBe(false);
  });

  it('runs one bot per DATA_DIR: a second is refused, a lock left by kill -9 is taken over', async () => {
    const env = {
      ...process.env,
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      TELEGRAM_BOT_TOKEN: '',
      DISCORD_TOKEN: '',
    };
    const start = () =>
      spawn(process.execPath, [path.join(root, 'bin/briefings.js'), 'start'], { cwd: root, env });
    const answered = (child: ReturnType<typeof start>) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer from the console within 30 s')), 30_000);
        child.stdout.once('data', (chunk: Buffer) => {
          clearTimeout(timer);
          resolve(chunk.toString());
        });
      });
    const first = start();
    try {
      first.stdin.write('/topics\n'); // the console answers once the bot runs
      expect(await answered(first)).toMatch(/Mexico/);
      const second = await briefings(['start'], { DATA_DIR: dir });
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/DATA_DIR: .* is in use by another briefings process \(pid \d+\)/);
    } finally {
      first.kill('SIGKILL');
    }
    await new Promise((r) => first.once('exit', r));
    const third = start();
    third.stdin.end('/topics\n');
    expect(await answered(third)).toMatch(/Mexico/);
    expect(await new Promise((r) => third.once('exit', r))).toBe(0);
  });

  it('a bot killed mid-send and restarted finishes the post in its first check, not after claims expire', async () => {
    const child = spawn(process.execPath, [...tsx, fixture('scheduled-post.ts'), dir, 'hang'], { cwd: root });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the first process did not start sending within 30 s')),
          30_000,
        );
        child.stdout.once('data', (chunk: Buffer) => {
          clearTimeout(timer);
          resolve(chunk.toString().trim());
        });
      });
      expect(first).toBe('sending');
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    // Same DATA_DIR, same instance: the claim left by the dead process is its own, taken back at once.
    const { stdout } = await run(process.execPath, [...tsx, fixture('scheduled-post.ts'), dir, 'post'], {
      cwd: root,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim())).toMatchObject({ sent: 1, failed: 0 });
    const store = openSqliteStore({ dataDir: dir });
    const [delivery] = await store.listDeliveries();
    await store.close();
    expect(delivery).toMatchObject({ status: 'sent', messageId: 'm1', attempts: 2 });
  });
});
