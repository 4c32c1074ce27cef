/**
 * Long polling with @grammyjs/runner: updates are fetched continuously and handled concurrently,
 * while the bot's `sequentialize` keeps each chat in order. Failed fetches are retried (and
 * logged) by the bot's API transformer, see retry.ts.
 */
import { run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Logger } from '../../src/index.ts';
import { ALLOWED_UPDATES } from './updates.ts';

export async function startPolling(
  bot: Bot,
  logger: Logger,
): Promise<{ stop(): Promise<void>; connected(): true | string }> {
  // A webhook left over from an earlier deployment would make every getUpdates fail with 409.
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { timeout: 30, allowed_updates: ALLOWED_UPDATES } } });
  logger.info({ username: bot.botInfo.username }, 'telegram bot polling');
  return {
    connected: () => (runner.isRunning() ? true : 'polling stopped'),
    /** Stops fetching updates; updates already being handled go on (the caller bounds them). */
    async stop() {
      if (runner.isRunning()) await runner.stop();
    },
  };
}
