/**
 * Shaping and managing subscriptions: the grammar (several topics, +word / -word, lang:xx, a
 * schedule given on its own), which articles a shaped subscription posts, the store migration
 * that keeps them, the manage actions and their permissions, and the button encodings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeButton, encodeButton } from '../../adapters/discord/custom-ids.ts';
import { renderReply } from '../../adapters/discord/render.ts';
import { PLATFORMS } from '../../adapters/platforms.ts';
import { decodeAction, encodeAction } from '../../adapters/telegram/callback-data.ts';
import type { ChatContext, Command } from '../../src/commands/command.ts';
import { placeModels } from '../../src/platform.ts';
import type { Reply } from '../../src/reply.ts';
import { manualClock } from '../../src/schedule/clock.ts';
import { buildScheduledPost } from '../../src/schedule/digest.ts';
import { fixedDigestSource } from '../../src/schedule/fixed-source.ts';
import { createSubscriptionHandler, type SubscriptionHandler } from '../../src/schedule/handler.ts';
import { parseScheduleOption, parseSubscribeArgs, SubscribeSyntaxError } from '../../src/schedule/parse.ts';
import { shapedArticles } from '../../src/schedule/shape.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { databasePath, openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import type { Article, Topic } from '../../src/types.ts';
import { checkMessage } from '../fakes/discord/limits.ts';

function art(id: string, title: string, topics: string[], extra: Partial<Article> = {}): Article {
  return {
    id,
    title,
    titleSource: 'seen',
    summary: title,
    body: title,
    passages: [],
    url: `https://example.org/${id}`,
    urlKind: 'article',
    publishedAt: '2026-11-01',
    datePrecision: 'day',
    dateSource: 'seen',
    language: 'en',
    topics,
    source: 'Example',
    file: `${id}.md`,
    ...extra,
  };
}

const TOPICS: Topic[] = [
  { id: 'mexico', name: 'Mexico', kind: 'country', aliases: ['méxico'] },
  { id: 'peru', name: 'Peru', kind: 'country', aliases: ['perú'] },
];
const ARTICLES = [
  art('a', 'Puebla nurses strike', ['mexico'], { twinOf: 'c', publishedAt: '2026-11-05' }),
  art('c', 'Enfermeras de Puebla en huelga', ['mexico'], {
    twinOf: 'a',
    language: 'es',
    publishedAt: '2026-11-05',
  }),
  art('b', 'Lima football clubs strike', ['peru'], { publishedAt: '2026-11-04' }),
  art('d', 'Arequipa miners strike', ['peru'], { publishedAt: '2026-11-03' }),
  art('e', 'Monterrey metro opens', ['mexico'], { publishedAt: '2026-11-02' }),
  art('f', 'Huelga del fútbol en Lima', ['peru'], { language: 'es', publishedAt: '2026-11-04' }),
  art('g', 'Huelga minera en Arequipa', ['peru'], { language: 'es', publishedAt: '2026-11-03' }),
];
const source = fixedDigestSource(ARTICLES, TOPICS);
const ids = (list: Article[]) => list.map((a) => a.id);

describe('the /subscribe grammar for shaping', () => {
  it('reads several topics, include and exclude words, a language, then the schedule', () => {
    expect(
      parseSubscribeArgs('mexico, peru +Strike -FÚTBOL lang:es weekly monday 09:30 UTC always'),
    ).toMatchObject({
      topics: ['mexico', 'peru'],
      include: ['strike'],
      exclude: ['futbol'],
      language: 'es',
      cadence: { kind: 'weekly', day: 'monday', time: '09:30' },
      timezone: 'UTC',
      whenEmpty: 'latest',
    });
    expect(parseSubscribeArgs('united states, mexico alerts')).toMatchObject({
      topics: ['united states', 'mexico'],
      include: [],
      exclude: [],
      cadence: { kind: 'alerts' },
    });
    // A cron range and a Telegram channel id are not filter words.
    expect(parseSubscribeArgs('-1001234567 mexico cron 0 8 * * 1-5')).toMatchObject({
      channelRef: '-1001234567',
      topics: ['mexico'],
      exclude: [],
      cadence: { kind: 'cron', expression: '0 8 * * 1-5' },
    });
  });

  it.each([
    ['mexico lang:fr', /"fr" is not a language I have/],
    ['mexico + strike', /without a space/],
    ['a, b, c, d, e, f', /At most 5 topics/],
    [`mexico ${Array.from({ length: 11 }, (_, i) => `+w${i}`).join(' ')}`, /At most 10 words to include/],
  ])('refuses %s clearly', (args, message) => {
    expect(() => parseSubscribeArgs(args)).toThrow(message);
  });

  it('reads a schedule given on its own, strictly', () => {
    expect(parseScheduleOption('')).toEqual({ cadence: { kind: 'daily', time: '08:00' }, whenEmpty: 'skip' });
    expect(parseScheduleOption('weekly monday 09:30')).toEqual({
      cadence: { kind: 'weekly', day: 'monday', time: '09:30' },
      whenEmpty: 'skip',
    });
    expect(parseScheduleOption('30 8 * * 1-5 always')).toEqual({
      cadence: { kind: 'cron', expression: '30 8 * * 1-5' },
      whenEmpty: 'latest',
    });
    expect(parseScheduleOption('alerts').cadence).toEqual({ kind: 'alerts' });
    expect(() => parseScheduleOption('every morning')).toThrow(SubscribeSyntaxError);
    expect(() => parseScheduleOption('every morning')).toThrow(
      /I don't understand the schedule "every morning"/,
    );
    expect(() => parseScheduleOption('weekly funday 09:30')).toThrow(/"funday" is not a day/);
  });
});

describe('what a shaped subscription posts', () => {
  it('unites several topics, newest first, each article once', () => {
    expect(ids(shapedArticles(source, { topic: 'mexico,peru', topics: ['mexico', 'peru'] }))).toEqual([
      'a',
      'c',
      'b',
      'f',
      'd',
      'g',
      'e',
    ]);
  });

  it('keeps articles mentioning an include word, drops those mentioning an exclude word, accents ignored', () => {
    const sub = {
      topic: 'mexico,peru',
      topics: ['mexico', 'peru'],
      includeWords: ['strike', 'huelga'],
      excludeWords: ['futbol', 'football'],
    };
    expect(ids(shapedArticles(source, sub))).toEqual(['a', 'c', 'd', 'g']);
    // Whole words only: "strikes" is not "strike".
    expect(ids(shapedArticles(source, { topic: 'peru', includeWords: ['strikes'] }))).toEqual([]);
  });

  it('follows the language: a story told in both comes in that one, others only in theirs', () => {
    expect(ids(shapedArticles(source, { topic: 'mexico', language: 'es' }))).toEqual(['c']);
    expect(
      ids(shapedArticles(source, { topic: 'mexico,peru', topics: ['mexico', 'peru'], language: 'en' })),
    ).toEqual(['a', 'b', 'd', 'e']);
  });
});

describe('role mentions', () => {
  const post = (kind: 'alert' | 'digest') =>
    buildScheduledPost(source, {
      kind,
      topic: 'mexico',
      topicLabel: 'Mexico',
      articles: [ARTICLES[0] as Article],
      mentionRoleId: '500000000000000002',
    });

  it('pings the role on alerts only, and nothing else', () => {
    const alert = renderReply(post('alert'));
    expect(alert.content?.startsWith('<@&500000000000000002> ')).toBe(true);
    expect(alert.allowed_mentions).toEqual({ roles: ['500000000000000002'] });
    expect(checkMessage(alert)).toEqual([]);
    const digest = renderReply(post('digest'));
    expect(digest.content).not.toContain('<@&');
    expect(digest.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('manage buttons', () => {
  it('round-trip through Discord custom ids and Telegram callback data, refusing forgeries', () => {
    for (const action of ['pause', 'resume', 'post', 'remove'] as const) {
      const id = encodeButton({ kind: 'manage', action, id: 42 });
      expect(id && decodeButton(id)).toEqual({ kind: 'manage', action, id: 42 });
      const data = encodeAction({ kind: 'manage', action, id: 42 });
      expect(data && decodeAction(data)).toEqual({ kind: 'manage', action, id: 42 });
    }
    expect(decodeButton('sub:x:1')).toBeUndefined();
    expect(decodeButton('sub:p:0')).toBeUndefined();
    expect(decodeButton('sub:p:1; drop')).toBeUndefined();
    expect(decodeAction('s:p:-1')).toBeUndefined();
  });

  it('render one row per subscription on Discord, within limits', () => {
    const manage = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, label: `Topic ${i}`, paused: i === 1 }));
    const rendered = renderReply(
      { kind: 'notice', tone: 'info', message: 'Subscriptions', manage },
      { locale: 'es-ES' },
    );
    expect(rendered.components).toHaveLength(5);
    expect(rendered.content).toMatch(
      /\*Botones para las 5 primeras; \/unsubscribe <id> detiene cualquiera\.\*$/,
    );
    expect(rendered.components[1]?.components.map((b) => ('label' in b ? b.label : ''))).toEqual([
      '▶ Reanudar #2',
      '✖ Cancelar #2',
    ]);
    expect(checkMessage(rendered)).toEqual([]);
  });
});

describe('shaped subscriptions in the store and the handler', () => {
  let dir: string;
  let store: Store;
  let handler: SubscriptionHandler;
  const chat = (over: Partial<ChatContext> = {}): ChatContext => ({
    platform: 'discord',
    chatId: '100',
    title: '#news',
    userId: 'u1',
    userCanManage: true,
    botCanPost: true,
    isPrivate: false,
    ...over,
  });
  const text = (r: Reply) => (r.kind === 'notice' ? `${r.tone}: ${r.message}` : r.kind);
  const run = (command: Command, c = chat()) => handler.handle(command, { chat: c });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-shaping-'));
    store = openSqliteStore({ dataDir: dir });
    handler = createSubscriptionHandler({
      places: placeModels(PLATFORMS),
      store,
      source: () => source,
      defaultTimezone: 'UTC',
      clock: manualClock('2026-11-26T12:00:00Z'),
      postNow: async () => ({ status: 'planned', items: 2, fresh: true }),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores topics, words, language and role, and says what will be posted', async () => {
    const reply = await run({
      kind: 'subscribe',
      args: '',
      options: {
        topic: 'peru, méxico',
        schedule: 'alerts',
        include: 'strike, huelga',
        exclude: '-football',
        language: 'en',
        mentionRoleId: '5000000000',
      },
    });
    expect(text(reply)).toBe(
      'info: Subscribed (#1): This channel will get new articles on Peru, Mexico (only articles mentioning strike or huelga, none mentioning football, in English only) as soon as they arrive, pinging <@&5000000000>. Stop with /unsubscribe 1; /subscriptions to pause or post now.',
    );
    expect(await store.getSubscription(1)).toMatchObject({
      topic: 'mexico,peru',
      topics: ['mexico', 'peru'],
      topicLabel: 'Peru, Mexico',
      includeWords: ['strike', 'huelga'],
      excludeWords: ['football'],
      language: 'en',
      mentionRoleId: '5000000000',
    });
    // The same topics in another order are the same subscription; /unsubscribe finds it by them.
    expect(text(await run({ kind: 'subscribe', args: 'mexico, peru alerts' }))).toMatch(
      /^info: Updated \(#1\)/,
    );
    expect((await store.getSubscription(1))?.includeWords).toBeUndefined();
    expect(text(await run({ kind: 'unsubscribe', args: 'Peru, Mexico' }))).toMatch(
      /^info: Unsubscribed \(#1\)/,
    );
  });

  it('refuses bad options clearly and stores nothing', async () => {
    const bad = async (options: Record<string, string>, message: RegExp) => {
      expect(
        text(await run({ kind: 'subscribe', args: '', options: { topic: 'mexico', ...options } })),
      ).toMatch(message);
    };
    await bad({ schedule: 'sometimes' }, /I don't understand the schedule "sometimes"/);
    await bad({ timezone: 'Mars/Olympus' }, /"Mars\/Olympus" is not a time zone I know/);
    await bad(
      { mentionRoleId: '5000000000', schedule: 'daily 08:00' },
      /A role can only be pinged on alerts/,
    );
    await bad({ mentionRoleId: 'everyone', schedule: 'alerts' }, /Alerts cannot ping @everyone/);
    await bad({ topic: 'mexico, atlantis' }, /I know no topic or articles for "atlantis"/);
    await bad({ include: 'a b!' }, /"b!" is not a word I can include/);
    expect(await store.listSubscriptions()).toHaveLength(0);
  });

  it('lists with manage entries; only managers act; pause, resume, post now and remove', async () => {
    await run({ kind: 'subscribe', args: 'mexico alerts' });
    const list = await run({ kind: 'subscriptions' }, chat({ userCanManage: false }));
    expect(list).toMatchObject({ kind: 'notice', manage: [{ id: 1, label: 'Mexico', paused: false }] });
    expect(
      text(await run({ kind: 'manage', action: 'pause', id: 1 }, chat({ userCanManage: false }))),
    ).toMatch(/^error: Only members with the Manage Channels permission/);
    expect(text(await run({ kind: 'manage', action: 'pause', id: 1 }, chat({ chatId: '999' })))).toMatch(
      /Subscription #1 is gone/,
    );
    expect(text(await run({ kind: 'manage', action: 'pause', id: 1 }))).toMatch(/^info: Paused #1 Mexico/);
    expect(await store.getSubscription(1)).toMatchObject({
      status: 'paused',
      pausedReason: 'paused by an administrator',
    });
    expect(text(await run({ kind: 'subscriptions' }))).toMatch(
      /#1 Mexico: .* — paused: paused by an administrator/,
    );
    expect(
      text(
        await run(
          { kind: 'manage', action: 'resume', id: 1 },
          chat({ botCanPost: false, missingPermissions: ['Embed Links'] }),
        ),
      ),
    ).toMatch(
      /^error: Still not fixed: I can't post in this channel: give me the Embed Links permission there first/,
    );
    expect(text(await run({ kind: 'manage', action: 'resume', id: 1 }))).toMatch(
      /^info: Resumed #1 Mexico\./,
    );
    expect(text(await run({ kind: 'manage', action: 'post', id: 1 }))).toMatch(
      /Posting #1 Mexico now: 2 articles new since the last post/,
    );
    expect(text(await run({ kind: 'manage', action: 'remove', id: 1 }))).toMatch(
      /^info: Unsubscribed #1 Mexico\.\n\nThis channel has no subscriptions/,
    );
  });
});

describe('store migration 2', () => {
  it('adds the shaping columns to a database made by the first schema, keeping its rows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'briefings-migrate-'));
    try {
      const db = new Database(databasePath(dir));
      db.exec(MIGRATIONS[0] as string);
      db.pragma('user_version = 1');
      db.prepare(
        `INSERT INTO subscriptions (platform, chat_id, topic, topic_label, cadence, timezone, created_by, created_at, updated_at, baseline_at)
         VALUES ('discord', '1', 'mexico', 'Mexico', '{"kind":"alerts"}', 'UTC', 'u', 1, 1, 1)`,
      ).run();
      db.close();
      const store = openSqliteStore({ dataDir: dir });
      const old = await store.getSubscription(1);
      expect(old).toMatchObject({ topic: 'mexico', status: 'active' });
      expect(old?.topics).toBeUndefined();
      expect(old?.language).toBeUndefined();
      const updated = await store.updateSubscription(
        1,
        { topics: ['mexico', 'peru'], excludeWords: ['x'], language: 'es' },
        2,
      );
      expect(updated).toMatchObject({ topics: ['mexico', 'peru'], excludeWords: ['x'], language: 'es' });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
