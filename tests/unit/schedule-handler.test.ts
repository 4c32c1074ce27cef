import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/platforms.ts';
import type { ChatContext, Command } from '../../src/commands/command.ts';
import { placeModels } from '../../src/platform.ts';
import type { Reply } from '../../src/reply.ts';
import { manualClock } from '../../src/schedule/clock.ts';
import { fixedDigestSource } from '../../src/schedule/fixed-source.ts';
import { createSubscriptionHandler, type SubscriptionHandler } from '../../src/schedule/handler.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import type { Article, ChatTarget } from '../../src/types.ts';

const mexicoArticle: Article = {
  id: 'mx1',
  title: 'Oaxaca teachers strike',
  titleSource: 'seen',
  summary: 'Teachers strike.',
  body: 'Teachers strike.',
  passages: [],
  url: 'https://example.org/mx1',
  urlKind: 'article',
  publishedAt: '2023-09-01',
  datePrecision: 'day',
  dateSource: 'seen',
  language: 'en',
  topics: ['mexico'],
  source: 'Example',
  file: 'mx1.md',
};

type Resolved = ChatTarget & { userCanManage: boolean; botCanPost: boolean };

function chat(over: Partial<ChatContext> = {}): ChatContext {
  return {
    platform: 'discord',
    chatId: '100',
    title: '#news',
    userId: 'u1',
    userCanManage: true,
    botCanPost: true,
    isPrivate: false,
    ...over,
  };
}

const message = (reply: Reply) => (reply.kind === 'notice' ? `${reply.tone}: ${reply.message}` : reply.kind);

