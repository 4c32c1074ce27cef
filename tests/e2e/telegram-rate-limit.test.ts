/**
 * Per-user rate limiting end to end: with an allowance of 2 commands a minute, the third gets one
 * friendly notice, the fourth nothing; inline queries beyond their allowance get an empty answer
 * with a notice button. Other users are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, type FakeUser, startFakeTelegram } from '../fakes/telegram/index.ts';
import { type RunningBot, startBotAgainst } from '../fakes/telegram/start-bot.ts';

let fake: FakeTelegram;
let bot: RunningBot;
const user = (id: number): FakeUser => ({ id, is_bot: false, first_name: 'Rate', language_code: 'en' });

beforeAll(async () => {
  fake = await startFakeTelegram();
  bot = await startBotAgainst(fake, { RATE_LIMIT_PER_MINUTE: '2' });
  await fake.waitFor(() => bot.logs.some((l) => l.msg === 'telegram bot polling'), 'the bot to poll');
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('rate limiting', () => {
  it('answers commands within the allowance and then says once to slow down', async () => {
    const eager = user(7001);
    for (const text of ['/topics', '/help', '/latest', '/latest mexico'])
      fake.sendText(text, { from: eager });
    const notice = await fake.waitFor(() => fake.botMessages(eager.id)[2], 'the slow-down notice');
    expect(notice.text).toMatch(/^You are going a little fast\. Please try again in \d+ s\.$/);
    expect(
      fake
        .botMessages(eager.id)
        .slice(0, 2)
        .map((m) => m.text.split('\n')[0]),
    ).toEqual(['Topics in the archive', 'Briefings']);

    const calm = user(7002);
    fake.sendText('/topics', { from: calm });
    await fake.waitFor(() => fake.botMessages(calm.id)[0], 'another user to be served');
    expect(fake.botMessages(eager.id)).toHaveLength(3);
  });

  it('answers inline queries beyond their allowance with a notice button and no results', async () => {
    const typist = user(7003);
    const answers = [];
    for (let i = 0; i < 7; i++)
      answers.push(await fake.inlineAnswer(fake.inlineQuery(`mexico ${i}`, { from: typist })));
    expect(answers.slice(0, 6).every((a) => a.results.length > 0 && !a.button)).toBe(true);
    expect(answers[6]).toMatchObject({ results: [], cacheTime: 0, button: { start_parameter: 'help' } });
    expect(answers[6]?.button?.text).toMatch(/little fast/);
  });
});
