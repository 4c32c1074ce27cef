/**
 * One-of-many roles on a shared store (e.g. "the instance that long-polls Telegram"): every
 * instance keeps trying to take a named lease; the holder renews it, the others wait, and when the
 * holder dies its lease runs out and another instance takes the role within `ttlMs + retryMs`.
 */
import type { Logger } from '../logger.ts';
import type { Store } from './types.ts';

export interface ElectionOptions {
  store: Store;
  /** The lease's name, one per role. */
  name: string;
  /** This instance. */
  holder: string;
  /** How long the role survives its holder's silence. */
  ttlMs?: number;
  /** How often the holder renews and the others try (default a third of `ttlMs`). */
  retryMs?: number;
  /** Called when this instance takes the role; the role is held once it resolves. */
  onElected(): Promise<void>;
  /** Called when this instance loses the role (could not renew in time) or stops. */
  onDeposed(): Promise<void>;
  logger?: Logger;
}

export interface Election {
  /** Whether this instance holds the role now. */
  readonly leader: boolean;
  /** Steps down (calling `onDeposed` if it led) and releases the lease. */
  stop(): Promise<void>;
}

/** Starts campaigning at once; resolves after the first attempt. */
export async function startElection(options: ElectionOptions): Promise<Election> {
  const { store, name, holder, ttlMs = 10_000, logger } = options;
  const retryMs = options.retryMs ?? Math.max(200, Math.floor(ttlMs / 3));
  let leader = false;
  let leaseUntil = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  async function step(): Promise<void> {
    const now = Date.now();
    let won = false;
    try {
      won = await store.acquireLease(name, holder, now, ttlMs);
      if (won) leaseUntil = now + ttlMs;
    } catch (error) {
      logger?.warn({ err: error, role: name }, 'could not renew or take the lease');
      // Keep the role while the lease we hold is certainly still ours.
      won = leader && Date.now() < leaseUntil - retryMs;
    }
    if (stopped) return;
    if (won && !leader) {
      leader = true;
      logger?.info({ role: name, holder }, 'took the role');
      await options.onElected();
    } else if (!won && leader) {
      leader = false;
      logger?.warn({ role: name, holder }, 'lost the role');
      await options.onDeposed();
    }
  }

  const loop = () => {
    round = step()
      .catch((error: unknown) => logger?.error({ err: error, role: name }, 'election step failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, retryMs);
      });
  };
  loop();
  await round;

  return {
    get leader() {
      return leader;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
      if (leader) {
        leader = false;
        await options.onDeposed();
      }
      await store.releaseLease(name, holder).catch(() => undefined);
    },
  };
}
