/**
 * `briefings migrate --from-sqlite <file>`: a SQLite store copied into PostgreSQL once, checked by
 * counts; a second run is a no-op, another source or a non-empty target is refused, bad usage is
 * exit 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply.ts';
import { migrateCommand } from '../../src/store/migrate-cli.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { DATABASE_FILE, openSqliteStore } from '../../src/store/sqlite.ts';
import type { NewSubscription, Store } from '../../src/store/types.ts';
import {
  dropSchema,
  postgresForTests,
  requiredButMissing,
  schemaName,
  TEST_DATABASE_URL,
  urlWithSchema,
} from '../support/postgres.ts';

async function run(args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await migrateCommand.run(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env,
  });
  return { code, stdout, stderr };
}

const payload: Reply = { kind: 'notice', tone: 'info', message: 'x' };
const sub = (chatId: string, over: Partial<NewSubscription> = {}): NewSubscription => ({
  platform: 'telegram',
  chatId,
  topic: 'mexico',
  topicLabel: 'Mexico',
  cadence: { kind: 'daily', time: '08:00' },
  timezone: 'UTC',
  whenEmpty: 'skip',
  createdBy: 'u',
  createdAt: 1000,
  nextRunAt: 5000,
  ...over,
});

/** A SQLite store with three subscriptions, four deliveries in various states, claims and seen articles. */
async function fillSqlite(dir: string): Promise<void> {
  const store = openSqliteStore({ dataDir: dir });
  const a = await store.addSubscription(sub('-1'));
  const b = await store.addSubscription(sub('-2', { cadence: { kind: 'alerts' }, nextRunAt: undefined }));
  await store.addSubscription(sub('-3', { platform: 'discord' }));
  await store.removeSubscription((await store.addSubscription(sub('-4'))).id); // a gap in the ids
  await store.recordArticles(['x1', 'x2', 'x3'], 900);
  const plan = (subscriptionId: number, key: string, articleIds: string[]) =>
    store.planDelivery({
      key,
      subscriptionId,
      kind: 'alert',
      articleIds,
      payload,
      at: 2000,
      subscription: {},
    });
  const d1 = await plan(a.id, 'k1', ['x1', 'x2']);
  const d2 = await plan(b.id, 'k2', ['x1']);
  await plan(b.id, 'k3', ['x3']);
  await plan(a.id, 'k4', []);
  await store.startAttempt(d1?.id ?? -1, 2100);
  await store.finishAttempt(d1?.id ?? -1, { status: 'sent', messageId: '77', at: 2200 });
  await store.startAttempt(d2?.id ?? -1, 2100);
  await store.pauseSubscription(a.id, 'bot removed', 3000);
  await store.close();
}

const postgres = await postgresForTests('briefings migrate --from-sqlite');
const missing = requiredButMissing(postgres);
if (missing) {
  it('briefings migrate --from-sqlite', () => {
    throw new Error(missing);
  });
}

describe('briefings migrate: usage', () => {
  it('needs --from-sqlite, an existing file and DATABASE_URL', async () => {
    expect(await run([], { DATABASE_URL: 'postgres://x@127.0.0.1/db' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--from-sqlite <file> is required'),
    });
    expect(await run(['--from-sqlite', 'x.sqlite'], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('DATABASE_URL: is required'),
    });
    expect(await run(['--from-sqlite', 'x.sqlite'], { DATABASE_URL: 'mysql://x@h/db' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('DATABASE_URL: must be a PostgreSQL URL'),
    });
    expect(await run(['--bogus'], {})).toMatchObject({ code: 2 });
  });
});

describe.skipIf(!postgres.available)('briefings migrate --from-sqlite', () => {
  let dir: string;
  let schema: string;
  let file: string;
  const stores: Store[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-migrate-'));
    schema = schemaName('migrate');
    file = path.join(dir, DATABASE_FILE);
    await fillSqlite(dir);
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });
  const env = () => ({ DATABASE_URL: urlWithSchema(schema) });

  it('copies subscriptions and the delivery log once, checked by counts', async () => {
    const first = await run(['--from-sqlite', file], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'counts checked: 3 subscriptions, 4 deliveries, 4 claimed articles, 3 seen articles',
    );

    const sqlite = openSqliteStore({ dataDir: dir });
    const pg = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    stores.push(sqlite, pg);
    expect(await pg.listSubscriptions()).toEqual(await sqlite.listSubscriptions());
    expect(await pg.listDeliveries()).toEqual(await sqlite.listDeliveries());
    expect(await pg.firstSeen(['x1', 'x2', 'x3'])).toEqual(await sqlite.firstSeen(['x1', 'x2', 'x3']));
    // Claimed articles came along: nothing already posted to a chat is planned for it again.
    const [, alerts] = await pg.listSubscriptions();
    expect(await pg.claimedArticles(alerts?.id ?? -1, ['x1', 'x2', 'x3'])).toEqual(new Set(['x1', 'x3']));
    // New rows continue after the copied ids.
    expect((await pg.addSubscription(sub('-9'))).id).toBe(5);

    const again = await run(['--from-sqlite', file], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^Nothing to do: .* was already imported into .* \(3 subscriptions, 4 deliveries/,
    );
    expect(await pg.listSubscriptions()).toHaveLength(4);

    const otherDir = mkdtempSync(path.join(tmpdir(), 'briefings-migrate-other-'));
    try {
      await fillSqlite(otherDir);
      const other = await run(['--from-sqlite', path.join(otherDir, DATABASE_FILE)], env());
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('already holds an import from');
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses a target that already has subscriptions, and a file that is not a database', async () => {
    const pg = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    stores.push(pg);
    await pg.addSubscription(sub('-100'));
    const refused = await run(['--from-sqlite', file], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already has subscriptions or deliveries');
    expect(await run(['--from-sqlite', path.join(dir, 'nope.sqlite')], env())).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no such file'),
    });
  });
});
