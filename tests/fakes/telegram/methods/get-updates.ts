import { BotApiError } from '../errors.ts';
import type { MethodHandler } from './types.ts';

/** Longest long poll the fake holds open, whatever `timeout` asks, so tests never hang. */
const MAX_POLL_MS = 30_000;

/**
 * getUpdates: confirms everything below `offset`, then answers pending updates at once or holds
 * the request up to `timeout` seconds for new ones. Refused while a webhook is set, like Telegram.
 */
export const getUpdates: MethodHandler = async (params, state, signal) => {
  if (state.webhook) {
    throw new BotApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const offset = typeof params.offset === 'number' ? params.offset : 0;
  const limit = Math.min(100, Math.max(1, typeof params.limit === 'number' ? params.limit : 100));
  const timeout = typeof params.timeout === 'number' ? params.timeout : 0;
  // Like Telegram: a second getUpdates while one is open ends the first with 409 Conflict.
  const poll = new AbortController();
  if (state.activePoll) {
    state.pollConflicts += 1;
    state.activePoll.abort();
  }
  state.activePoll = poll;
  try {
    state.confirmUpTo(offset);
    if (state.pending.length === 0 && timeout > 0) {
      await state.waitForUpdate(
        Math.min(timeout * 1000, MAX_POLL_MS),
        AbortSignal.any([signal, poll.signal]),
      );
    }
  } finally {
    if (state.activePoll === poll) state.activePoll = undefined;
  }
  if (poll.signal.aborted) {
    throw new BotApiError(
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
  }
  const allowed =
    Array.isArray(params.allowed_updates) && params.allowed_updates.length > 0
      ? params.allowed_updates
      : undefined;
  return state.pending
    .filter((u) => u.update_id >= offset)
    .filter((u) => !allowed || Object.keys(u).some((k) => allowed.includes(k)))
    .slice(0, limit);
};
