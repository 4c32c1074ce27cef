import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardsReply } from '../../src/commands/reply.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { DATABASE_FILE, openSqliteStore, StoreError } from '../../src/store/sqlite.ts';
import type { NewSubscription, Store } from '../../src/store/types.ts';

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

  it('keeps subscriptions across reopening, one per chat and topic', async () => {
    const sub = await store.addSubscription(newSub());
    expect(sub).toMatchObject({ id: 1, status: 'active', baselineAt: 1000, nextRunAt: 5000 });
    await expect(store.addSubscription(newSub())).rejects.toThrow(/UNIQUE/);
    await store.close();
    store = openSqliteStore({ dataDir: dir });
    expect(await store.findSubscription('telegram', '-1001', 'mexico')).toEqual(sub);
    expect(await store.listSubscriptions({ platform: 'discord' })).toEqual([]);
    expect(await store.dueDigests(4999)).toEqual([]);
    expect((await store.dueDigests(5000)).map((s) => s.id)).toEqual([1]);
  });

  it('plans a delivery once per key and claims each article once per subscription', async () => {
    const sub = await store.addSubscription(newSub());
    const plan = {
      key: 'digest:1:a',
      subscriptionId: sub.id,
      kind: 'digest' as const,
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
      articleIds: ['a1', 'a2'],
    });
    expect(first?.payload).toEqual(payload);
    expect(await store.planDelivery(plan)).toBeUndefined();
    expect(
      await store.planDelivery({ ...plan, key: 'digest:1:b', articleIds: ['a2', 'a3'] }),
    ).toBeUndefined();
    expect(await store.claimedArticles(sub.id, ['a1', 'a3'])).toEqual(new Set(['a1']));
    expect((await store.getSubscription(sub.id))?.nextRunAt).toBe(90_000);
  });

  it('walks a delivery through attempts, and reconciles interrupted ones by platform', async () => {
    const tg = await store.addSubscription(newSub());
    const dc = await store.addSubscription(newSub({ platform: 'discord', chatId: '77' }));
    const plan = (subscriptionId: number, key: string) =>
      store.planDelivery({
        key,
        subscriptionId,
        kind: 'alert',
        articleIds: [],
        payload,
        at: 10,
        subscription: {},
      });
    const a = await plan(tg.id, 'k1');
    const b = await plan(dc.id, 'k2');
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
  });

  it('pausing a subscription cancels what it has not sent', async () => {
    const sub = await store.addSubscription(newSub());
    const d = await store.planDelivery({
      key: 'k',
      subscriptionId: sub.id,
      kind: 'alert',
      articleIds: [],
      payload,
      at: 10,
      subscription: {},
    });
    await store.pauseSubscription(sub.id, 'bot was removed', 20);
    expect(await store.getSubscription(sub.id)).toMatchObject({
      status: 'paused',
      pausedReason: 'bot was removed',
    });
    expect((await store.getDelivery(d?.id ?? -1))?.status).toBe('cancelled');
    expect(await store.nextDeliveryAt(['telegram'])).toBeUndefined();
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

  it('records when articles were first seen, once', async () => {
    expect(await store.recordArticles(['a', 'b'], 100)).toEqual(['a', 'b']);
    expect(await store.recordArticles(['b', 'c'], 200)).toEqual(['c']);
    expect(await store.firstSeen(['a', 'c', 'x'])).toEqual(
      new Map([
        ['a', 100],
        ['c', 200],
      ]),
    );
  });

  it('gives the scheduler lease to one holder at a time until it expires', async () => {
    expect(await store.acquireLease('scheduler', 'A', 0, 1000)).toBe(true);
    expect(await store.acquireLease('scheduler', 'B', 500, 1000)).toBe(false);
    expect(await store.acquireLease('scheduler', 'A', 900, 1000)).toBe(true);
    expect(await store.acquireLease('scheduler', 'B', 1500, 1000)).toBe(false);
    expect(await store.acquireLease('scheduler', 'B', 1901, 1000)).toBe(true);
    await store.releaseLease('scheduler', 'B');
    expect(await store.acquireLease('scheduler', 'A', 1902, 1000)).toBe(true);
  });
});
