/** The scheduler's Discord publisher against the fake Discord, through discord.js's REST client. */
import { DiscordAPIError, REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPublisher, type DiscordPublisher } from '../../adapters/discord/index.ts';
import { DiscordNonceError } from '../../adapters/discord/publisher.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Reply } from '../../src/reply.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';

let fake: FakeDiscord;
let publisher: DiscordPublisher;
const CHANNEL = '300000000000000042';

const reply: Reply = {
  kind: 'notice',
  tone: 'info',
  message: 'New on Mexico: @everyone look <@123>',
  suggestions: [{ label: 'Latest on Mexico', command: '/latest mexico' }],
};

beforeAll(async () => {
  fake = await startFakeDiscord();
  fake.channels.add(CHANNEL);
  publisher = createDiscordPublisher(new REST({ api: fake.apiBase }).setToken(fake.token), silentLogger);
});
afterAll(async () => {
  await fake.close();
});

describe('createDiscordPublisher', () => {
  it('posts with a nonce, enforce_nonce and no pings; a retry with the same nonce does not post twice', async () => {
    const first = await publisher.publish(CHANNEL, reply, { nonce: 'sub1-2026-11-22' });
    const again = await publisher.publish(CHANNEL, reply, { nonce: 'sub1-2026-11-22' });
    expect(again.messageId).toBe(first.messageId);
    const posted = fake.channels.messages.get(CHANNEL) ?? [];
    expect(posted).toHaveLength(1);
    const body = fake.rest.matching(/\/messages$/, 'POST')[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      nonce: 'sub1-2026-11-22',
      enforce_nonce: true,
      allowed_mentions: { parse: [] },
    });
    expect(String(body.content)).not.toMatch(/@everyone|<@1/);
  });

  it('waits out a 429 and posts once', async () => {
    fake.rest.rateLimitNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/, retryAfter: 0.2 });
    const before = (fake.channels.messages.get(CHANNEL) ?? []).length;
    await publisher.publish(CHANNEL, reply, { nonce: 'sub1-2026-11-23' });
    expect((fake.channels.messages.get(CHANNEL) ?? []).length).toBe(before + 1);
    expect(
      fake.rest
        .matching(/\/messages$/, 'POST')
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([429, 200]);
  });

  it('surfaces Discord refusals as DiscordAPIError with the code, and refuses bad nonces up front', async () => {
    const error = await publisher
      .publish('300000000000000099', reply, { nonce: 'n1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10003);
    await expect(publisher.publish(CHANNEL, reply, { nonce: 'x'.repeat(26) })).rejects.toBeInstanceOf(
      DiscordNonceError,
    );
  });
});
