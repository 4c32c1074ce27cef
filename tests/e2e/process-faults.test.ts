/**
 * Faults only a real process shows: `briefings start` runs as a child process against the fake
 * platforms (or a closed port), and the tests time how it stops or fails. Every wait is bounded.
 *
 * - SIGTERM with an answer in flight and the platform not answering (or gone): exit 0 within 10 s.
 * - The platform unreachable at start-up: one log line per retry, then a clear message and exit 1.
 * - A token the platform refuses: a message naming the variable and exit 2.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { type BotProcess, closedPort, startBotProcess } from '../fakes/process.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

/** What the issue promises for SIGTERM/SIGINT, whatever the platform does. */
const STOP_BOUND_MS = 10_000;
/** Start-up retries take about 15 s; then the process must have exited. */
const START_FAILURE_BOUND_MS = 45_000;

const noPlatforms = { TELEGRAM_BOT_TOKEN: '', DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '' };

let proc: BotProcess | undefined;
let telegram: FakeTelegram | undefined;
let discord: FakeDiscord | undefined;

afterEach(async () => {
  await proc?.cleanup();
  await telegram?.close();
  await discord?.close();
  proc = undefined;
  telegram = undefined;
  discord = undefined;
});

async function startAgainstTelegram(fake: FakeTelegram): Promise<BotProcess> {
  const p = await startBotProcess({
    ...noPlatforms,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
  });
  await p.waitForLog('telegram bot polling', 60_000);
  return p;
}

describe('Telegram, as a process', () => {
  it('stops on SIGTERM within 10 s, exit 0, while a reply hangs on the Bot API', async () => {
    telegram = await startFakeTelegram();
    proc = await startAgainstTelegram(telegram);
    telegram.failNext('sendMessage', 1, { hang: true });
    telegram.sendText('/topics');
    const fake = telegram;
    await fake.waitFor(() => fake.state.hanging.includes('sendMessage'), 'the reply to hang', 20_000);

    const { code, ms } = await proc.signalAndWait('SIGTERM', STOP_BOUND_MS + 5_000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(proc.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'telegram bot stopped', 'stopped']),
    );
  }, 90_000);

  it('stops on SIGINT within 10 s, exit 0, when the Bot API goes away mid-reply', async () => {
    telegram = await startFakeTelegram();
    proc = await startAgainstTelegram(telegram);
    telegram.failNext('sendMessage', 1, { hang: true });
    telegram.sendText('/latest mexico');
    const fake = telegram;
    await fake.waitFor(() => fake.state.hanging.includes('sendMessage'), 'the reply to hang', 20_000);

    const stopping = proc.signalAndWait('SIGINT', STOP_BOUND_MS + 5_000);
    await new Promise((r) => setTimeout(r, 200));
    await telegram.close();
    telegram = undefined;
    const { code, ms } = await stopping;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
  }, 90_000);

  it('retries getMe with a log line each when the Bot API is unreachable, then exits 1 saying why', async () => {
    const port = await closedPort();
    const started = Date.now();
    proc = await startBotProcess({
      ...noPlatforms,
      TELEGRAM_BOT_TOKEN: '123456:TEST-token_for-the-fake-bot-api',
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    });
    const exit = await proc.exitWithin(START_FAILURE_BOUND_MS);
    expect(exit, 'the process should have given up').toBeDefined();
    expect(exit?.code).toBe(1);
    expect((exit?.at ?? 0) - started).toBeLessThan(START_FAILURE_BOUND_MS);
    const retries = proc.logs.filter((l) => l.msg === 'telegram request failed; retrying');
    expect(retries).toHaveLength(4);
    expect(retries.every((l) => l.method === 'getMe' && l.reason === 'ECONNREFUSED')).toBe(true);
    expect(proc.text.join('\n')).toMatch(
      new RegExp(`Telegram: the Bot API at http://127.0.0.1:${port} did not answer \\(ECONNREFUSED\\)`),
    );
    expect(proc.text.join('\n')).not.toMatch(/^\s+at /m);
  }, 90_000);

  it('stops at once, exit 0, on SIGTERM while start-up is still retrying', async () => {
    const port = await closedPort();
    proc = await startBotProcess({
      ...noPlatforms,
      TELEGRAM_BOT_TOKEN: '123456:TEST-token_for-the-fake-bot-api',
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    });
    await proc.waitForLog('telegram request failed; retrying', 60_000);
    const { code, ms } = await proc.signalAndWait('SIGTERM', STOP_BOUND_MS + 5_000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
  }, 90_000);

  it('exits 2 naming TELEGRAM_BOT_TOKEN when Telegram refuses the token', async () => {
    telegram = await startFakeTelegram();
    proc = await startBotProcess({
      ...noPlatforms,
      TELEGRAM_BOT_TOKEN: '654321:WRONG-token_for-the-fake-bot-api',
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    const exit = await proc.exitWithin(START_FAILURE_BOUND_MS);
    expect(exit?.code).toBe(2);
    expect(proc.text.join('\n')).toMatch(/^TELEGRAM_BOT_TOKEN: Telegram refused the token \(401/m);
    expect(proc.text.join('\n')).not.toContain('WRONG-token');
  }, 90_000);
});

describe('Discord, as a process', () => {
  it('stops on SIGTERM within 10 s, exit 0, while an interaction answer hangs', async () => {
    discord = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
    proc = await startBotProcess({
      ...noPlatforms,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_BASE: discord.apiBase,
    });
    await proc.waitForLog('discord bot ready', 60_000);
    const fake = discord;
    fake.rest.hangNext({ method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/ });
    fake.slash('topics');
    await waitUntil(() => fake.rest.hanging.length > 0, 'the answer to hang');

    const stopping = proc.signalAndWait('SIGTERM', STOP_BOUND_MS + 5_000);
    await new Promise((r) => setTimeout(r, 200));
    await discord.close();
    discord = undefined;
    const { code, ms } = await stopping;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(proc.logs.map((l) => l.msg)).toContain('discord bot stopped');
  }, 90_000);

  it('retries when the REST API is unreachable at start-up, a log line each, then exits 1 saying why', async () => {
    const port = await closedPort();
    proc = await startBotProcess({
      ...noPlatforms,
      DISCORD_TOKEN: 'fake-bot-token',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_BASE: `http://127.0.0.1:${port}/api`,
    });
    const exit = await proc.exitWithin(START_FAILURE_BOUND_MS);
    expect(exit?.code).toBe(1);
    const retries = proc.logs.filter((l) => l.msg === 'discord unreachable at start-up; retrying');
    expect(retries).toHaveLength(4);
    expect(retries.every((l) => l.reason === 'ECONNREFUSED')).toBe(true);
    const stderr = proc.text.join('\n');
    expect(stderr).toMatch(
      new RegExp(`Discord: the API at http://127.0.0.1:${port}/api did not answer \\(ECONNREFUSED\\)`),
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
