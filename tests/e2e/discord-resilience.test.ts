/**
 * The Discord adapter under trouble, with the real discord.js client against the fake Discord:
 * slow engine work (defer then edit), a failing handler, a late answer, a 429, a dropped gateway
 * connection. The bot runs on the real content through `startDiscord`, with the core wrapped to
 * be slow or to fail on demand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscord } from '../../adapters/discord/index.ts';
import { type Briefings, createBriefings } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { loadEngine } from '../../src/content/load.ts';
import {
  type FakeDiscord,
  type InteractionRecord,
  startFakeDiscord,
  waitFor,
} from '../fakes/discord/index.ts';
import { memoryLogger } from '../fakes/discord/log.ts';

let fake: FakeDiscord;
let bot: Awaited<ReturnType<typeof startDiscord>>;
let dataDir: string;
const log = memoryLogger();
/** Clock skew the fake applies, to make an answer "late" without waiting 3 seconds. */
let skew = 0;
/** Per-test behaviour of the core. */
const trouble = { delayMs: 0, fail: false };
let briefingsUnderTest: Briefings;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-discord-'));
  fake = await startFakeDiscord({ heartbeatIntervalMs: 250, now: () => Date.now() + skew });
  const { engine } = await loadEngine({ contentDir: 'content', dataDir, logger: log.logger });
  const real = createBriefings(engine);
  briefingsUnderTest = Object.assign(Object.create(real) as Briefings, {
    async execute(...args: Parameters<Briefings['execute']>) {
      if (trouble.fail) throw new Error('engine exploded');
      if (trouble.delayMs) await new Promise((resolve) => setTimeout(resolve, trouble.delayMs));
      return real.execute(...args);
    },
  });
  const config = loadConfig(
    { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_BASE: fake.apiBase },
    { dotenv: false },
  );
  bot = await startDiscord(
    { config, briefings: briefingsUnderTest, logger: log.logger },
    { deferAfterMs: 1_000 },
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const callbacks = (r: InteractionRecord) => r.responses.filter((x) => x.via === 'callback');

describe('discord adapter resilience', () => {
  it('identifies once and keeps heartbeating, each beat acknowledged', async () => {
    await waitFor(() => fake.gateway.count(1) >= 3, 15_000, 'three heartbeats');
    // Unacknowledged heartbeats would make discord.js drop the connection as a zombie and resume.
    expect(fake.gateway.count(2)).toBe(1);
    expect(fake.gateway.count(6)).toBe(0);
    expect(bot.client.ws.ping).toBeGreaterThanOrEqual(0); // set from a heartbeat ACK
  });

  it('defers when the engine misses the budget, then edits the answer in', async () => {
    trouble.delayMs = 2_000;
    try {
      const i = fake.slash('latest', { topic: 'mexico' });
      await waitFor(() => i.responses.find((r) => r.via === 'edit'), 15_000, 'edit of the deferred reply');
      expect(callbacks(i).map((r) => r.type)).toEqual([5]);
      expect((i.original?.embeds ?? []).length).toBeGreaterThan(0);
    } finally {
      trouble.delayMs = 0;
    }
  });

  it('answers autocomplete with no choices when the engine fails, rather than not at all', async () => {
    const complete = briefingsUnderTest.complete;
    briefingsUnderTest.complete = () => {
      throw new Error('index unavailable');
    };
    try {
      const i = fake.autocomplete('search', 'query', 'mex');
      const [first] = await waitFor(() => callbacks(i).length > 0 && callbacks(i), 15_000, 'choices');
      expect(first?.body).toEqual({ type: 8, data: { choices: [] } });
    } finally {
      briefingsUnderTest.complete = complete;
    }
  });

  it('logs a failing handler and answers the user politely, privately', async () => {
    trouble.fail = true;
    try {
      const i = fake.slash('search', { query: 'migrants' });
      const [first] = await waitFor(() => callbacks(i).length > 0 && callbacks(i), 15_000, 'an answer');
      expect(first?.type).toBe(4);
      const data = first?.body.data as { content: string; flags: number; allowed_mentions: unknown };
      expect(data.content).toMatch(/^⚠️ Sorry, something went wrong/);
      expect(data.flags & 64).toBe(64);
      expect(data.allowed_mentions).toEqual({ parse: [] });
      expect(log.records.some((r) => r.msg === 'discord interaction handler failed')).toBe(true);
    } finally {
      trouble.fail = false;
    }
  });

  it('reports a failure after deferring as a private follow-up', async () => {
    trouble.fail = true;
    try {
      const i = fake.slash('brief', { topic: 'mexico' });
      await waitFor(() => i.followups.length > 0, 15_000, 'a follow-up');
      expect(callbacks(i).map((r) => r.type)).toEqual([5]);
      expect(i.followups[0]?.content).toMatch(/^⚠️ Sorry/);
      expect((i.followups[0]?.flags ?? 0) & 64).toBe(64);
    } finally {
      trouble.fail = false;
    }
  });

  it('gets a 10062 for an answer after 3 seconds, and logs it instead of crashing', async () => {
    trouble.delayMs = 50;
    const before = fake.rest.matching(/\/callback$/).filter((r) => r.status === 404).length;
    try {
      const i = fake.slash('topics');
      skew = 5_000; // by the fake's clock the bot now answers 5 s late
      await waitFor(
        () => fake.rest.matching(/\/callback$/).filter((r) => r.status === 404).length >= before + 1,
        15_000,
        'a rejected late callback',
      );
      expect(i.acknowledged).toBeUndefined();
      await waitFor(() =>
        log.records.find(
          (r) =>
            r.msg === 'discord interaction handler failed' && String(JSON.stringify(r)).includes('10062'),
        ),
      );
      // The apology is late too; wait for it so it cannot meet the next test's injected 429.
      await waitFor(() => log.records.find((r) => r.msg === 'could not tell the user about the failure'));
    } finally {
      skew = 0;
      trouble.delayMs = 0;
    }
  });

  it('waits out a 429 with retry_after and then answers', async () => {
    fake.rest.rateLimitNext({
      method: 'POST',
      path: /^\/interactions\/\d+\/[^/]+\/callback$/,
      retryAfter: 0.2,
    });
    const i = fake.slash('help');
    await waitFor(() => callbacks(i).length > 0, 15_000, 'the answer after the 429');
    const statuses = fake.rest.matching(new RegExp(`/interactions/${i.id}/`)).map((r) => r.status);
    expect(statuses).toEqual([429, 204]);
  });

  it('resumes the session after a dropped connection and keeps receiving dispatches', async () => {
    fake.gateway.drop(4000);
    await waitFor(() => fake.gateway.count(6) === 1 && fake.gateway.connected, 20_000, 'a RESUME');
    expect(fake.gateway.count(2)).toBe(1); // resumed, not re-identified
    const i = fake.slash('help');
    await waitFor(() => callbacks(i).length > 0, 15_000, 'an answer after resuming');
    expect(callbacks(i)[0]?.type).toBe(4);
  });
});
