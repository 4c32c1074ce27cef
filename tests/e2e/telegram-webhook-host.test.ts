/**
 * TELEGRAM_WEBHOOK_HOST: the webhook server binds the address given, and only it. 127.0.0.2 is a
 * loopback address distinct from 127.0.0.1 (Linux routes all of 127/8 to lo), so a server bound
 * to it refuses connections to 127.0.0.1 on the same port.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { type RunningBot, startBotAgainst } from '../fakes/telegram/start-bot.ts';

const SECRET = 'webhook-secret_host-test';
const HOST = '127.0.0.2';
let fake: FakeTelegram;
let bot: RunningBot;
let port: number;

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const post = (host: string) =>
  fetch(`http://${host}:${port}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify({ update_id: 990_001 }),
  }).then((r) => r.status);

beforeAll(async () => {
  fake = await startFakeTelegram();
  port = await freePort(HOST);
  bot = await startBotAgainst(fake, {
    TELEGRAM_WEBHOOK_URL: `http://${HOST}:${port}/hook`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_PORT: String(port),
    TELEGRAM_WEBHOOK_HOST: HOST,
  });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('TELEGRAM_WEBHOOK_HOST', () => {
  it('binds the webhook server to the given address only', async () => {
    expect(bot.logs.find((l) => l.msg === 'telegram webhook listening')).toMatchObject({ host: HOST, port });
    fake.sendText('/topics');
    const reply = await fake.waitFor(() => fake.botMessages(1001)[0], 'the reply to a pushed update');
    expect(reply.text).toMatch(/^Topics in the archive/);
    expect(await post(HOST)).toBe(200);
    await expect(post('127.0.0.1')).rejects.toThrow();
  });
});
