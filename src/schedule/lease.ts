/**
 * This instance's hold on shared work. Every instance runs the scheduler; each due digest and each
 * ready delivery is claimed by one instance at a time, for `claimTtlMs`. A live instance renews its
 * claims every third of that; a dead one's lapse and another instance takes the work over.
 */
import type { Logger } from '../logger.ts';
import type { Claim, Store } from '../store/types.ts';
import type { Clock, TimerHandle } from './clock.ts';

export interface LeaseOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** This instance's name on the work it claims. */
  holder: string;
  claimTtlMs: number;
}

export interface Lease {
  readonly holder: string;
  /** A claim on work taken now: this holder's, until the TTL runs out unless renewed. */
  claim(): Claim;
  /** Starts renewing this instance's claims. */
  start(): void;
  /** Stops renewing (the claims lapse unless released). */
  stop(): void;
  /** Gives work back at once rather than when the claims would expire. */
  release(scope: 'digests' | 'all'): Promise<void>;
}

export function createLease({ store, clock, log, holder, claimTtlMs }: LeaseOptions): Lease {
  let heartbeat: TimerHandle | undefined;
  let renewing = false;

  /** Keeps this instance's claims alive while it runs. */
  async function renew(): Promise<void> {
    heartbeat = undefined;
    if (!renewing) return;
    try {
      await store.renewClaims(holder, clock.now() + claimTtlMs);
    } catch (error) {
      log.warn({ err: error }, 'could not renew work claims');
    }
    if (renewing) heartbeat = clock.setTimeout(() => void renew(), claimTtlMs / 3);
  }

  return {
    holder,
    claim: () => ({ holder, until: clock.now() + claimTtlMs }),
    start() {
      if (renewing) return;
      renewing = true;
      heartbeat = clock.setTimeout(() => void renew(), claimTtlMs / 3);
    },
    stop() {
      renewing = false;
      if (heartbeat) clock.clearTimeout(heartbeat);
      heartbeat = undefined;
    },
    release: (scope) => store.releaseClaims(holder, scope),
  };
}