describe('subscription commands', () => {
  let dir: string;
  let store: Store;
  let handler: SubscriptionHandler;
  const run = (command: Command, c?: ChatContext) => handler.handle(command, { chat: c }).then(message);
  const subscribe = (args: string, c: ChatContext) => run({ kind: 'subscribe', args }, c);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-handler-'));
    store = openSqliteStore({ dataDir: dir });
    handler = createSubscriptionHandler({
      places: placeModels(PLATFORMS),
      store,
      source: () =>
        fixedDigestSource(
          [mexicoArticle],
          [{ id: 'mexico', name: 'Mexico', kind: 'country', aliases: ['méxico'] }],
        ),
      defaultTimezone: 'Europe/Madrid',
      clock: manualClock('2026-11-22T10:00:00Z'),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('confirms in plain words with the next post in the subscriber zone', async () => {
    expect(await subscribe('mexico', chat())).toBe(
      'info: Subscribed (#1): This channel will get a briefing on Mexico every day at 08:00 (Europe/Madrid). ' +
        'Next post: Mon 23 Nov 2026, 08:00 CET. If nothing is new, no post. Stop with /unsubscribe 1; /subscriptions to pause or post now.',
    );
    expect(await subscribe('méxico weekly friday 18:30 America/Mexico_City always', chat())).toMatch(
      /^info: Updated \(#1\): .*every Friday at 18:30 \(America\/Mexico_City\)\. Next post: Fri 27 Nov 2026, 18:30 GMT-6\. If nothing is new, it shows the latest instead\./,
    );
    expect(await subscribe('mexico alerts', chat())).toMatch(
      /get new articles on Mexico as soon as they arrive/,
    );
    expect(await store.listSubscriptions()).toHaveLength(1);
  });

  it('needs a chat', async () => {
    expect(await run({ kind: 'subscribe', args: 'mexico' })).toMatch(
      /^error: Subscriptions belong to a chat/,
    );
  });

  it('refuses Discord members without Manage Channels, and channels the bot cannot post in', async () => {
    expect(await subscribe('mexico', chat({ userCanManage: false }))).toMatch(
      /^error: Only members with the Manage Channels/,
    );
    expect(await subscribe('mexico', chat({ botCanPost: false }))).toMatch(
      /^error: I can't post in this channel: give me the Send Messages/,
    );
    expect(await store.listSubscriptions()).toEqual([]);
  });

  it('subscribes a Discord channel the member names, by its own permissions', async () => {
    const other: Resolved = {
      platform: 'discord',
      chatId: '200',
      title: '#alerts',
      userCanManage: true,
      botCanPost: true,
    };
    const resolveChannel = async (ref: string) => (ref === '<#200000>' ? other : undefined);
    expect(
      await subscribe('<#200000> mexico alerts', chat({ userCanManage: false, resolveChannel })),
    ).toMatch(/^info: Subscribed \(#1\): #alerts will get new articles/);
    expect(await subscribe('<#300000> mexico', chat({ resolveChannel }))).toMatch(
      /^error: I can't find <#300000>/,
    );
    const denied = async () => ({ ...other, userCanManage: false });
    expect(await subscribe('<#200000> mexico', chat({ resolveChannel: denied }))).toMatch(
      /Manage Channels permission can change subscriptions of #alerts/,
    );
  });

  it('lets only administrators subscribe a Telegram group', async () => {
    const group = chat({ platform: 'telegram', chatId: '-1001', title: 'Readers', userCanManage: false });
    expect(await subscribe('mexico', group)).toBe(
      'error: Only administrators of this group can change its subscriptions.',
    );
    expect(await subscribe('mexico', { ...group, userCanManage: true })).toMatch(
      /^info: Subscribed \(#1\): This chat/,
    );
  });

  it('subscribes a Telegram channel from a private chat only for its admins, once the bot can post', async () => {
    const channel: Resolved = {
      platform: 'telegram',
      chatId: '-1009',
      title: '@newsroom',
      userCanManage: true,
      botCanPost: true,
    };
    const dm = (facts: Partial<Resolved>) =>
      chat({
        platform: 'telegram',
        chatId: '55',
        isPrivate: true,
        resolveChannel: async () => ({ ...channel, ...facts }),
      });
    expect(await subscribe('@newsroom mexico daily 08:00', dm({ userCanManage: false }))).toBe(
      'error: Only administrators of @newsroom can change its subscriptions.',
    );
    expect(await subscribe('@newsroom mexico daily 08:00', dm({ botCanPost: false }))).toBe(
      "error: I can't post in @newsroom: make me an administrator allowed to post messages there first.",
    );
    expect(await subscribe('@newsroom mexico daily 08:00', dm({}))).toMatch(
      /^info: Subscribed \(#1\): @newsroom will get/,
    );
    expect(await store.findSubscription('telegram', '-1009', 'mexico')).toMatchObject({ createdBy: 'u1' });
    expect(await run({ kind: 'subscriptions' }, dm({}))).toBe(
      'info: Subscriptions of this chat:\n#1 Mexico: every day at 08:00 (Europe/Madrid), next Mon 23 Nov 2026, 08:00 CET — in @newsroom',
    );
  });

  it('refuses topics it knows nothing about and bad schedules', async () => {
    expect(await subscribe('atlantis', chat())).toMatch(/^error: I know no topic or articles for "atlantis"/);
    expect(await subscribe('mexico */5 * * * *', chat())).toMatch(/at most every 15 minutes/);
    expect(await subscribe('oaxaca teachers', chat())).toMatch(
      /^info: Subscribed \(#1\).*on oaxaca teachers/,
    );
  });

  it('unsubscribes by id or topic, for managers only', async () => {
    await subscribe('mexico', chat());
    await subscribe('oaxaca teachers alerts', chat());
    expect(await run({ kind: 'unsubscribe', args: '1' }, chat({ userCanManage: false }))).toMatch(
      /^error: Only members/,
    );
    expect(await run({ kind: 'unsubscribe', args: '#1' }, chat())).toBe(
      'info: Unsubscribed (#1): no more posts on Mexico in this channel.',
    );
    expect(await run({ kind: 'unsubscribe', args: 'Oaxaca Teachers' }, chat())).toMatch(
      /^info: Unsubscribed \(#2\)/,
    );
    expect(await run({ kind: 'unsubscribe', args: 'mexico' }, chat())).toMatch(
      /^error: This channel has no subscription "mexico"/,
    );
    expect(await run({ kind: 'subscriptions' }, chat())).toMatch(/^info: This channel has no subscriptions/);
  });

  it('shows why a subscription is paused', async () => {
    await subscribe('mexico', chat());
    await store.pauseSubscription(1, 'Missing Access (50001)', 0);
    expect(await run({ kind: 'subscriptions' }, chat())).toBe(
      'info: Subscriptions of this channel:\n#1 Mexico: every day at 08:00 (Europe/Madrid) — paused: Missing Access (50001)',
    );
  });
});
