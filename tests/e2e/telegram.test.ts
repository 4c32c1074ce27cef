/**
 * The Telegram bot end to end in long-polling mode: the app started as `npm start` starts it, the
 * real grammY client, a strict fake Bot API on 127.0.0.1, and a user typing, scrolling and tapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeChat,
  type FakeTelegram,
  type FakeUser,
  type StoredMessage,
  startFakeTelegram,
} from '../fakes/telegram/index.ts';
import { type RunningBot, startBotAgainst } from '../fakes/telegram/start-bot.ts';

let fake: FakeTelegram;
let bot: RunningBot;
let nextUserId = 2000;

/** A fresh user per test, so chats and rate limits do not interfere. */
const newUser = (language_code = 'en'): FakeUser => ({
  id: nextUserId++,
  is_bot: false,
  first_name: 'Test',
  language_code,
});

const buttons = (m: StoredMessage) => (m.replyMarkup?.inline_keyboard ?? []).flat();
const button = (m: StoredMessage, label: RegExp) => {
  const found = buttons(m).find((b) => label.test(b.text));
  if (!found?.callback_data) throw new Error(`no button ${label} in ${JSON.stringify(m.replyMarkup)}`);
  return found.callback_data;
};
const nthBotMessage = (chatId: number, n: number) =>
  fake.waitFor(() => fake.botMessages(chatId)[n - 1], `bot message #${n} in chat ${chatId}`);
const yearsIn = (text: string) => [...text.matchAll(/\b(19|20)\d\d\b/g)].map((m) => Number(m[0]));

