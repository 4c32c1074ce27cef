/** The fake Bot API's long polling behaves like Telegram's: a second getUpdates ends the first with 409. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

describe('fake Bot API: overlapping getUpdates', () => {
  let fake: FakeTelegram;
  beforeEach(async () => {
    fake = await startFakeTelegram();
  });
  afterEach(() => fake.close());

  const getUpdates = async (timeout: number) => {
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeout }),
    });
    return { status: response.status, body: (await response.json()) as { description?: string } };
  };

  it('answers the earlier poll 409 when a second one arrives, and counts the conflict', async () => {
    const first = getUpdates(5);
    await fake.waitFor(() => fake.state.activePoll !== undefined, 'the first poll to be held');
    const second = getUpdates(0);
    expect((await first).status).toBe(409);
    expect((await first).body.description).toMatch(/terminated by other getUpdates request/);
    expect((await second).status).toBe(200);
    expect(fake.state.pollConflicts).toBe(1);
  });

  it('lets polls that follow one another through', async () => {
    expect((await getUpdates(0)).status).toBe(200);
    expect((await getUpdates(0)).status).toBe(200);
    expect(fake.state.pollConflicts).toBe(0);
  });
});
