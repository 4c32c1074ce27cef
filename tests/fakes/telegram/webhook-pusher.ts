/**
 * Telegram's side of webhook mode: while a webhook is set, each pending update is POSTed to it in
 * order with the secret header; anything but a 2xx is redelivered (up to a bound), which is what
 * makes update de-duplication necessary on the bot's side.
 */
import type { FakeState } from './state.ts';

export interface Delivery {
  updateId: number;
  status: number | 'network-error';
}

const MAX_ATTEMPTS = 5;
const RETRY_MS = 100;

/** Starts pushing; returns a stop function that waits for the delivery in flight. */
export function startWebhookPusher(state: FakeState, deliveries: Delivery[]): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;
  const attempts = new Map<number, number>();

  const pushAll = async () => {
    while (!stopped && state.webhook && state.pending.length > 0) {
      const update = state.pending[0];
      if (!update) break;
      const { url, secret } = state.webhook;
      const status = await post(url, secret, update);
      deliveries.push({ updateId: update.update_id, status });
      const tried = (attempts.get(update.update_id) ?? 0) + 1;
      attempts.set(update.update_id, tried);
      if ((typeof status === 'number' && status >= 200 && status < 300) || tried >= MAX_ATTEMPTS) {
        state.pending.shift();
      } else {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  };
  const kick = () => {
    running ??= pushAll().finally(() => {
      running = undefined;
      if (!stopped && state.webhook && state.pending.length > 0) kick();
    });
  };
  const unsubscribe = state.onUpdate(kick);
  const timer = setInterval(() => {
    if (state.webhook && state.pending.length > 0) kick();
  }, 50);
  return async () => {
    stopped = true;
    unsubscribe();
    clearInterval(timer);
    await running;
  };
}

async function post(
  url: string,
  secret: string | undefined,
  update: object,
): Promise<number | 'network-error'> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'network-error';
  }
}
