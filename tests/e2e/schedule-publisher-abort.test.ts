/**
 * Stopping while a scheduled post waits on a platform that does not answer: the publishers'
 * signal aborts the request at once, and the scheduler gets a transient failure it can record
 * (uncertain on Telegram, which has no idempotency key), instead of waiting for a timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordSchedulePublisher } from '../../adapters/discord/schedule-publisher.ts';
import { createTelegramSchedulePublisher } from '../../adapters/telegram/schedule-publisher.ts';
import { silentLogger } from '../../src/logger.ts';
import type { NoticeReply } from '../../src/reply.ts';
import { deliveryNonce, PublishError } from '../../src/schedule/publisher.ts';
import { type FakeDiscord, startFakeDiscord, waitFor } from '../fakes/discord/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

const reply: NoticeReply = { kind: 'notice', tone: 'info', message: 'New on Mexico' };
const options = { deliveryKey: 'alert:1:x', nonce: deliveryNonce('alert:1:x') };

let telegram: FakeTelegram;
let discord: FakeDiscord;
beforeAll(async () => {
  telegram = await startFakeTelegram();
  telegram.state.addChat({ id: -100200300, type: 'channel', title: 'News' });
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await telegram?.close();
  await discord?.close();
});

async function abortedWhileHanging(publish: Promise<unknown>, hanging: () => boolean, stop: () => void) {
  await waitFor(hanging, 10_000, 'the post to hang');
  const started = Date.now();
  stop();
  const error = await publish.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe('scheduled posts when stopping', () => {
  it('Telegram: a hanging sendMessage is aborted at once and reported as uncertain', async () => {
    const stopping = new AbortController();
    const publisher = createTelegramSchedulePublisher({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      logger: silentLogger,
      signal: stopping.signal,
    });
    telegram.failNext('sendMessage', 1, { hang: true });
    const { error, ms } = await abortedWhileHanging(
      publisher.publish({ platform: 'telegram', chatId: '-100200300' }, reply, options),
      () => telegram.state.hanging.includes('sendMessage'),
      () => stopping.abort(),
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ kind: 'transient', uncertain: true });
    expect(ms).toBeLessThan(1_000);
  });

  it('Discord: a hanging message post is aborted at once (and may be resent with its nonce)', async () => {
    const stopping = new AbortController();
    const publisher = createDiscordSchedulePublisher({
      token: discord.token,
      apiBase: discord.apiBase,
      logger: silentLogger,
      signal: stopping.signal,
    });
    discord.rest.hangNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ });
    const { error, ms } = await abortedWhileHanging(
      publisher.publish({ platform: 'discord', chatId: '300000000000000001' }, reply, options),
      () => discord.rest.hanging.length > 0,
      () => stopping.abort(),
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ kind: 'transient' });
    expect(ms).toBeLessThan(1_000);
  });
});
