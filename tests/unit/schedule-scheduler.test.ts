import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { telegram } from '../../adapters/telegram/platform.ts';
import type { CardsReply, Reply } from '../../src/reply.ts';
import { nextSlot } from '../../src/schedule/cadence.ts';
import { type ManualClock, manualClock } from '../../src/schedule/clock.ts';
import { createConsolePublisher } from '../../src/schedule/console-publisher.ts';
import { type FixedSource, fixedDigestSource } from '../../src/schedule/fixed-source.ts';
import { createPacer } from '../../src/schedule/pace.ts';
import { PublishError, type Publisher, type PublishOptions } from '../../src/schedule/publisher.ts';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../../src/schedule/scheduler.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { NewSubscription, Store } from '../../src/store/types.ts';
import type { Article, ChatTarget, Topic } from '../../src/types.ts';

const TOPICS: Topic[] = [
  { id: 'mexico', name: 'Mexico', kind: 'country', aliases: ['méxico'] },
  { id: 'honduras', name: 'Honduras', kind: 'country', aliases: [] },
];

function article(id: string, publishedAt: string, topics = ['mexico']): Article {
  return {
    id,
    title: `Article ${id}`,
    titleSource: 'seen',
    summary: `Summary of ${id}.`,
    body: `Body of ${id}.`,
    passages: [],
    url: `https://example.org/${id}`,
    urlKind: 'article',
    publishedAt,
    datePrecision: 'day',
    dateSource: 'seen',
    language: 'en',
    topics,
    source: 'Example',
    file: `${id}.md`,
  };
}

interface Posted {
  target: ChatTarget;
  reply: Reply;
  options: PublishOptions;
  messageId: string;
}

/**
 * A platform double: records every message that reached the "chat". Idempotent mode dedupes on the
 * nonce like Discord's enforce_nonce. Scripted steps make the next sends fail, or post and then hang
 * (a crash between "sent" and "recorded").
 */
function fakePlatform(idempotent: boolean) {
  const posted: Posted[] = [];
  const script: (PublishError | 'post-then-hang' | 'hang')[] = [];
  let ids = 0;
  const publisher: Publisher = {
    idempotent,
    async publish(target, reply, options) {
      const step = script.shift();
      if (step instanceof PublishError) throw step;
      if (step === 'hang') return new Promise(() => undefined);
      const earlier = idempotent ? posted.find((p) => p.options.nonce === options.nonce) : undefined;
      const messageId = earlier?.messageId ?? `m${++ids}`;
      if (!earlier) posted.push({ target, reply, options, messageId });
      if (step === 'post-then-hang') return new Promise(() => undefined);
      return { messageId };
    },
  };
  return { publisher, posted, script };
}

const cardsOf = (p: Posted | undefined): CardsReply => {
  if (p?.reply.kind !== 'cards') throw new Error(`expected a cards post, got ${JSON.stringify(p)}`);
  return p.reply;
};
const itemIds = (p: Posted | undefined) => cardsOf(p).items.map((c) => c.id);

const T0 = '2026-11-20T06:00:00Z'; // 07:00 in Madrid

