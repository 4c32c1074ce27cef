/**
 * The Store methods monitoring relies on, `ping` and `backlog`, and the store observer that feeds
 * the delivery metrics. Written against the Store interface: every Store implementation must
 * pass them (add its factory to STORES).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardsReply } from '../../src/reply.ts';
import { type DeliveryOutcome, observeStore } from '../../src/store/observe.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { NewSubscription, Platform, Store } from '../../src/store/types.ts';

const STORES: { name: string; open: (dir: string) => Store }[] = [
  { name: 'SQLite', open: (dataDir) => openSqliteStore({ dataDir }) },
];

const payload: CardsReply = {
  kind: 'cards',
  command: 'brief',
  query: 'x',
  title: 'T',
  items: [],
  offset: 0,
  total: 0,
};
const sub = (over: Partial<NewSubscription>): NewSubscription => ({
  platform: 'telegram',
  chatId: '-1001',
  topic: 'mexico',
  topicLabel: 'Mexico',
  cadence: { kind: 'daily', time: '08:00' },
  timezone: 'UTC',
  whenEmpty: 'skip',
  createdBy: '42',
  createdAt: 0,
  ...over,
});

for (const { name, open } of STORES) {
  describe(`${name} store: monitoring`, () => {
    let dir: string;
    let store: Store;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'briefings-monitoring-'));
      store = open(dir);
    });
    afterEach(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const plan = async (subscriptionId: number, key: string, at: number) => {
      const d = await store.planDelivery({
        key,
        subscriptionId,
        kind: 'alert',
        articleIds: [key],
        payload,
        at,
        subscription: {},
      });
      if (!d) throw new Error('not planned');
      return d;
    };

    it('pings while open and rejects once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });

    it('counts due and overdue work per platform: pending deliveries and unplanned digest slots', async () => {
      const now = 1_000_000;
      const tg = await store.addSubscription(sub({ nextRunAt: now - 120_000 })); // digest due 2 min ago
      await store.addSubscription(sub({ chatId: '-1002', nextRunAt: now + 1 })); // not yet due
      const paused = await store.addSubscription(sub({ chatId: '-1003', nextRunAt: now - 5 }));
      await store.pauseSubscription(paused.id, 'kicked', now);
      const dc = await store.addSubscription(
        sub({ platform: 'discord', chatId: '9', cadence: { kind: 'alerts' }, nextRunAt: undefined }),
      );
      await plan(dc.id, 'a', now - 10_000); // due 10 s ago
      await plan(dc.id, 'b', now - 90_000); // due 90 s ago: overdue
      const later = await plan(dc.id, 'c', now - 1);
      await store.deferDelivery(later.id, now + 5_000, now); // paced: not due yet
      const sent = await plan(tg.id, 'd', now - 500_000);
      expect(await store.startAttempt(sent.id, now)).toBe(true);
      await store.finishAttempt(sent.id, { status: 'sent', messageId: '1', at: now }); // done: not due

      expect(await store.backlog(now, now - 60_000)).toEqual([
        { platform: 'discord', due: 2, overdue: 1 },
        { platform: 'telegram', due: 1, overdue: 1 },
      ]);
      expect(await store.backlog(now - 200_000, now - 260_000)).toEqual([]);
    });

    it('lets an observer count attempt outcomes by platform, interrupted sends and the lease', async () => {
      const heard: [Platform | 'unknown', DeliveryOutcome, number][] = [];
      const leases: [string, boolean][] = [];
      const observed = observeStore(store, {
        delivery: (p, o, n) => heard.push([p, o, n]),
        lease: (n, held) => leases.push([n, held]),
      });
      const tg = await observed.addSubscription(sub({ cadence: { kind: 'alerts' } }));
      const dc = await observed.addSubscription(
        sub({ platform: 'discord', chatId: '9', cadence: { kind: 'alerts' } }),
      );
      const [a, b, c] = [await plan(tg.id, 'a', 1), await plan(dc.id, 'b', 1), await plan(tg.id, 'c', 1)];
      // Platforms come from rows the store handed out (ready) or, failing that, a lookup.
      expect((await observed.readyDeliveries(10, 10, ['discord'])).map((d) => d.id)).toEqual([b?.id]);
      for (const d of [a, b, c]) await observed.startAttempt(d.id, 2);
      await observed.finishAttempt(b.id, { status: 'pending', nextAttemptAt: 3, error: 'busy', at: 2 });
      await observed.finishAttempt(a.id, { status: 'sent', messageId: '5', at: 2 });
      await observed.finishAttempt(c.id, { status: 'unknown', error: 'timeout', at: 2 });
      await observed.startAttempt(b.id, 4);
      await observed.finishAttempt(b.id, { status: 'failed', error: 'gone', at: 4 });
      const d = await plan(tg.id, 'd', 5);
      await observed.startAttempt(d.id, 5);
      expect(await observed.recoverInterrupted('telegram', false, 6)).toEqual({ requeued: 0, unknown: 1 });
      expect(heard).toEqual([
        ['discord', 'retry', 1],
        ['telegram', 'sent', 1],
        ['telegram', 'uncertain', 1],
        ['discord', 'failed', 1],
        ['telegram', 'uncertain', 1],
      ]);

      expect(await observed.acquireLease('scheduler', 'me', 0, 1000)).toBe(true);
      expect(await observed.acquireLease('scheduler', 'other', 10, 1000)).toBe(false);
      await observed.releaseLease('scheduler', 'me');
      expect(leases).toEqual([
        ['scheduler', true],
        ['scheduler', false],
        ['scheduler', false],
      ]);
      // Everything else passes straight through.
      expect((await observed.getDelivery(a.id))?.status).toBe('sent');
    });
  });
}
