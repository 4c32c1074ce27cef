/**
 * Who may subscribe what on Telegram, end to end with grammY against the fake Bot API: a channel
 * is subscribed from a private chat by one of its administrators once the bot may post there; in
 * groups only administrators subscribe; everyone else gets a clear refusal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/platforms.ts';
import { startTelegram } from '../../adapters/telegram/index.ts';
import { createBriefings } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { loadEngine } from '../../src/content/load.ts';
import { silentLogger } from '../../src/logger.ts';
import { placeModels } from '../../src/platform.ts';
import { createSubscriptions, engineDigestSource, type Subscriptions } from '../../src/schedule/index.ts';
import { defaultUser, type FakeChat, type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

const CHANNEL: FakeChat = { id: -1001234567890, type: 'channel', title: 'Newsroom', username: 'newsroom' };
const GROUP: FakeChat = { id: -1009876543210, type: 'supergroup', title: 'Readers' };
const BOT_ID = 123456;

let fake: FakeTelegram;
let dir: string;
let subscriptions: Subscriptions;
let bot: { stop(): Promise<void> };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-tg-rights-'));
  fake = await startFakeTelegram();
  fake.state.addChat(CHANNEL);
  fake.state.addChat(GROUP);
  const config = loadConfig(
    {
      CONTENT_DIR: path.resolve('content'),
      DATA_DIR: dir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DEFAULT_TIMEZONE: 'Europe/Madrid',
    },
    { dotenv: false },
  );
  const { engine } = await loadEngine({ contentDir: config.CONTENT_DIR, logger: silentLogger });
  subscriptions = createSubscriptions({
    places: placeModels(PLATFORMS),
    dataDir: dir,
    defaultTimezone: config.DEFAULT_TIMEZONE,
    source: engineDigestSource(() => engine),
    logger: silentLogger,
  });
  const briefings = createBriefings(engine, { subscriptions: subscriptions.handler });
  bot = await startTelegram({ config, briefings, logger: silentLogger });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await subscriptions?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `text` and waits for the bot's next message in that chat. */
async function ask(text: string, chat?: FakeChat): Promise<string> {
  const chatId = chat?.id ?? defaultUser.id;
  const before = fake.botMessages(chatId).length;
  fake.sendText(text, chat ? { chat } : {});
  const reply = await fake.waitFor(() => fake.botMessages(chatId)[before], `an answer to ${text}`);
  return reply.text;
}

describe('Telegram subscription rights', () => {
  it('subscribes a channel from a private chat only for its admins, once the bot can post', async () => {
    fake.state.setMember(CHANNEL.id, BOT_ID, 'administrator');
    expect(await ask('/subscribe @newsroom mexico daily 08:00')).toBe(
      '⚠️ Only administrators of @newsroom can change its subscriptions.',
    );

    fake.state.setMember(CHANNEL.id, defaultUser.id, 'administrator');
    fake.state.setMember(CHANNEL.id, BOT_ID, 'member');
    expect(await ask('/subscribe @newsroom mexico daily 08:00')).toBe(
      "⚠️ I can't post in @newsroom: make me an administrator allowed to post messages there first.",
    );

    fake.state.setMember(CHANNEL.id, BOT_ID, 'administrator');
    expect(await ask('/subscribe @newsroom mexico daily 08:00')).toMatch(
      /^ℹ️ Subscribed \(#1\): @newsroom will get a briefing on Mexico every day at 08:00 \(Europe\/Madrid\)\. Next post: .* CET\./,
    );
    expect(
      await subscriptions.store.findSubscription('telegram', String(CHANNEL.id), 'mexico'),
    ).toMatchObject({
      createdBy: String(defaultUser.id),
    });
    expect(await ask('/subscribe @nosuchchannel mexico')).toBe(
      "⚠️ I can't find @nosuchchannel, or I am not a member there.",
    );
  });

  it('lets only group administrators subscribe a group', async () => {
    expect(await ask('/subscribe honduras weekly monday 09:00', GROUP)).toBe(
      '⚠️ Only administrators of this group can change its subscriptions.',
    );
    fake.state.setMember(GROUP.id, defaultUser.id, 'administrator');
    expect(await ask('/subscribe honduras weekly monday 09:00', GROUP)).toMatch(
      /^ℹ️ Subscribed \(#2\): This chat will get a briefing on Honduras every Monday at 09:00/,
    );
    expect(await ask('/subscriptions', GROUP)).toMatch(
      /^ℹ️ Subscriptions of this chat:\n#2 Honduras: every Monday at 09:00/,
    );
  });

  it('shows the list to everyone in a group but lets only administrators press its buttons', async () => {
    const reader = { ...defaultUser, id: 555001, first_name: 'Reader' };
    fake.state.setMember(GROUP.id, reader.id, 'member');
    const before = fake.botMessages(GROUP.id).length;
    fake.sendText('/subscriptions', { from: reader, chat: GROUP });
    const list = await fake.waitFor(() => fake.botMessages(GROUP.id)[before], 'the list');
    expect(list.text).toMatch(/^ℹ️ Subscriptions of this chat:\n#2 Honduras/);
    const data = list.replyMarkup?.inline_keyboard.flat().map((b) => b.callback_data);
    expect(data).toEqual(['s:p:2', 's:n:2', 's:u:2']);

    const refused = fake.pressButton(list, 's:p:2', { from: reader });
    const answer = await fake.waitFor(() => fake.state.callbackQueries.get(refused)?.answer, 'the refusal');
    expect(answer).toEqual({
      text: 'Only administrators of this group can change its subscriptions.',
      show_alert: true,
    });
    expect((await subscriptions.store.getSubscription(2))?.status).toBe('active');
    expect(list.edits).toBe(0);

    fake.pressButton(list, 's:p:2');
    await fake.waitFor(() => list.edits > 0, 'the list edited in place');
    expect(list.text).toMatch(/^ℹ️ Paused #2 Honduras: nothing is posted until you resume it\./);
    expect(list.replyMarkup?.inline_keyboard.flat().map((b) => b.callback_data)).toEqual(['s:r:2', 's:u:2']);
    expect((await subscriptions.store.getSubscription(2))?.status).toBe('paused');
  });

  it('manages a channel from the private chat while its subscriber still administers it', async () => {
    const before = fake.botMessages(defaultUser.id).length;
    fake.sendText('/subscriptions');
    const list = await fake.waitFor(() => fake.botMessages(defaultUser.id)[before], 'the private list');
    expect(list.text).toMatch(/#1 Mexico: every day at 08:00 \(Europe\/Madrid\).* — in @newsroom/);
    fake.state.setMember(CHANNEL.id, defaultUser.id, 'member');
    const refused = fake.pressButton(list, 's:p:1');
    expect(await fake.waitFor(() => fake.state.callbackQueries.get(refused)?.answer, 'the refusal')).toEqual({
      text: 'Only administrators of @newsroom can change its subscriptions.',
      show_alert: true,
    });
    fake.state.setMember(CHANNEL.id, defaultUser.id, 'administrator');
    fake.pressButton(list, 's:p:1');
    await fake.waitFor(() => list.edits > 0, 'the list edited in place');
    expect((await subscriptions.store.getSubscription(1))?.status).toBe('paused');
  });
});
