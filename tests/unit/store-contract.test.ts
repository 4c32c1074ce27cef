/**
 * The Store contract, run against every store: SQLite in a temporary directory and PostgreSQL in a
 * fresh schema (skipped with a message where no server answers, failed under REQUIRE_POSTGRES=1).
 * Then what is particular to each: SQLite's file and WAL, PostgreSQL's migrations under many
 * instances starting at once, and claims under real concurrency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardsReply } from '../../src/reply.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { PG_MIGRATIONS } from '../../src/store/postgres-migrations.ts';
import { DATABASE_FILE, openSqliteStore, StoreError } from '../../src/store/sqlite.ts';
import type { DeliveryPlan, NewSubscription, Store, Subscription } from '../../src/store/types.ts';
import {
  admin,
  dropSchema,
  postgresForTests,
  requiredButMissing,
  schemaName,
  TEST_DATABASE_URL,
} from '../support/postgres.ts';

const payload: CardsReply = {
  kind: 'cards',
  command: 'brief',
  query: 'mexico',
  title: 'T',
  items: [],
  offset: 0,
  total: 0,
};

const newSub = (over: Partial<NewSubscription> = {}): NewSubscription => ({
  platform: 'telegram',
  chatId: '-1001',
  topic: 'mexico',
  topicLabel: 'Mexico',
  cadence: { kind: 'daily', time: '08:00' },
  timezone: 'UTC',
  whenEmpty: 'skip',
  createdBy: '42',
  createdAt: 1000,
  nextRunAt: 5000,
  ...over,
});

const alertPlan = (subscriptionId: number, key: string, articleIds: string[] = []): DeliveryPlan => ({
  key,
  subscriptionId,
  kind: 'alert',
  articleIds,
  payload,
  at: 10,
  subscription: {},
});

/** A store under test: `open` gives a store on the same data each time; `cleanup` removes it all. */
interface Harness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const sqliteHarness = (): Harness => {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefings-store-'));
  return {
    open: async () => openSqliteStore({ dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

const postgresHarness = (): Harness => {
  const schema = schemaName('contract');
  return {
    open: () => openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
    cleanup: () => dropSchema(schema),
  };
};

const postgres = await postgresForTests('the PostgreSQL store contract');
const missing = requiredButMissing(postgres);
if (missing) {
  it('PostgreSQL store contract', () => {
    throw new Error(missing);
  });
}

const stores = [
  { name: 'SQLite', harness: sqliteHarness, skip: false },
  { name: 'PostgreSQL', harness: postgresHarness, skip: !postgres.available },
];

describe.each(stores)('Store contract: $name', ({ harness: makeHarness, skip }) => {
  let harness: Harness;
  let store: Store;
  const opened: Store[] = [];
  const open = async () => {
    const s = await harness.open();
    opened.push(s);
    return s;
  };
  beforeEach(async (ctx) => {
    if (skip) return ctx.skip();
    harness = makeHarness();
    store = await open();
  });
  afterEach(async () => {
    if (skip) return;
    for (const s of opened.splice(0)) await s.close();
    await harness.cleanup();
  });

  it('keeps subscriptions across reopening, one per chat and topic', async () => {
    const sub = await store.addSubscription(newSub());
    expect(sub).toMatchObject({ id: 1, status: 'active', baselineAt: 1000, nextRunAt: 5000 });
    expect(sub.cadence).toEqual({ kind: 'daily', time: '08:00' });
    await expect(store.addSubscription(newSub())).rejects.toThrow(/unique/i);
    const other = await store.addSubscription(newSub({ chatId: '-1002', chatTitle: 'News' }));
    await store.close();
    store = await open();
    expect(await store.findSubscription('telegram', '-1001', 'mexico')).toEqual(sub);
    expect(await store.getSubscription(other.id)).toEqual(other);
    expect(await store.findSubscription('telegram', '-1001', 'peru')).toBeUndefined();
    expect(await store.listSubscriptions({ platform: 'discord' })).toEqual([]);
    expect((await store.listSubscriptions({ chatId: '-1002' })).map((s) => s.id)).toEqual([other.id]);
    expect((await store.listSubscriptions()).map((s) => s.id)).toEqual([sub.id, other.id]);
    expect(await store.dueDigests(4999)).toEqual([]);
    expect((await store.dueDigests(5000)).map((s) => s.id)).toEqual([sub.id, other.id]);
  });

  it('keeps shaping fields, and lets a resume put a cancelled or failed delivery back in the queue', async () => {
    const sub = await store.addSubscription(
      newSub({
        topic: 'mexico,peru',
        topics: ['mexico', 'peru'],
        includeWords: ['strike'],
        excludeWords: ['football'],
        language: 'es',
        mentionRoleId: '5000000000',
      }),
    );
    expect(await store.getSubscription(sub.id)).toMatchObject({
      topics: ['mexico', 'peru'],
      includeWords: ['strike'],
      excludeWords: ['football'],
      language: 'es',
      mentionRoleId: '5000000000',
    });
    const cleared = await store.updateSubscription(
      sub.id,
      { includeWords: undefined, mentionRoleId: undefined },
      5,
    );
    expect(cleared?.includeWords).toBeUndefined();
    expect(cleared?.mentionRoleId).toBeUndefined();
    expect(cleared?.excludeWords).toEqual(['football']);

    const d = await store.planDelivery({
      key: 'k',
      subscriptionId: sub.id,
      kind: 'alert',
      articleIds: ['a1'],
      payload,
      at: 10,
      subscription: {},
    });
    await store.pauseSubscription(sub.id, 'bot was removed', 20);
    expect((await store.getDelivery(d?.id ?? -1))?.status).toBe('cancelled');
    // The contract the resume button relies on: finishAttempt(pending) requeues a cancelled or
    // failed delivery, keeping its claimed articles (so it still goes out at most once).
    await store.finishAttempt(d?.id ?? -1, {
      status: 'pending',
      nextAttemptAt: 30,
      error: 'sent again on resume',
      at: 30,
    });
    expect(await store.getDelivery(d?.id ?? -1)).toMatchObject({ status: 'pending', nextAttemptAt: 30 });
    expect(await store.claimedArticles(sub.id, ['a1'])).toEqual(new Set(['a1']));
  });

  it('updates only the fields given, and removes a subscription with its deliveries', async () => {
    const sub = await store.addSubscription(newSub());
    const updated = await store.updateSubscription(
      sub.id,
      { topicLabel: 'México', cadence: { kind: 'alerts' }, nextRunAt: undefined, lastOutcome: 'x' },
      2000,
    );
    expect(updated).toMatchObject({ topicLabel: 'México', cadence: { kind: 'alerts' }, updatedAt: 2000 });
    expect(updated?.nextRunAt).toBeUndefined();
    expect(updated?.chatId).toBe('-1001');
    const d = await store.planDelivery(alertPlan(sub.id, 'k', ['a']));
    expect(await store.removeSubscription(sub.id)).toBe(true);
    expect(await store.removeSubscription(sub.id)).toBe(false);
    expect(await store.getDelivery(d?.id ?? -1)).toBeUndefined();
    expect(await store.updateSubscription(sub.id, { lastOutcome: 'y' }, 3000)).toBeUndefined();
  });

  it('plans a delivery once per key and claims each article once per subscription', async () => {
    const sub = await store.addSubscription(newSub());
    const plan: DeliveryPlan = {
      key: 'digest:1:a',
      subscriptionId: sub.id,
      kind: 'digest',
      slotAt: 5000,
      articleIds: ['a1', 'a2'],
      payload,
      at: 6000,
      subscription: { nextRunAt: 90_000, lastOutcome: 'digest with 2 new' },
    };
    const first = await store.planDelivery(plan);
    expect(first).toMatchObject({
      status: 'pending',
      attempts: 0,
      chatId: '-1001',
      slotAt: 5000,
      articleIds: ['a1', 'a2'],
      nextAttemptAt: 6000,
    });
    expect(first?.payload).toEqual(payload);
    expect(await store.planDelivery(plan)).toBeUndefined();
    expect(
      await store.planDelivery({ ...plan, key: 'digest:1:b', articleIds: ['a2', 'a3'] }),
    ).toBeUndefined();
    expect(await store.claimedArticles(sub.id, ['a1', 'a3'])).toEqual(new Set(['a1']));
    expect((await store.getSubscription(sub.id))?.nextRunAt).toBe(90_000);
    await store.pauseSubscription(sub.id, 'gone', 7000);
    expect(await store.planDelivery({ ...plan, key: 'digest:1:c', articleIds: ['a9'] })).toBeUndefined();
  });

  it('walks a delivery through attempts, and reconciles interrupted ones by platform', async () => {
    const tg = await store.addSubscription(newSub());
    const dc = await store.addSubscription(newSub({ platform: 'discord', chatId: '77' }));
    const a = await store.planDelivery(alertPlan(tg.id, 'k1'));
    const b = await store.planDelivery(alertPlan(dc.id, 'k2'));
    if (!a || !b) throw new Error('not planned');
    expect(await store.startAttempt(a.id, 20)).toBe(true);
    expect(await store.startAttempt(a.id, 20)).toBe(false);
    expect(await store.startAttempt(b.id, 20)).toBe(true);
    expect(await store.readyDeliveries(100, 10, ['telegram', 'discord'])).toEqual([]);
    expect(await store.recoverInterrupted('telegram', false, 30)).toEqual({ requeued: 0, unknown: 1 });
    expect(await store.recoverInterrupted('discord', true, 30)).toEqual({ requeued: 1, unknown: 0 });
    expect((await store.getDelivery(a.id))?.status).toBe('unknown');
    expect((await store.readyDeliveries(100, 10, ['telegram', 'discord'])).map((d) => d.id)).toEqual([b.id]);
    expect(await store.readyDeliveries(100, 10, ['telegram'])).toEqual([]);
    expect(await store.nextDeliveryAt(['discord'])).toBe(30);
    expect(await store.nextDeliveryAt(['console'])).toBeUndefined();
    await store.startAttempt(b.id, 40);
    await store.finishAttempt(b.id, { status: 'sent', messageId: 'm1', at: 50 });
    expect(await store.getDelivery(b.id)).toMatchObject({
      status: 'sent',
      messageId: 'm1',
      attempts: 2,
      sentAt: 50,
    });
    expect((await store.lastDeliveries()).get(dc.id)?.id).toBe(b.id);
    expect((await store.listDeliveries({ subscriptionId: tg.id })).map((d) => d.id)).toEqual([a.id]);
    expect((await store.listDeliveries({ status: 'sent' })).map((d) => d.id)).toEqual([b.id]);
    expect((await store.listDeliveries({ limit: 1 })).map((d) => d.id)).toEqual([b.id]);
  });

  it('retries, defers and ends attempts as told', async () => {
    const sub = await store.addSubscription(newSub());
    const d = await store.planDelivery(alertPlan(sub.id, 'k'));
    if (!d) throw new Error('not planned');
    await store.deferDelivery(d.id, 500, 20);
    expect(await store.readyDeliveries(499, 10, ['telegram'])).toEqual([]);
    expect(await store.startAttempt(d.id, 500)).toBe(true);
    await store.finishAttempt(d.id, { status: 'pending', nextAttemptAt: 900, error: '429', at: 510 });
    expect(await store.getDelivery(d.id)).toMatchObject({ status: 'pending', attempts: 1, error: '429' });
    expect(await store.nextDeliveryAt(['telegram'])).toBe(900);
    expect(await store.startAttempt(d.id, 900)).toBe(true);
    await store.finishAttempt(d.id, { status: 'failed', error: 'refused', at: 910 });
    expect(await store.getDelivery(d.id)).toMatchObject({ status: 'failed', attempts: 2, error: 'refused' });
    expect(await store.nextDeliveryAt(['telegram'])).toBeUndefined();
  });

  it('pausing a subscription cancels what it has not sent', async () => {
    const sub = await store.addSubscription(newSub());
    const d = await store.planDelivery(alertPlan(sub.id, 'k'));
    await store.pauseSubscription(sub.id, 'bot was removed', 20);
    expect(await store.getSubscription(sub.id)).toMatchObject({
      status: 'paused',
      pausedReason: 'bot was removed',
      pausedAt: 20,
    });
    expect((await store.getDelivery(d?.id ?? -1))?.status).toBe('cancelled');
    expect(await store.nextDeliveryAt(['telegram'])).toBeUndefined();
    expect(await store.dueDigests(10_000)).toEqual([]);
  });

  it('records many articles at once, each once, without holding the event loop for all of them', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `bulk-${i}`);
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const recording = store.recordArticles(ids, 100);
    expect(await recording).toEqual(ids);
    // The SQLite store works in batches with the loop turning between them; others do I/O.
    expect(turned).toBe(true);
    expect(await store.recordArticles([...ids.slice(-3), 'bulk-new'], 200)).toEqual(['bulk-new']);
    expect((await store.firstSeen(['bulk-0', 'bulk-9999', 'bulk-new'])).get('bulk-9999')).toBe(100);
  });

  it('records when articles were first seen, once', async () => {
    expect(await store.recordArticles(['a', 'b'], 100)).toEqual(['a', 'b']);
    expect(await store.recordArticles(['b', 'c'], 200)).toEqual(['c']);
    expect(await store.recordArticles([], 300)).toEqual([]);
    expect(await store.firstSeen(['a', 'c', 'x'])).toEqual(
      new Map([
        ['a', 100],
        ['c', 200],
      ]),
    );
  });

  it('gives a lease to one holder at a time until it expires', async () => {
    expect(await store.acquireLease('poller', 'A', 0, 1000)).toBe(true);
    expect(await store.acquireLease('poller', 'B', 500, 1000)).toBe(false);
    expect(await store.acquireLease('poller', 'A', 900, 1000)).toBe(true);
    expect(await store.acquireLease('poller', 'B', 1500, 1000)).toBe(false);
    expect(await store.acquireLease('poller', 'B', 1901, 1000)).toBe(true);
    await store.releaseLease('poller', 'B');
    expect(await store.acquireLease('poller', 'A', 1902, 1000)).toBe(true);
  });

  it('claims due digests for one holder until the claim expires or is released', async () => {
    const s1 = await store.addSubscription(newSub({ nextRunAt: 100 }));
    const s2 = await store.addSubscription(newSub({ chatId: '-2', nextRunAt: 50 }));
    await store.addSubscription(newSub({ chatId: '-3', nextRunAt: 9999 }));
    const a = { holder: 'A', until: 1100 };
    expect((await store.claimDueDigests(1000, 10, a)).map((s) => s.id)).toEqual([s2.id, s1.id]);
    expect(await store.claimDueDigests(1000, 10, { holder: 'B', until: 2000 })).toEqual([]);
    // The holder itself may take them again (its previous check failed half-way).
    expect(await store.claimDueDigests(1000, 1, a)).toHaveLength(1);
    await store.renewClaims('A', 1500);
    expect(await store.claimDueDigests(1400, 10, { holder: 'B', until: 2000 })).toEqual([]);
    expect((await store.claimDueDigests(1501, 10, { holder: 'B', until: 2000 })).length).toBe(2);
    await store.releaseClaims('B', 'digests');
    expect((await store.claimDueDigests(1502, 10, a)).length).toBe(2);
  });

  it('claims ready deliveries per holder, one chat at a time, and takes over expired sends', async () => {
    const s1 = await store.addSubscription(newSub());
    const s2 = await store.addSubscription(newSub({ chatId: '-2' }));
    const d1 = await store.planDelivery(alertPlan(s1.id, 'k1', ['x']));
    const d2 = await store.planDelivery(alertPlan(s1.id, 'k2', ['y']));
    const d3 = await store.planDelivery(alertPlan(s2.id, 'k3', ['x']));
    if (!d1 || !d2 || !d3) throw new Error('not planned');
    const a = { holder: 'A', until: 1000 };
    const b = { holder: 'B', until: 1000 };
    expect((await store.claimReadyDeliveries(100, 1, ['telegram'], a)).map((d) => d.id)).toEqual([d1.id]);
    // Chat -1001 is A's while A posts to it: B gets the other chat only.
    expect((await store.claimReadyDeliveries(100, 10, ['telegram'], b)).map((d) => d.id)).toEqual([d3.id]);
    expect(await store.claimReadyDeliveries(100, 10, ['discord'], a)).toEqual([]);
    expect(await store.startAttempt(d1.id, 110, b)).toBe(false);
    expect(await store.startAttempt(d1.id, 110, a)).toBe(true);
    // A is alive: its send is not taken over; then it dies and the claim lapses.
    expect(await store.recoverInterrupted('telegram', false, 500)).toEqual({ requeued: 0, unknown: 0 });
    expect(await store.recoverInterrupted('telegram', false, 1001)).toEqual({ requeued: 0, unknown: 1 });
    expect((await store.claimReadyDeliveries(1001, 10, ['telegram'], b)).map((d) => d.id)).toEqual([
      d2.id,
      d3.id,
    ]);
    await store.releaseClaims('B', 'all');
    expect((await store.claimReadyDeliveries(1002, 10, ['telegram'], a)).map((d) => d.id)).toEqual([
      d2.id,
      d3.id,
    ]);
    // Its own previous life's send is recovered at once, whatever the claim says.
    expect(await store.startAttempt(d2.id, 1003, { holder: 'A', until: 9000 })).toBe(true);
    expect(await store.recoverInterrupted('telegram', true, 1004, 'A')).toEqual({ requeued: 1, unknown: 0 });
  });

  it('marks a key once until it expires', async () => {
    expect(await store.markOnce('telegram-update', '7', 0, 1000)).toBe(true);
    expect(await store.markOnce('telegram-update', '7', 500, 1000)).toBe(false);
    expect(await store.markOnce('other', '7', 500, 1000)).toBe(true);
    expect(await store.markOnce('telegram-update', '7', 1001, 1000)).toBe(true);
  });
});

describe('SQLite store', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-store-'));
    store = openSqliteStore({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL and records the schema version', () => {
    const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database written by a newer version', async () => {
    await store.close();
    const db = new Database(path.join(dir, DATABASE_FILE));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openSqliteStore({ dataDir: dir })).toThrow(StoreError);
    store = openSqliteStore({ dataDir: dir, fileName: 'fresh.sqlite' });
  });
});