describe('scheduler', () => {
  let dir: string;
  let store: Store;
  let clock: ManualClock;
  let source: FixedSource;
  const schedulers: Scheduler[] = [];

  const newScheduler = (options: Partial<SchedulerOptions> = {}) => {
    const s = createScheduler({
      store,
      source: () => source,
      clock,
      backoffBaseMs: 30_000,
      maxAttempts: 3,
      holder: `instance-${schedulers.length}`,
      ...options,
    });
    schedulers.push(s);
    return s;
  };

  const subscribe = async (over: Partial<NewSubscription> = {}) => {
    const base: NewSubscription = {
      platform: 'discord',
      chatId: '100',
      topic: 'mexico',
      topicLabel: 'Mexico',
      cadence: { kind: 'daily', time: '08:00' },
      timezone: 'Europe/Madrid',
      whenEmpty: 'skip',
      createdBy: 'u1',
      createdAt: clock.now(),
      ...over,
    };
    return store.addSubscription({ ...base, nextRunAt: nextSlot(base.cadence, base.timezone, clock.now()) });
  };

  /** New articles arrive a second later (as a content reload would announce them). */
  const addArticles = async (scheduler: Scheduler, ...more: Article[]) => {
    clock.advance(1000);
    source.setArticles([...source.articleIds().map((id) => current.get(id) as Article), ...more]);
    for (const a of more) current.set(a.id, a);
    return scheduler.contentChanged();
  };
  const current = new Map<string, Article>();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-scheduler-'));
    store = openSqliteStore({ dataDir: dir });
    clock = manualClock(T0);
    const seed = [
      article('old1', '2023-09-01'),
      article('old2', '2022-01-01'),
      article('hn1', '2021-01-01', ['honduras']),
    ];
    current.clear();
    for (const a of seed) current.set(a.id, a);
    source = fixedDigestSource(seed, TOPICS);
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts a digest of only the new items at 08:00 local, and nothing when nothing is new', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce(); // notes the catalogue as it was before the subscription
    clock.advance(1000);
    const sub = await subscribe();
    clock.advance(60_000);
    await addArticles(scheduler, article('new1', '2026-11-19'), article('hn2', '2026-11-19', ['honduras']));
    expect(posted).toHaveLength(0);

    clock.set('2026-11-20T07:00:00Z'); // 08:00 CET
    expect(await scheduler.runOnce()).toMatchObject({ planned: 1, sent: 1 });
    const reply = cardsOf(posted[0]);
    expect(reply.title).toBe('Briefing: Mexico');
    expect(reply.items.map((c) => c.id)).toEqual(['new1']);
    expect(posted[0]?.target).toEqual({ platform: 'discord', chatId: '100', title: undefined });

    clock.set('2026-11-21T07:00:00Z');
    expect(await scheduler.runOnce()).toMatchObject({ planned: 0, sent: 0 });
    expect(posted).toHaveLength(1);
    expect(await store.getSubscription(sub.id)).toMatchObject({
      lastOutcome: 'nothing new',
      nextRunAt: new Date('2026-11-22T07:00:00Z').getTime(),
    });
  });

  it('posts now through the delivery log: new items once, a second press posts nothing new, the slot skips them', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    clock.advance(1000);
    const sub = await subscribe();
    clock.advance(60_000);
    await addArticles(scheduler, article('new1', '2026-11-19'), article('new2', '2026-11-18'));
    expect(await scheduler.postNow(sub.id)).toEqual({ status: 'planned', items: 2, fresh: true });
    await scheduler.runOnce();
    expect(posted.map(itemIds)).toEqual([['new1', 'new2']]);
    // Nothing new: the latest is posted once; a second press in the same minute is a duplicate.
    expect(await scheduler.postNow(sub.id)).toEqual({ status: 'planned', items: 4, fresh: false });
    expect(await scheduler.postNow(sub.id)).toEqual({ status: 'duplicate' });
    await scheduler.runOnce();
    expect(posted).toHaveLength(2);
    expect(cardsOf(posted[1]).title).toMatch(/^Latest on Mexico/);
    // The 08:00 digest has nothing new left: the items went out with "post now".
    clock.set('2026-11-20T07:00:00Z');
    expect(await scheduler.runOnce()).toMatchObject({ planned: 0 });
    expect(posted).toHaveLength(2);
    await store.pauseSubscription(sub.id, 'by hand', clock.now());
    expect(await scheduler.postNow(sub.id)).toEqual({ status: 'paused' });
    expect(await scheduler.postNow(9999)).toEqual({ status: 'missing' });
  });

  it('filters digests and alerts by the subscription shape, and pings its role on alerts only', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    clock.advance(1000);
    await subscribe({
      cadence: { kind: 'alerts' },
      topic: 'honduras,mexico',
      topics: ['honduras', 'mexico'],
      topicLabel: 'Mexico, Honduras',
      excludeWords: ['x2'],
      mentionRoleId: '5000000000',
    });
    clock.advance(60_000);
    await addArticles(
      scheduler,
      article('x1', '2026-11-19'),
      article('x2', '2026-11-19'),
      article('x3', '2026-11-18', ['honduras']),
    );
    expect(posted.map(itemIds)).toEqual([['x1', 'x3']]);
    expect(cardsOf(posted[0]).mention).toEqual({ roleId: '5000000000' });
  });

  it('posts the latest instead when asked to, without using up new items', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    await subscribe({ whenEmpty: 'latest' });
    clock.set('2026-11-20T07:00:00Z');
    await scheduler.runOnce();
    expect(itemIds(posted[0])).toEqual(['old1', 'old2']);
    expect(cardsOf(posted[0]).title).toMatch(/nothing new/);
  });

  it('posts a digest missed while down if back within the grace window, once', async () => {
    const scheduler = newScheduler({ graceMs: 6 * 3600_000 });
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    await subscribe();
    await addArticles(scheduler, article('new1', '2026-11-19'));
    clock.set('2026-11-20T11:00:00Z'); // down at 08:00 CET, back at 12:00 CET
    await scheduler.runOnce();
    await scheduler.runOnce();
    expect(posted).toHaveLength(1);
    expect(posted[0]?.options.deliveryKey).toMatch(/2026-11-20T07:00:00.000Z$/);
  });

  it('after a week away posts one digest, not seven, with everything new', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    await subscribe();
    await addArticles(scheduler, article('new1', '2026-11-19'), article('new2', '2026-11-21'));
    clock.set('2026-11-27T08:00:00Z'); // a week later, 09:00 CET
    await scheduler.runOnce();
    expect(posted).toHaveLength(1);
    expect(itemIds(posted[0])).toEqual(['new2', 'new1']);
  });

  it('beyond the grace window skips the slot and rolls the items into the next digest', async () => {
    const scheduler = newScheduler({ graceMs: 2 * 3600_000 });
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    const sub = await subscribe();
    await addArticles(scheduler, article('new1', '2026-11-19'));
    clock.set('2026-11-20T15:00:00Z');
    await scheduler.runOnce();
    expect(posted).toHaveLength(0);
    expect((await store.getSubscription(sub.id))?.lastOutcome).toMatch(/missed/);
    clock.set('2026-11-21T07:00:00Z');
    await scheduler.runOnce();
    expect(itemIds(posted[0])).toEqual(['new1']);
  });

  it('groups articles added at once into one alert, and alerts each article once', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(false);
    scheduler.setPublisher('telegram', publisher);
    await scheduler.runOnce();
    await subscribe({ platform: 'telegram', chatId: '-1001', cadence: { kind: 'alerts' } });
    await subscribe({
      platform: 'telegram',
      chatId: '-1002',
      topic: 'honduras',
      topicLabel: 'Honduras',
      cadence: { kind: 'alerts' },
    });
    await addArticles(
      scheduler,
      article('a1', '2026-11-19'),
      article('a2', '2026-11-18'),
      article('h1', '2026-11-18', ['honduras']),
    );
    expect(posted.map((p) => [p.target.chatId, itemIds(p)])).toEqual([
      ['-1001', ['a1', 'a2']],
      ['-1002', ['h1']],
    ]);
    await scheduler.contentChanged();
    clock.advance(3600_000);
    await scheduler.runOnce();
    expect(posted).toHaveLength(2);
    await addArticles(scheduler, article('a3', '2026-11-20'));
    expect(posted).toHaveLength(3);
    expect(itemIds(posted[2])).toEqual(['a3']);
  });

  it('hands the store only the articles it has not recorded yet, however large the archive', async () => {
    const scheduler = newScheduler();
    const record = vi.spyOn(store, 'recordArticles');
    await scheduler.runOnce();
    expect(record.mock.calls.map(([ids]) => [...ids].sort())).toEqual([['hn1', 'old1', 'old2']]);
    await addArticles(scheduler, article('a1', '2026-11-19'));
    expect(record.mock.calls.map(([ids]) => [...ids])).toEqual([expect.anything(), ['a1']]);
    // A new instance (a restart) knows nothing yet: the store keeps the first sighting.
    await newScheduler().runOnce();
    expect(record.mock.calls).toHaveLength(3);
    expect((await store.firstSeen(['a1'])).get('a1')).toBe(clock.now());
  });

  it('waits out a 429 retry_after before trying again', async () => {
    const scheduler = newScheduler();
    const { publisher, posted, script } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    await subscribe({ cadence: { kind: 'alerts' } });
    script.push(new PublishError('rate-limited', 'Too Many Requests', { retryAfterMs: 5000 }));
    await addArticles(scheduler, article('a1', '2026-11-19'));
    expect(posted).toHaveLength(0);
    clock.advance(4000);
    await scheduler.runOnce();
    expect(posted).toHaveLength(0);
    clock.advance(1000);
    await scheduler.runOnce();
    expect(posted).toHaveLength(1);
  });

  it('backs off exponentially on transient errors and gives up after the last attempt', async () => {
    const scheduler = newScheduler({ maxAttempts: 3 });
    const { publisher, posted, script } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    await subscribe({ cadence: { kind: 'alerts' } });
    for (let i = 0; i < 3; i++) script.push(new PublishError('transient', 'HTTP 502'));
    await addArticles(scheduler, article('a1', '2026-11-19'));
    const start = clock.now();
    const [row] = await store.listDeliveries();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: start + 30_000 });
    clock.advance(30_000);
    await scheduler.runOnce();
    expect((await store.getDelivery(row?.id ?? -1))?.nextAttemptAt).toBe(start + 30_000 + 60_000);
    clock.advance(60_000);
    await scheduler.runOnce();
    expect(await store.getDelivery(row?.id ?? -1)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(posted).toHaveLength(0);
  });

  it('pauses a subscription whose last three posts were all given up, with the last error', async () => {
    const scheduler = newScheduler({ maxAttempts: 1 });
    const { publisher, posted, script } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    const sub = await subscribe({ cadence: { kind: 'alerts' } });
    for (const [i, id] of ['a1', 'a2', 'a3'].entries()) {
      script.push(new PublishError('transient', `HTTP 50${i}`));
      await addArticles(scheduler, article(id, '2026-11-19'));
      expect((await store.getSubscription(sub.id))?.status).toBe(i < 2 ? 'active' : 'paused');
    }
    expect((await store.getSubscription(sub.id))?.pausedReason).toBe(
      'the last 3 posts kept failing (HTTP 502)',
    );
    await addArticles(scheduler, article('a4', '2026-11-19'));
    expect(posted).toHaveLength(0);
  });

  it('pauses a subscription on a permanent error without holding up the others', async () => {
    const scheduler = newScheduler();
    const { publisher, posted, script } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    const gone = await subscribe({ chatId: '100', cadence: { kind: 'alerts' } });
    await subscribe({ chatId: '200', cadence: { kind: 'alerts' } });
    script.push(new PublishError('permanent', 'Missing Access (50001)'));
    await addArticles(scheduler, article('a1', '2026-11-19'));
    expect(posted.map((p) => p.target.chatId)).toEqual(['200']);
    expect(await store.getSubscription(gone.id)).toMatchObject({
      status: 'paused',
      pausedReason: 'Missing Access (50001)',
    });
    await addArticles(scheduler, article('a2', '2026-11-19'));
    expect(posted.map((p) => p.target.chatId)).toEqual(['200', '200']);
  });

  it('gives up a message the platform refuses but keeps the subscription', async () => {
    const scheduler = newScheduler();
    const { publisher, posted, script } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    const sub = await subscribe({ cadence: { kind: 'alerts' } });
    script.push(new PublishError('rejected', 'Invalid Form Body'));
    await addArticles(scheduler, article('a1', '2026-11-19'));
    expect((await store.listDeliveries())[0]).toMatchObject({
      status: 'failed',
      error: 'refused: Invalid Form Body',
    });
    await addArticles(scheduler, article('a2', '2026-11-19'));
    expect(itemIds(posted[0])).toEqual(['a2']);
    expect((await store.getSubscription(sub.id))?.status).toBe('active');
  });

  it('never resends on a platform without idempotency when a send may have gone through', async () => {
    const scheduler = newScheduler();
    const { publisher, posted, script } = fakePlatform(false);
    scheduler.setPublisher('telegram', publisher);
    await scheduler.runOnce();
    await subscribe({ platform: 'telegram', chatId: '-1001', cadence: { kind: 'alerts' } });
    script.push(new PublishError('transient', 'socket hang up', { uncertain: true }));
    await addArticles(scheduler, article('a1', '2026-11-19'));
    clock.advance(3600_000);
    await scheduler.runOnce();
    expect(posted).toHaveLength(0);
    expect((await store.listDeliveries())[0]).toMatchObject({ status: 'unknown' });
  });

  it('follows a Telegram group that became a supergroup', async () => {
    const scheduler = newScheduler();
    const { publisher, posted, script } = fakePlatform(false);
    scheduler.setPublisher('telegram', publisher);
    await scheduler.runOnce();
    const sub = await subscribe({ platform: 'telegram', chatId: '-5', cadence: { kind: 'alerts' } });
    script.push(new PublishError('moved', 'group migrated', { movedTo: '-1009' }));
    await addArticles(scheduler, article('a1', '2026-11-19'));
    await scheduler.runOnce();
    expect(posted.map((p) => p.target.chatId)).toEqual(['-1009']);
    expect((await store.getSubscription(sub.id))?.chatId).toBe('-1009');
  });

  it("keeps Telegram's pace: 1 post a second per chat, 20 a minute per group", () => {
    const pacer = createPacer((target) => (target.platform === 'telegram' ? telegram.pace(target) : {}));
    const group: ChatTarget = { platform: 'telegram', chatId: '-1001' };
    let now = 0;
    const times: number[] = [];
    while (times.length < 25) {
      const wait = pacer.delay(group, now);
      now += wait;
      pacer.record(group, now);
      times.push(now);
    }
    expect(times.slice(0, 3)).toEqual([0, 1000, 2000]);
    expect(times[20]).toBe(60_000);
    for (let i = 20; i < times.length; i++)
      expect((times[i] as number) - (times[i - 20] as number)).toBeGreaterThanOrEqual(60_000);
    expect(pacer.delay({ platform: 'discord', chatId: '1' }, now)).toBe(0);
  });

  it('defers rather than sends posts that would break the pace', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(false);
    scheduler.setPublisher('telegram', publisher, telegram.pace);
    await scheduler.runOnce();
    await subscribe({ platform: 'telegram', chatId: '42', cadence: { kind: 'alerts' } });
    await subscribe({
      platform: 'telegram',
      chatId: '42',
      topic: 'honduras',
      topicLabel: 'Honduras',
      cadence: { kind: 'alerts' },
    });
    await addArticles(scheduler, article('a1', '2026-11-19'), article('h1', '2026-11-19', ['honduras']));
    expect(posted).toHaveLength(1);
    clock.advance(1000);
    await scheduler.runOnce();
    expect(posted).toHaveLength(2);
  });

  it('runs on its own timers: a started scheduler posts at the slot', async () => {
    const scheduler = newScheduler({ tickMs: 30_000 });
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    await subscribe({ whenEmpty: 'latest' });
    await scheduler.start();
    clock.set('2026-11-20T06:59:30Z');
    // The next check and the renewal of this instance's work claims.
    await vi.waitFor(() => expect(clock.pending()).toBe(2));
    expect(posted).toHaveLength(0);
    clock.set('2026-11-20T07:00:30Z');
    await vi.waitFor(() => expect(posted).toHaveLength(1));
  });

  it('sends to connected platforms while another platform has a backlog and no publisher yet', async () => {
    const scheduler = newScheduler();
    const { publisher, posted } = fakePlatform(true);
    scheduler.setPublisher('discord', publisher);
    await scheduler.runOnce();
    for (let i = 0; i < 250; i++) {
      await subscribe({ platform: 'telegram', chatId: String(-1000 - i), cadence: { kind: 'alerts' } });
    }
    await subscribe({ cadence: { kind: 'alerts' } });
    expect(await addArticles(scheduler, article('a1', '2026-11-19'))).toMatchObject({
      planned: 251,
      sent: 1,
    });
    expect(posted.map((p) => p.target.platform)).toEqual(['discord']);
    expect(await store.listDeliveries({ status: 'pending', limit: 1000 })).toHaveLength(250);
  });

  it('prints console subscriptions with the text renderer', async () => {
    const scheduler = newScheduler();
    let printed = '';
    scheduler.setPublisher(
      'console',
      createConsolePublisher((text) => {
        printed += text;
      }),
    );
    await scheduler.runOnce();
    await subscribe({ platform: 'console', chatId: 'console', cadence: { kind: 'alerts' } });
    await addArticles(scheduler, article('a1', '2026-11-19'));
    expect(printed).toContain('New on Mexico');
    expect(printed).toContain('Article a1');
    expect((await store.listDeliveries())[0]?.messageId).toMatch(/^console:alert:/);
  });

  it('shares due work between instances: every digest planned and sent once', async () => {
    const platform = fakePlatform(true);
    const a = newScheduler({ holder: 'a' });
    const b = newScheduler({ holder: 'b' });
    a.setPublisher('discord', platform.publisher);
    b.setPublisher('discord', platform.publisher);
    for (let i = 0; i < 12; i++) await subscribe({ chatId: String(200 + i), whenEmpty: 'latest' });
    clock.set('2026-11-20T07:00:00Z'); // 08:00 in Madrid: all twelve are due
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.planned + rb.planned).toBe(12);
    expect(ra.sent + rb.sent).toBe(12);
    expect(platform.posted).toHaveLength(12);
    expect(new Set(platform.posted.map((p) => p.target.chatId)).size).toBe(12);
    expect(await store.listDeliveries({ status: 'sent' })).toHaveLength(12);
  });

  it('lets every send of a batch finish before the batch fails on a store error', async () => {
    // A send still running after its batch failed would run beside the next batch: more posts in
    // flight than `concurrency`, each uncertain if the instance then dies.
    let inFlight = 0;
    const publisher: Publisher = {
      idempotent: false,
      async publish() {
        inFlight++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return { messageId: `m${inFlight}-${Math.random()}` };
      },
    };
    let starts = 0;
    const faulty: Store = {
      ...store,
      async startAttempt(...args) {
        if (++starts === 3) throw new Error('connection terminated unexpectedly');
        return store.startAttempt(...args);
      },
    };
    const scheduler = newScheduler({ store: faulty, concurrency: 4 });
    scheduler.setPublisher('discord', publisher);
    for (let i = 0; i < 8; i++) await subscribe({ chatId: String(200 + i), whenEmpty: 'latest' });
    clock.set('2026-11-20T07:00:00Z');
    await expect(scheduler.runOnce()).rejects.toThrow('connection terminated');
    expect(inFlight).toBe(0);
  });

  it("takes over a dead instance's send once its claim expires, never before", async () => {
    const platform = fakePlatform(true);
    // Not in `schedulers`: its hung send would keep stop() waiting.
    const a = createScheduler({ store, source: () => source, clock, holder: 'a', claimTtlMs: 10_000 });
    const b = newScheduler({ holder: 'b', claimTtlMs: 10_000 });
    a.setPublisher('discord', platform.publisher);
    b.setPublisher('discord', platform.publisher);
    await subscribe({ whenEmpty: 'latest' });
    clock.set('2026-11-20T07:00:00Z');
    platform.script.push('hang'); // instance a "dies" with its send in flight
    void a.runOnce();
    await vi.waitFor(async () => expect((await store.listDeliveries())[0]?.status).toBe('sending'));
    expect(await b.runOnce()).toMatchObject({ planned: 0, sent: 0 });
    clock.advance(9_000);
    expect(await b.runOnce()).toMatchObject({ sent: 0 });
    clock.advance(2_000);
    expect(await b.runOnce()).toMatchObject({ sent: 1 });
    expect(platform.posted).toHaveLength(1);
    expect((await store.listDeliveries())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('restarts', () => {
  let dir: string;
  let clock: ManualClock;
  const stores: Store[] = [];
  const open = () => {
    const s = openSqliteStore({ dataDir: dir });
    stores.push(s);
    return s;
  };
  const source = fixedDigestSource([article('old1', '2023-01-01')], TOPICS);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-restart-'));
    clock = manualClock(T0);
    source.setArticles([article('old1', '2023-01-01')]);
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** First life: subscribes a chat to alerts, then an article arrives and a delivery row is planned. */
  async function firstLife(platform: 'telegram' | 'discord', step: 'no-publisher' | 'post-then-hang') {
    const store = open();
    const scheduler = createScheduler({
      store,
      source: () => source,
      clock,
      holder: 'first',
      claimTtlMs: 60_000,
    });
    const platformDouble = fakePlatform(platform === 'discord');
    await scheduler.runOnce();
    await store.addSubscription({
      platform,
      chatId: '-1001',
      topic: 'mexico',
      topicLabel: 'Mexico',
      cadence: { kind: 'alerts' },
      timezone: 'UTC',
      whenEmpty: 'skip',
      createdBy: 'u',
      createdAt: clock.now(),
    });
    clock.advance(1000);
    source.setArticles([article('old1', '2023-01-01'), article('fresh', '2026-11-20')]);
    if (step === 'post-then-hang') {
      scheduler.setPublisher(platform, platformDouble.publisher);
      platformDouble.script.push('post-then-hang');
    }
    // Not awaited when it hangs: the process "dies" with the send in flight.
    void scheduler.contentChanged();
    await vi.waitFor(async () => expect(await store.listDeliveries()).toHaveLength(1));
    if (step === 'post-then-hang') await vi.waitFor(() => expect(platformDouble.posted).toHaveLength(1));
    return platformDouble;
  }

  async function secondLife(
    platformDouble: ReturnType<typeof fakePlatform>,
    platform: 'telegram' | 'discord',
  ) {
    clock.advance(61_000); // the dead instance's lease runs out
    const store = open();
    const scheduler = createScheduler({ store, source: () => source, clock, holder: 'second' });
    scheduler.setPublisher(platform, platformDouble.publisher);
    await scheduler.runOnce();
    clock.advance(3600_000);
    await scheduler.runOnce();
    await scheduler.stop();
    return (await store.listDeliveries())[0];
  }

  it.each(['telegram', 'discord'] as const)(
    '%s: stopped between "row written" and "sent": sent once after restart',
    async (platform) => {
      const double = await firstLife(platform, 'no-publisher');
      expect(double.posted).toHaveLength(0);
      const row = await secondLife(double, platform);
      expect(double.posted).toHaveLength(1);
      expect(row).toMatchObject({ status: 'sent', messageId: 'm1', attempts: 1 });
    },
  );

  it('discord: stopped between "sent" and "recorded": resent with the same nonce, one message', async () => {
    const double = await firstLife('discord', 'post-then-hang');
    const row = await secondLife(double, 'discord');
    expect(double.posted).toHaveLength(1);
    expect(row).toMatchObject({ status: 'sent', messageId: 'm1', attempts: 2 });
  });

  it('telegram: stopped between "sent" and "recorded": marked unknown, never posted twice', async () => {
    const double = await firstLife('telegram', 'post-then-hang');
    const row = await secondLife(double, 'telegram');
    expect(double.posted).toHaveLength(1);
    expect(row).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(row?.error).toMatch(/not resent/);
  });
});

describe('scheduler with a failing database', () => {
  it('logs a failed wake-up and tries again at the next tick instead of crashing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'briefings-sched-fault-'));
    const store = openSqliteStore({ dataDir: dir });
    const clock = manualClock('2026-01-05T07:00:00Z');
    let failing = true;
    const failures = { count: 0 };
    // Page damage surfaces as SQLITE_CORRUPT from whatever statement reads the damaged page.
    const damaged: Store = {
      ...store,
      async nextDeliveryAt(platforms) {
        if (failing) {
          failures.count++;
          throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
        }
        return store.nextDeliveryAt(platforms);
      },
    };
    const errors: unknown[] = [];
    const logger = {
      child: () => logger,
      error: (obj: unknown) => errors.push(obj),
      warn: (obj: unknown) => errors.push(obj),
      info: () => {},
      debug: () => {},
    } as unknown as SchedulerOptions['logger'];
    const scheduler = createScheduler({
      store: damaged,
      source: () => fixedDigestSource([], TOPICS),
      clock,
      logger,
      tickMs: 1000,
    });
    scheduler.setPublisher('telegram', fakePlatform(false).publisher);
    try {
      await scheduler.start(); // must not reject
      expect(failures.count).toBeGreaterThan(0);
      expect(errors).toHaveLength(failures.count); // each failure logged
      expect(clock.pending()).toBeGreaterThan(0); // the next check is booked
      const logged = errors.length;
      failing = false;
      clock.advance(1000);
      await vi.waitFor(() => expect(clock.pending()).toBeGreaterThan(0));
      expect(errors).toHaveLength(logged);
      await expect(scheduler.runOnce()).resolves.toMatchObject({ failed: 0 });
    } finally {
      await scheduler.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
