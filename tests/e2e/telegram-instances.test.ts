/**
 * Two instances of the app in webhook mode on one PostgreSQL schema, as behind a load balancer:
 * both serve the endpoint, and an update Telegram redelivers to the other instance (after a
 * timeout, say) is handled once, through the de-duplication table they share.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, type FakeUser, startFakeTelegram } from '../fakes/telegram/index.ts';
import { type RunningBot, startBotAgainst } from '../fakes/telegram/start-bot.ts';
import {
  dropSchema,
  postgresForTests,
  requiredButMissing,
  schemaName,
  urlWithSchema,
} from '../support/postgres.ts';

const SECRET = 'webhook-secret_0123456789';

const postgres = await postgresForTests('the shared webhook de-duplication test');
const missing = requiredButMissing(postgres);
if (missing) {
  it('webhook instances share de-duplication', () => {
    throw new Error(missing);
  });
}

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

const user: FakeUser = { id: 7007, is_bot: false, first_name: 'Lb', language_code: 'en' };
const helpUpdate = (updateId: number) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    from: user,
    chat: { id: user.id, type: 'private', first_name: user.first_name },
    date: Math.floor(Date.now() / 1000),
    text: '/help',
    entities: [{ type: 'bot_command', offset: 0, length: 5 }],
  },
});

describe.skipIf(!postgres.available)('Telegram webhook on several instances', () => {
  let fake: FakeTelegram;
  let schema: string;
  const bots: RunningBot[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    fake = await startFakeTelegram();
    schema = schemaName('webhook');
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}/telegram/hook`);
      bots.push(
        await startBotAgainst(fake, {
          DATABASE_URL: urlWithSchema(schema),
          TELEGRAM_WEBHOOK_URL: urls[i] as string,
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          TELEGRAM_WEBHOOK_PORT: String(port),
        }),
      );
    }
  });

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await fake?.close();
    if (schema) await dropSchema(schema);
  });

  const post = async (url: string, update: object) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  };

  it('answers an update redelivered to the other instance once', async () => {
    const [a, b] = urls as [string, string];
    // The same update at both instances at once, then again later.
    fake.state.addChat({ id: user.id, type: 'private', first_name: user.first_name });
    expect(await Promise.all([post(a, helpUpdate(9001)), post(b, helpUpdate(9001))])).toEqual([200, 200]);
    expect(await post(b, helpUpdate(9001))).toBe(200);
    await fake.waitFor(() => fake.botMessages(user.id).length >= 1, 'the answer');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.botMessages(user.id)).toHaveLength(1);
    // A new update is answered, whichever instance gets it.
    expect(await post(b, helpUpdate(9002))).toBe(200);
    await fake.waitFor(() => fake.botMessages(user.id).length === 2, 'the second answer');
  });
});