beforeAll(async () => {
  fake = await startFakeTelegram();
  bot = await startBotAgainst(fake, { RATE_LIMIT_PER_MINUTE: '1000' });
  await fake.waitFor(() => bot.logs.some((l) => l.msg === 'telegram bot polling'), 'the bot to poll');
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('start-up', () => {
  it('asks who it is, clears any webhook and registers its command menu', () => {
    const called = fake.state.calls.filter((c) => c.status === 200).map((c) => c.method);
    expect(called).toEqual(expect.arrayContaining(['getMe', 'setMyCommands', 'deleteWebhook']));
    expect(fake.state.commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(['latest', 'search', 'brief', 'topics', 'help']),
    );
    // A Spanish menu beside the default one: the same commands, described in Spanish.
    const spanish = fake.state.commandsByLanguage.get('es') ?? [];
    expect(spanish.map((c) => c.command)).toEqual(fake.state.commands.map((c) => c.command));
    const describe = (menu: { command: string; description: string }[], command: string) =>
      menu.find((c) => c.command === command)?.description;
    expect(describe(fake.state.commands, 'brief')).toBe('A briefing: overview, date range and key articles');
    expect(describe(spanish, 'brief')).toBe('Un resumen: panorama, fechas y artículos clave');
    expect(describe(spanish, 'help')).toBe('Qué puedo hacer');
  });
});

describe('commands', () => {
  it('answers /latest mexico with linked cards, newest first, a preview of the top one and paging buttons', async () => {
    const user = newUser();
    fake.sendText('/latest mexico', { from: user });
    const reply = await nthBotMessage(user.id, 1);

    expect(reply.text).toMatch(/^Latest on Mexico/);
    expect(yearsIn(reply.text)[0]).toBe(2023);
    const links = reply.entities.filter((e) => e.type === 'text_link');
    expect(links.length).toBe(5);
    expect(reply.linkPreview).toMatchObject({ url: links[0]?.url });
    expect(buttons(reply).map((b) => b.text)).toEqual(['📖 1', '📖 2', '📖 3', '📖 4', '📖 5', 'More ▸']);
    expect(reply.text).toMatch(/1–5 of \d+$/);
  });

  it('"More" edits the list in place with the next page and answers the tap', async () => {
    const user = newUser();
    fake.sendText('/latest mexico', { from: user });
    const first = await nthBotMessage(user.id, 1);
    const firstText = first.text;
    const tap = fake.pressButton(first, button(first, /More/), { from: user });

    await fake.waitFor(() => first.edits === 1, 'the list to be edited');
    expect(fake.state.callbackQueries.get(tap)?.answered).toBe(true);
    expect(first.text).toMatch(/^Latest on Mexico/);
    expect(first.text).toMatch(/6–10 of \d+$/);
    expect(first.text).not.toBe(firstText);
    expect(buttons(first)[0]?.text).toBe('📖 6');
    expect(fake.botMessages(user.id)).toHaveLength(1);
  });

  it('a numbered button opens that article as a new message', async () => {
    const user = newUser();
    fake.sendText('/search oaxaca', { from: user });
    const list = await nthBotMessage(user.id, 1);
    const firstTitle = list.text
      .split('\n')
      .find((l) => l.startsWith('1. '))
      ?.slice(3);
    fake.pressButton(list, button(list, /📖 1$/), { from: user });

    const article = await nthBotMessage(user.id, 2);
    expect(firstTitle).toBeTruthy();
    expect(article.text.startsWith(firstTitle as string)).toBe(true);
    expect(buttons(article).some((b) => b.url)).toBe(true);
  });

  it('a deep link (/start <articleId>) opens that article; a bare /start welcomes', async () => {
    const user = newUser();
    fake.sendText('/latest honduras', { from: user });
    const list = await nthBotMessage(user.id, 1);
    const id = button(list, /📖 1$/).slice(2);
    fake.sendText(`/start ${id}`, { from: user });
    const article = await nthBotMessage(user.id, 2);
    const title =
      list.text
        .split('\n')
        .find((l) => l.startsWith('1. '))
        ?.slice(3) ?? '';
    expect(article.text.startsWith(title)).toBe(true);

    fake.sendText('/start', { from: user });
    const welcome = await nthBotMessage(user.id, 3);
    expect(welcome.text).toMatch(/\/latest/);

    // The inline "slow down" button links to /start help, which opens the help, not an article.
    fake.sendText('/start help', { from: user });
    expect((await nthBotMessage(user.id, 4)).text).toBe(welcome.text);
  });

  it('answers Spanish speakers in Spanish: twin articles and buttons', async () => {
    const user = newUser('es-MX');
    fake.sendText('/latest mexico', { from: user });
    const reply = await nthBotMessage(user.id, 1);
    expect(buttons(reply).at(-1)?.text).toBe('Más ▸');
    expect(reply.text).toMatch(/1–5 de \d+$/);
    // The story told in both languages comes in Spanish for a Spanish speaker, in English otherwise.
    expect(reply.text).toContain('La muerte de Migrantes');
    expect(reply.text).not.toContain('Death of Migrants');
    const english = newUser('en');
    fake.sendText('/latest mexico', { from: english });
    const inEnglish = await nthBotMessage(english.id, 1);
    expect(inEnglish.text).toContain('Death of Migrants');
    expect(inEnglish.text).not.toContain('La muerte de Migrantes');
  });

  it('in a group, ignores commands for another bot and answers its own, quoting the asker', async () => {
    const user = newUser();
    const group: FakeChat = { id: -100777, type: 'supergroup', title: 'Readers' };
    fake.sendText('/latest@otherbot mexico', { from: user, chat: group });
    fake.sendText('just chatting about mexico', { from: user, chat: group });
    const ours = fake.sendText(`/topics@${fake.botUsername}`, { from: user, chat: group });

    const reply = await nthBotMessage(group.id, 1);
    expect(reply.replyTo).toBe(ours.messageId);
    expect(reply.text).toMatch(/Topics/);
    // Per-chat order: the earlier updates were handled (and ignored) before the one answered.
    expect(fake.botMessages(group.id)).toHaveLength(1);
  });
});

describe('chat facts for commands that act on a chat', () => {
  it('asks Telegram for the rights of the user and of the bot, only for those commands', async () => {
    const admin = newUser();
    const group: FakeChat = { id: -100888, type: 'supergroup', title: 'Newsroom' };
    fake.state.setMember(group.id, admin.id, 'administrator');
    const before = fake.state.calls.length;
    fake.sendText('/topics', { from: admin, chat: group });
    fake.sendText('/subscriptions', { from: admin, chat: group });
    await nthBotMessage(group.id, 2);

    const lookups = fake.state.calls.slice(before).filter((c) => c.method === 'getChatMember');
    expect(lookups.map((c) => [c.params.user_id, c.status])).toEqual(
      expect.arrayContaining([
        [admin.id, 200],
        [fake.state.bot.id, 200],
      ]),
    );
    expect(lookups).toHaveLength(2);
  });
});

describe('inline mode', () => {
  it('an empty query lists the latest articles and pages with next_offset', async () => {
    const user = newUser();
    const first = await fake.inlineAnswer(fake.inlineQuery('', { from: user }));
    expect(first.results.length).toBe(20);
    expect(first.nextOffset).toMatch(/^l\.k\./);
    expect(first.isPersonal).toBe(true);

    const second = await fake.inlineAnswer(fake.inlineQuery('', { from: user, offset: first.nextOffset }));
    const firstIds = new Set(first.results.map((r) => r.id));
    expect(second.results.length).toBeGreaterThan(0);
    expect(second.results.every((r) => !firstIds.has(r.id))).toBe(true);
  });

  it('a query lists matching articles whose chosen card is a linked title, date and summary', async () => {
    const user = newUser();
    const answer = await fake.inlineAnswer(fake.inlineQuery('oaxaca teachers', { from: user }));
    expect(answer.results.length).toBeGreaterThan(0);
    const result = answer.results[0] as {
      title: string;
      description: string;
      input_message_content: { message_text: string; parse_mode: string };
    };
    expect(result.description).toMatch(/\d{4}/);
    expect(result.input_message_content.parse_mode).toBe('HTML');
    expect(result.input_message_content.message_text).toMatch(/^<a href="https?:\/\/[^"]+"><b>/);
  });
});

describe('inline mode: honest answers', () => {
  it('says above the results which word no article mentions, in the user language', async () => {
    const en = await fake.inlineAnswer(fake.inlineQuery('bitcoin in latin america', { from: newUser() }));
    expect(en.results.length).toBeGreaterThan(0);
    expect(en.button?.text).toBe('No article mentions “bitcoin”.');
    const es = await fake.inlineAnswer(fake.inlineQuery('qué pasó en atenco', { from: newUser('es') }));
    expect(es.results).toEqual([]);
    // Nothing found: what to try instead follows, by its Spanish names.
    expect(es.button?.text).toMatch(/^Ningún artículo menciona “atenco”\. → México/);
    const fine = await fake.inlineAnswer(fake.inlineQuery('oaxaca teachers', { from: newUser() }));
    expect(fine.button).toBeUndefined();
  });
});

describe('one voice', () => {
  const ENGLISH =
    /\b(Briefing|Latest on|Key themes|Topics in the archive|More|articles|stories|of \d+|Peru|Mexico)\b/;
  const SPANISH =
    /(Resumen|Lo último|Temas clave|Temas del archivo|Más|artículos|noticias|\bde \d+|Perú|México)/;
  /** The bot's own words in a list: the title, overview and range lines, and the buttons. */
  const chrome = (m: StoredMessage) => {
    const lines = m.text.split('\n');
    return [lines[0], lines[1], lines.at(-1), ...buttons(m).map((b) => b.text)].join('\n');
  };

  it('answers a Spanish reader with Spanish words and topic names, an English one with none', async () => {
    const es = newUser('es-AR');
    fake.sendText('/brief peru', { from: es });
    const brief = await nthBotMessage(es.id, 1);
    expect(brief.text.split('\n')[0]).toBe('Resumen: Perú');
    expect(brief.text.split('\n')[1]).toMatch(/^9 artículos, .+\. Temas clave: /);
    expect(chrome(brief)).not.toMatch(ENGLISH);
    fake.sendText('/topics', { from: es });
    const topics = await nthBotMessage(es.id, 2);
    expect(topics.text).toMatch(/^Temas del archivo\nSe cuentan noticias/);
    expect(topics.text).toContain('México (26)');
    expect(topics.text).not.toMatch(/\b(Topics|Mexico|Peru|Counts)\b/);

    const en = newUser('en');
    fake.sendText('/brief peru', { from: en });
    const english = await nthBotMessage(en.id, 1);
    expect(english.text.split('\n')[0]).toBe('Briefing: Peru');
    expect(chrome(english)).not.toMatch(SPANISH);
    fake.sendText('/topics', { from: en });
    expect((await nthBotMessage(en.id, 2)).text).toContain('Mexico (26)');
  });

  it('pages inline results with the list cursor and corrects a misspelt topic there too', async () => {
    const user = newUser('es');
    const first = await fake.inlineAnswer(fake.inlineQuery('mexco', { from: user }));
    expect(first.button?.text).toMatch(/^Mostrando México \(escribiste “mexco”\)/);
    expect(first.results.length).toBe(20);
    expect(Buffer.byteLength(first.nextOffset ?? '')).toBeGreaterThan(0);
    expect(Buffer.byteLength(first.nextOffset ?? '')).toBeLessThanOrEqual(64);
    const second = await fake.inlineAnswer(
      fake.inlineQuery('mexco', { from: user, offset: first.nextOffset ?? '' }),
    );
    const seen = new Set(first.results.map((r) => r.id));
    expect(second.results.length).toBeGreaterThan(0);
    expect(second.results.every((r) => !seen.has(r.id))).toBe(true);
    expect(second.nextOffset).toBe('');
  });
});

describe('resilience', () => {
  it('waits out a 429 (retry_after) and delivers the answer', async () => {
    const user = newUser();
    const before = fake.state.calls.length;
    fake.failNext('sendMessage', 1, { retryAfter: 1 });
    fake.sendText('/topics', { from: user });

    await nthBotMessage(user.id, 1);
    const sends = fake.state.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
  });

  it('retries a transient server error with backoff', async () => {
    const user = newUser();
    const before = fake.state.calls.length;
    fake.failNext('sendMessage', 1, { errorCode: 502, description: 'Bad Gateway' });
    fake.sendText('/topics', { from: user });

    await nthBotMessage(user.id, 1);
    const sends = fake.state.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(sends.map((c) => c.status)).toEqual([502, 200]);
  });

  it('a failing handler is logged, answered politely, and the bot keeps serving', async () => {
    const user = newUser();
    fake.failNext('sendMessage', 1, { errorCode: 400, description: 'Bad Request: chat is being migrated' });
    fake.sendText('/help', { from: user });

    const apology = await nthBotMessage(user.id, 1);
    expect(apology.text).toMatch(/Sorry, something went wrong/);
    await fake.waitFor(
      () => bot.logs.some((l) => l.msg === 'telegram update failed'),
      'the error to be logged',
    );

    fake.sendText('/help', { from: user });
    const help = await nthBotMessage(user.id, 2);
    expect(help.text).toMatch(/\/latest/);
  });

  it('answers stale or forged button data without acting on it', async () => {
    const user = newUser();
    fake.sendText('/topics', { from: user });
    const topics = await nthBotMessage(user.id, 1);
    const tap = fake.pressButton(topics, 'x:forged', { from: user });
    await fake.waitFor(() => fake.state.callbackQueries.get(tap)?.answered, 'the forged tap to be answered');
    expect(fake.state.callbackQueries.get(tap)?.answer?.text).toMatch(/expired/);
    expect(fake.botMessages(user.id)).toHaveLength(1);
  });
});
