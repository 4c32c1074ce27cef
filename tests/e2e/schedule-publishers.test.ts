/**
 * The scheduler's publishers, with the real grammY and discord.js clients against the fakes: what
 * each platform answer becomes for the scheduler (sent, wait, retry, give up, pause).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordSchedulePublisher } from '../../adapters/discord/schedule-publisher.ts';
import { createTelegramSchedulePublisher } from '../../adapters/telegram/schedule-publisher.ts';
import { silentLogger } from '../../src/logger.ts';
import type { NoticeReply } from '../../src/reply.ts';
import { deliveryNonce, PublishError } from '../../src/schedule/publisher.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

const reply: NoticeReply = { kind: 'notice', tone: 'info', message: 'New on Mexico <b>&' };
const options = { deliveryKey: 'alert:1:x', nonce: deliveryNonce('alert:1:x') };

async function failure(p: Promise<unknown>): Promise<PublishError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PublishError)) throw new Error(`expected a PublishError, got ${String(error)}`);
  return error;
}

describe('Telegram schedule publisher', () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await startFakeTelegram();
    fake.state.addChat({ id: -100200300, type: 'channel', title: 'News' });
  });
  afterAll(async () => {
    await fake?.close();
  });
  const publisher = () =>
    createTelegramSchedulePublisher({ token: fake.token, apiRoot: fake.apiRoot, logger: silentLogger });
  const target = { platform: 'telegram' as const, chatId: '-100200300' };

  it('posts and returns the message id; is not idempotent', async () => {
    const p = publisher();
    expect(p.idempotent).toBe(false);
    const { messageId } = await p.publish(target, reply, options);
    expect(fake.botMessages(-100200300).map((m) => [String(m.messageId), m.text])).toEqual([
      [messageId, 'ℹ️ New on Mexico <b>&'],
    ]);
  });

  it('turns 429 into a wait of retry_after, without retrying by itself', async () => {
    fake.failNext('sendMessage', 1, { retryAfter: 7 });
    const error = await failure(publisher().publish(target, reply, options));
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 7000 });
  });

  it('pauses on "bot was kicked", gives up a refused message, and never resends after a 5xx', async () => {
    fake.failNext('sendMessage', 1, {
      errorCode: 403,
      description: 'Forbidden: bot was kicked from the channel chat',
    });
    expect(await failure(publisher().publish(target, reply, options))).toMatchObject({ kind: 'permanent' });
    fake.failNext('sendMessage', 1, { errorCode: 400, description: 'Bad Request: message is too long' });
    expect(await failure(publisher().publish(target, reply, options))).toMatchObject({ kind: 'rejected' });
    fake.failNext('sendMessage', 1, { errorCode: 502, description: 'Bad Gateway' });
    expect(await failure(publisher().publish(target, reply, options))).toMatchObject({
      kind: 'transient',
      uncertain: true,
    });
  });

  it('pauses when the chat is gone', async () => {
    const gone = publisher().publish({ platform: 'telegram', chatId: '-100999' }, reply, options);
    expect(await failure(gone)).toMatchObject({
      kind: 'permanent',
      message: expect.stringMatching(/chat not found/),
    });
  });

  it('knows a refused connection posted nothing', async () => {
    const closed = createTelegramSchedulePublisher({
      token: fake.token,
      apiRoot: 'http://127.0.0.1:1',
      logger: silentLogger,
    });
    expect(await failure(closed.publish(target, reply, options))).toMatchObject({
      kind: 'transient',
      uncertain: false,
    });
  });
});

describe('Discord schedule publisher', () => {
  let fake: FakeDiscord;
  const channel = '300000000000000009';
  beforeAll(async () => {
    fake = await startFakeDiscord();
    fake.channels.add(channel);
  });
  afterAll(async () => {
    await fake?.close();
  });
  const publisher = () =>
    createDiscordSchedulePublisher({ token: fake.token, apiBase: fake.apiBase, logger: silentLogger });

  it('resends with the same nonce without posting twice', async () => {
    const p = publisher();
    expect(p.idempotent).toBe(true);
    const first = await p.publish({ platform: 'discord', chatId: channel }, reply, options);
    const again = await p.publish({ platform: 'discord', chatId: channel }, reply, options);
    expect(again).toEqual(first);
    expect(fake.channels.messages.get(channel)).toHaveLength(1);
  });

  it('pauses on missing permissions and on a deleted channel', async () => {
    fake.channels.add('300000000000000010');
    fake.channels.forbidden.add('300000000000000010');
    const forbidden = await failure(
      publisher().publish({ platform: 'discord', chatId: '300000000000000010' }, reply, options),
    );
    expect(forbidden).toMatchObject({ kind: 'permanent' });
    expect(forbidden.message).toMatch(/50013/);
    const gone = await failure(
      publisher().publish({ platform: 'discord', chatId: '300000000000000011' }, reply, options),
    );
    expect(gone).toMatchObject({ kind: 'permanent' });
    expect(gone.message).toMatch(/10003/);
  });
});
