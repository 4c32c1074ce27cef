/**
 * The fake Discord is only useful if it is as strict as Discord: these drive it with discord.js's
 * own REST client and check it refuses what Discord refuses, with Discord's error codes.
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, type InteractionRecord, startFakeDiscord } from '../fakes/discord/index.ts';

let fake: FakeDiscord;
let skew = 0;
let rest: REST;

beforeAll(async () => {
  fake = await startFakeDiscord({ now: () => Date.now() + skew });
  rest = new REST({ api: fake.apiBase, retries: 0 }).setToken(fake.token);
});
afterAll(async () => {
  await fake.close();
});

/** An interaction the fake knows about, without a gateway round trip. */
const interaction = (kind: 'command' | 'button' | 'autocomplete' = 'command'): InteractionRecord =>
  fake.interactions.create(kind, { name: 'latest', type: 1 });
const callback = (i: InteractionRecord, body: unknown) =>
  rest.post(Routes.interactionCallback(i.id, i.token), { body, auth: false });
const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return error instanceof DiscordAPIError ? error.code : String(error);
  }
};
const embed = (description: string) => ({ title: 't', description });

describe('fake Discord strictness', () => {
  it('accepts one initial response and refuses a second with 40060', async () => {
    const i = interaction();
    expect(await code(callback(i, { type: 4, data: { content: 'hi' } }))).toBe('ok');
    expect(await code(callback(i, { type: 4, data: { content: 'again' } }))).toBe(40060);
  });

  it('refuses a first response after 3 seconds with 10062', async () => {
    const i = interaction();
    skew = 3_500;
    try {
      expect(await code(callback(i, { type: 5 }))).toBe(10062);
    } finally {
      skew = 0;
    }
  });

  it('refuses custom ids over 100 characters, duplicate ids and more than 5 buttons a row', async () => {
    const button = (id: string) => ({ type: 2, style: 1, label: 'x', custom_id: id });
    const row = (...components: unknown[]) => ({ type: 1, components });
    expect(
      await code(callback(interaction(), { type: 4, data: { components: [row(button('x'.repeat(101)))] } })),
    ).toBe(50035);
    expect(
      await code(callback(interaction(), { type: 4, data: { components: [row(button('a'), button('a'))] } })),
    ).toBe(50035);
    const six = ['1', '2', '3', '4', '5', '6'].map(button);
    expect(await code(callback(interaction(), { type: 4, data: { components: [row(...six)] } }))).toBe(50035);
    expect(
      await code(callback(interaction(), { type: 4, data: { components: [row(button('x'.repeat(100)))] } })),
    ).toBe('ok');
  });

  it('refuses embeds over their limits: 4096 per description, 6000 in all, 10 per message', async () => {
    expect(
      await code(callback(interaction(), { type: 4, data: { embeds: [embed('x'.repeat(4097))] } })),
    ).toBe(50035);
    const two = [embed('x'.repeat(3000)), embed('x'.repeat(3000))];
    expect(await code(callback(interaction(), { type: 4, data: { embeds: two } }))).toBe(50035);
    const eleven = Array.from({ length: 11 }, () => embed('x'));
    expect(await code(callback(interaction(), { type: 4, data: { embeds: eleven } }))).toBe(50035);
    expect(await code(callback(interaction(), { type: 4, data: { content: 'x'.repeat(2001) } }))).toBe(50035);
    expect(await code(callback(interaction(), { type: 4, data: {} }))).toBe(50006);
  });

  it('allows autocomplete answers only for autocomplete, at most 25 choices', async () => {
    const choices = (n: number) => Array.from({ length: n }, (_, k) => ({ name: `c${k}`, value: `v${k}` }));
    expect(
      await code(callback(interaction('autocomplete'), { type: 8, data: { choices: choices(26) } })),
    ).toBe(50035);
    expect(await code(callback(interaction('autocomplete'), { type: 4, data: { content: 'x' } }))).toBe(
      50035,
    );
    expect(await code(callback(interaction(), { type: 8, data: { choices: choices(1) } }))).toBe(50035);
    expect(
      await code(callback(interaction('autocomplete'), { type: 8, data: { choices: choices(25) } })),
    ).toBe('ok');
  });

  it('lets webhook edits through only after an initial response', async () => {
    const i = interaction();
    const edit = () =>
      rest.patch(Routes.webhookMessage(fake.applicationId, i.token), { body: { content: 'x' }, auth: false });
    expect(await code(edit())).toBe(10008);
    await callback(i, { type: 5 });
    expect(await code(edit())).toBe('ok');
    expect(i.original?.content).toBe('x');
  });

  it('needs the bot token on bot routes, and names unknown routes', async () => {
    const anonymous = new REST({ api: fake.apiBase, retries: 0 });
    expect(await code(anonymous.get(Routes.gatewayBot(), { auth: false }))).toBe(0);
    expect(fake.rest.requests.at(-1)?.status).toBe(401);
    const error = await rest.get('/users/@me').catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/^Fake Discord: no route for GET \/users\/@me/);
  });

  it('answers 429 with retry_after when told to', async () => {
    fake.rest.rateLimitNext({ path: /^\/gateway\/bot$/, retryAfter: 1.5, global: true });
    const res = await fetch(`${fake.apiBase}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${fake.token}` },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1.5');
    expect(await res.json()).toEqual({
      message: 'You are being rate limited.',
      retry_after: 1.5,
      global: true,
    });
  });
});
