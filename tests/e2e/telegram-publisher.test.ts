/**
 * The publisher the scheduler posts through: renders like an answer, sends once, waits out a 429
 * through auto-retry, and reports the message id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, createTelegramPublisher } from '../../adapters/telegram/index.ts';
import type { Briefings } from '../../src/commands/index.ts';
import { silentLogger } from '../../src/logger.ts';
import type { CardsReply } from '../../src/reply.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

let fake: FakeTelegram;
const channel = { id: -1001234, type: 'channel' as const, title: 'Daily Mexico' };
const digest: CardsReply = {
  kind: 'cards',
  command: 'brief',
  query: 'mexico',
  title: 'Briefing: Mexico <daily>',
  items: [
    {
      id: 'abc-01',
      title: 'A & B',
      summary: 'Summary.',
      url: 'https://example.org/a',
      urlKind: 'article',
      publishedAt: '2023-09-01',
      datePrecision: 'day',
      dateSource: 'seen',
      dateLabel: '1 Sep 2023',
      language: 'en',
      topics: ['Mexico'],
      source: 'Example',
    },
  ],
  offset: 0,
  total: 1,
};

beforeAll(async () => {
  fake = await startFakeTelegram();
  fake.state.addChat(channel);
});

afterAll(async () => {
  await fake?.close();
});

describe('createTelegramPublisher', () => {
  it('posts the rendered reply, after waiting out a 429, and returns the message id', async () => {
    const bot = createTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      briefings: {} as Briefings,
      logger: silentLogger,
    });
    fake.failNext('sendMessage', 1, { retryAfter: 1 });
    const { messageId } = await createTelegramPublisher(bot.api, silentLogger).publish(
      String(channel.id),
      digest,
    );

    const [posted] = fake.botMessages(channel.id);
    expect(messageId).toBe(String(posted?.messageId));
    expect(posted?.text.split('\n')[0]).toBe('Briefing: Mexico <daily>');
    expect(posted?.entities).toContainEqual(
      expect.objectContaining({ type: 'text_link', url: 'https://example.org/a' }),
    );
    expect(fake.state.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([
      429, 200,
    ]);
  });
});
