/**
 * RATE_LIMIT_PER_MINUTE on Discord, end to end (startApp with DISCORD_TOKEN, the real discord.js
 * client against the fake): a user beyond the allowance gets the same friendly notice as on
 * Telegram, privately, and the engine is not run for them; other users are unaffected; button
 * presses count too; autocomplete beyond its (larger) allowance gets an empty list.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { silentLogger } from '../../src/logger.ts';
import {
  type FakeDiscord,
  type FakeMessage,
  type InteractionRecord,
  startFakeDiscord,
  waitFor,
} from '../fakes/discord/index.ts';

let fake: FakeDiscord;
let app: App;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-discord-rate-'));
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
  app = await startApp({
    env: {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      CONTENT_DIR: 'content',
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '3',
    },
    logger: silentLogger,
  });
  await waitFor(() => fake.gateway.connected, 30_000, 'the bot to connect to the fake gateway');
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await rm(dataDir, { recursive: true, force: true });
});

type Data = { content?: string; embeds?: unknown[]; flags?: number };

const answer = async (i: InteractionRecord) => {
  const r = await waitFor(() => i.responses.find((x) => x.via === 'callback'), 15_000, 'an answer');
  return { type: r.type, data: (r.body.data ?? {}) as Data };
};

describe('Discord per-user rate limit', () => {
  it('answers a burst up to the allowance, then tells the user privately to slow down', async () => {
    const eager = { userId: '200000000000000001', locale: 'en-US' };
    const burst = Array.from({ length: 8 }, () => fake.slash('search', { query: 'mexico' }, eager));
    const answers = await Promise.all(burst.map(answer));
    const served = answers.filter((a) => !a.data.flags);
    const refused = answers.filter((a) => a.data.flags === 64);
    expect(served).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.type).toBe(4);
      expect(r.data.content).toMatch(/^You are going a little fast\. Please try again in \d+ s\.$/);
      expect(r.data.embeds ?? []).toHaveLength(0);
    }

    const calm = fake.slash('topics', {}, { userId: '200000000000000002' });
    expect((await answer(calm)).data.flags).toBeUndefined();
  });

  it('counts button presses against the same allowance, and speaks the user’s language', async () => {
    const user = { userId: '200000000000000003', locale: 'es-ES' };
    const first = fake.slash('latest', { topic: 'mexico' }, user);
    await answer(first);
    const message = first.original as FakeMessage;
    const more = (message.components as { components: { custom_id?: string }[] }[])
      .flatMap((row) => row.components.map((c) => c.custom_id))
      .find((id) => id?.startsWith('more:')) as string;
    const presses = [
      fake.press(more, message, user),
      fake.press(more, message, user),
      fake.press(more, message, user),
    ];
    const answers = await Promise.all(presses.map(answer));
    const refused = answers.filter((a) => a.data.flags === 64);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.data.content).toMatch(/^Vas un poco rápido\. Vuelve a intentarlo en \d+ s\.$/);
  });

  it('gives autocomplete three times the allowance, then empty lists', async () => {
    const typist = { userId: '200000000000000004' };
    const results = [];
    for (let i = 0; i < 10; i++) {
      const r = await answer(fake.autocomplete('latest', 'topic', 'mex', typist));
      results.push((r.data as { choices?: unknown[] }).choices ?? []);
    }
    expect(results.slice(0, 9).every((c) => c.length > 0)).toBe(true);
    expect(results[9]).toEqual([]);
  });
});