describe.skipIf(!postgres.available)('PostgreSQL store', () => {
  let schema: string;
  beforeEach(() => {
    schema = schemaName('pgstore');
  });
  afterEach(() => dropSchema(schema));

  it('runs migrations once when many instances start together', async () => {
    const stores = await Promise.all(
      Array.from({ length: 6 }, () =>
        openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 }),
      ),
    );
    try {
      const rows = await admin<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
        [],
        schema,
      );
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
      const sub = await stores[3]?.addSubscription(newSub());
      expect(await stores[0]?.getSubscription(sub?.id ?? -1)).toEqual(sub);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('refuses a database written by a newer version', async () => {
    const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.close();
    await admin('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [99], schema);
    await expect(openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })).rejects.toThrow(
      /newer than this program knows/,
    );
  });

  it('says which database it could not reach', async () => {
    await expect(
      openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema }),
    ).rejects.toThrow(/cannot open 127\.0\.0\.1:1\/test.*ECONNREFUSED/);
  });

  it('hands each due digest and ready delivery to exactly one of many concurrent claimers', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () =>
        openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 3 }),
      ),
    );
    try {
      const [first] = stores;
      if (!first) throw new Error('no store');
      const subs: Subscription[] = [];
      for (let i = 0; i < 60; i++) subs.push(await first.addSubscription(newSub({ chatId: String(-i - 1) })));
      const claimedDigests = await Promise.all(
        stores.map(async (s, i) => {
          const mine: number[] = [];
          // A new holder name per call: a holder may re-take its own claims, a stranger may not.
          for (let n = 0; ; n++) {
            const batch = await s.claimDueDigests(6000, 7, { holder: `h${i}-${n}`, until: 99_999 });
            if (batch.length === 0) return mine;
            mine.push(...batch.map((b) => b.id));
          }
        }),
      );
      const allDigests = claimedDigests.flat();
      expect(allDigests).toHaveLength(60);
      expect(new Set(allDigests).size).toBe(60);

      // Every instance tries to plan every subscription's alert for the same article at once.
      const planned = await Promise.all(
        stores.flatMap((s) =>
          subs.map((sub) => s.planDelivery(alertPlan(sub.id, `alert:${sub.id}`, ['a1']))),
        ),
      );
      expect(planned.filter(Boolean)).toHaveLength(60);

      const claimedDeliveries = await Promise.all(
        stores.map(async (s, i) => {
          const mine: number[] = [];
          for (;;) {
            const batch = await s.claimReadyDeliveries(6000, 5, ['telegram'], {
              holder: `h${i}`,
              until: 99_999,
            });
            if (batch.length === 0) return mine;
            for (const d of batch) {
              if (await s.startAttempt(d.id, 6001, { holder: `h${i}`, until: 99_999 })) mine.push(d.id);
            }
          }
        }),
      );
      const allDeliveries = claimedDeliveries.flat();
      expect(allDeliveries).toHaveLength(60);
      expect(new Set(allDeliveries).size).toBe(60);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
