/**
 * End to end through the adapters, reusing the test fakes: inline queries through the Telegram
 * adapter against the fake Bot API (long polling), and slash commands through the Discord adapter
 * against the fake gateway and REST. Each request is timed from the moment the fake platform has
 * the update to the moment it holds the bot's answer; throughput is answers per second with
 * `concurrency` users typing at once. Content is content/ (the adapters' cost, not the engine's).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApp } from '../adapters/main.ts';
import { silentLogger } from '../src/logger.ts';
import { startFakeDiscord, waitFor } from '../tests/fakes/discord/index.ts';
import { startFakeTelegram } from '../tests/fakes/telegram/index.ts';
import { startBotAgainst } from '../tests/fakes/telegram/start-bot.ts';
import { median, percentile } from './stats.ts';

export interface EndToEnd {
  path: string;
  requests: number;
  /** Users with a request in flight at once. */
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** What people type, keystroke by keystroke, plus a few whole queries. */
const TYPED = [
  ...['oaxaca teachers', 'venezuela', 'migrants chihuahua'].flatMap((t) =>
    Array.from({ length: t.length - 2 }, (_, i) => t.slice(0, i + 3)).filter((s) => !s.endsWith(' ')),
  ),
  'general strike',
  'amlo',
  'bolivia water',
];

/** Polls every millisecond until `probe` gives a value; fails after 30 s. */
async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: no ${what} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Runs `count` requests from `concurrency` workers at once. A request may report its own latency
 * (measured by the fake's clock); otherwise it is timed around the call.
 */
async function load(count: number, concurrency: number, request: (i: number) => Promise<number | undefined>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        const own = await request(i);
        latencies.push(own ?? performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - started;
  return {
    requests: count,
    concurrency,
    perSecond: (count / wall) * 1000,
    p50: median(latencies),
    p99: percentile(latencies, 99),
  };
}

export async function telegramInline(count: number, concurrency: number): Promise<EndToEnd> {
  const fake = await startFakeTelegram();
  const bot = await startBotAgainst(fake, { RATE_LIMIT_PER_MINUTE: '10000', LOG_LEVEL: 'warn' });
  try {
    await fake.waitFor(
      () => bot.logs.some((l) => l.msg === 'telegram bot polling'),
      'the bot to poll',
      60_000,
    );
    const ask = async (i: number) => {
      const from = { id: 5000 + (i % 50), is_bot: false as const, first_name: 'Bench', language_code: 'en' };
      const started = performance.now();
      const id = fake.inlineQuery(TYPED[i % TYPED.length] as string, { from });
      // Polled every millisecond: the fake's own waitFor polls every 20 ms, coarser than what is measured.
      await until(() => fake.state.inlineQueries.get(id)?.answer, 'inline answer');
      return performance.now() - started;
    };
    await load(TYPED.length, 1, ask);
    return {
      path: 'telegram inline (fake Bot API)',
      ...(await load(count, concurrency, ask)),
    };
  } finally {
    await bot.stop();
    await fake.close();
  }
}

export async function discordSlash(count: number, concurrency: number): Promise<EndToEnd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'briefings-bench-discord-'));
  const fake = await startFakeDiscord();
  const app = await startApp({
    env: {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      CONTENT_DIR: resolve('content'),
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'silent',
    },
    logger: silentLogger,
  });
  try {
    await waitFor(() => fake.gateway.connected, 60_000, 'the bot to connect to the fake gateway');
    const ask = async (i: number) => {
      const interaction = fake.slash(
        'search',
        { query: TYPED[i % TYPED.length] as string },
        { userId: String(700000000000000000n + BigInt(i % 50)) },
      );
      // Answered: a message in the first response, or the edit after a deferral. The fake stamps both.
      const answer = await until(
        () => interaction.responses.find((r) => r.via !== 'callback' || r.type === 4),
        'slash command answer',
      );
      return answer.at - interaction.createdAt;
    };
    await load(TYPED.length, 1, ask);
    return { path: 'discord /search (fake gateway)', ...(await load(count, concurrency, ask)) };
  } finally {
    await app.stop();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
