/**
 * The Telegram bot end to end in webhook mode: the fake Bot API pushes updates to the bot's HTTP
 * endpoint with the secret header, as Telegram does; requests with a wrong secret are refused and
 * redelivered updates are handled once.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, type FakeUser, startFakeTelegram } from '../fakes/telegram/index.ts';
import { type RunningBot, startBotAgainst } from '../fakes/telegram/start-bot.ts';

const SECRET = 'webhook-secret_0123456789';
let fake: FakeTelegram;
let bot: RunningBot;
let webhookUrl: string;
let nextUserId = 5000;

const newUser = (): FakeUser => ({
  id: nextUserId++,
  is_bot: false,
  first_name: 'Hook',
  language_code: 'en',
});

/** A port that was free a moment ago; the bot binds it itself, as it would behind a proxy. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Posts an update straight to the bot's endpoint, as someone other than the fake would. */
async function post(update: object, secret: string | undefined): Promise<number> {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
    },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

const textUpdate = (updateId: number, user: FakeUser, text: string) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    from: user,
    chat: { id: user.id, type: 'private', first_name: user.first_name },
    date: Math.floor(Date.now() / 1000),
    text,
    entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]?.length ?? 0 }],
  },
});

beforeAll(async () => {
  fake = await startFakeTelegram();
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/telegram/hook`;
  bot = await startBotAgainst(fake, {
    TELEGRAM_WEBHOOK_URL: webhookUrl,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_PORT: String(port),
  });
  await fake.waitFor(() => fake.state.webhook, 'the webhook to be set');
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('webhook mode', () => {
  it('registers the webhook with its secret and never polls', () => {
    expect(fake.state.webhook).toEqual({ url: webhookUrl, secret: SECRET });
    expect(fake.state.calls.some((c) => c.method === 'getUpdates')).toBe(false);
  });

  it('answers updates Telegram pushes', async () => {
    const user = newUser();
    fake.state.addChat({ id: user.id, type: 'private', first_name: user.first_name });
    fake.sendText('/latest mexico', { from: user });
    const reply = await fake.waitFor(() => fake.botMessages(user.id)[0], 'the reply');
    expect(reply.text).toMatch(/^Latest on Mexico/);
    expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('refuses an update with a wrong or missing secret and does not act on it', async () => {
    const user = newUser();
    fake.state.addChat({ id: user.id, type: 'private', first_name: user.first_name });
    expect(await post(textUpdate(900_001, user, '/topics'), 'not-the-secret')).toBe(401);
    expect(await post(textUpdate(900_002, user, '/topics'), undefined)).toBe(401);
    // A genuine update afterwards is answered; it is the only answer in the chat.
    expect(await post(textUpdate(900_003, user, '/help'), SECRET)).toBe(200);
    await fake.waitFor(() => fake.botMessages(user.id)[0], 'the genuine reply');
    expect(fake.botMessages(user.id)).toHaveLength(1);
    expect(fake.botMessages(user.id)[0]?.text).toMatch(/\/latest/);
  });

  it('handles a redelivered update once', async () => {
    const user = newUser();
    fake.state.addChat({ id: user.id, type: 'private', first_name: user.first_name });
    const update = textUpdate(900_010, user, '/topics');
    expect(await post(update, SECRET)).toBe(200);
    expect(await post(update, SECRET)).toBe(200);
    expect(await post(textUpdate(900_011, user, '/help'), SECRET)).toBe(200);
    await fake.waitFor(() => fake.botMessages(user.id)[1], 'the second reply');
    expect(fake.botMessages(user.id).map((m) => m.text.split('\n')[0])).toEqual([
      'Topics in the archive',
      'Briefings',
    ]);
  });

  it('shuts down gracefully: the endpoint closes and stop can be called again', async () => {
    await bot.stop();
    const user = newUser();
    await expect(post(textUpdate(900_020, user, '/help'), SECRET)).rejects.toThrow();
    await expect(bot.stop()).resolves.toBeUndefined();
  });
});
