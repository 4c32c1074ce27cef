/**
 * A Store that tells an observer what the scheduler did with it: how each delivery attempt ended
 * and whether this instance holds a lease. Metrics hang off this instead of off the scheduler's
 * code paths, so the scheduler stays free of monitoring and any Store implementation is covered.
 */
import type { AttemptOutcome, Delivery, Platform, Store } from './types.ts';

/** How a delivery attempt ended, as monitoring names it (`uncertain`: may or may not have posted). */
export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'uncertain' | 'cancelled';

export interface StoreObserver {
  /** Attempts recorded with this outcome; deliveries found interrupted by a restart count as `uncertain`. */
  delivery?(platform: Platform | 'unknown', outcome: DeliveryOutcome, count: number): void;
  /** A named lease was taken or renewed (`held`), refused, or released. */
  lease?(name: string, held: boolean): void;
}

const OUTCOMES: Record<AttemptOutcome['status'], DeliveryOutcome> = {
  sent: 'sent',
  pending: 'retry',
  failed: 'failed',
  unknown: 'uncertain',
  cancelled: 'cancelled',
};

/** Deliveries whose platform is remembered between being read and being finished. */
const MAX_REMEMBERED = 10_000;

const isDelivery = (v: unknown): v is Delivery =>
  typeof v === 'object' && v !== null && 'id' in v && 'platform' in v && 'key' in v && 'attempts' in v;

/**
 * Wraps `store` (any implementation, plain object or class) so `observer` hears about attempt
 * outcomes and leases. The platform of a finished delivery comes from the delivery rows the
 * store handed out before (whatever method returned them), else from one `getDelivery`.
 */
export function observeStore(store: Store, observer: StoreObserver | undefined): Store {
  if (!observer) return store;
  const platforms = new Map<number, Platform>();
  const remember = (value: unknown) => {
    for (const d of Array.isArray(value) ? value : [value]) {
      if (!isDelivery(d)) continue;
      if (platforms.size >= MAX_REMEMBERED) platforms.clear();
      platforms.set(d.id, d.platform);
    }
  };
  const notify = (fn: () => void) => {
    try {
      fn();
    } catch {
      // An observer never breaks the scheduler.
    }
  };
  const platformOf = async (id: number): Promise<Platform | 'unknown'> => {
    const known = platforms.get(id);
    if (known) return known;
    return (await store.getDelivery(id).catch(() => undefined))?.platform ?? 'unknown';
  };

  const wrapped: Partial<Store> = {
    async finishAttempt(id, outcome) {
      await store.finishAttempt(id, outcome);
      const platform = await platformOf(id);
      if (outcome.status !== 'pending') platforms.delete(id);
      notify(() => observer.delivery?.(platform, OUTCOMES[outcome.status], 1));
    },
    async recoverInterrupted(platform, resend, at) {
      const result = await store.recoverInterrupted(platform, resend, at);
      if (result.unknown > 0) notify(() => observer.delivery?.(platform, 'uncertain', result.unknown));
      return result;
    },
    async acquireLease(name, holder, now, ttlMs) {
      const held = await store.acquireLease(name, holder, now, ttlMs);
      notify(() => observer.lease?.(name, held));
      return held;
    },
    async releaseLease(name, holder) {
      await store.releaseLease(name, holder);
      notify(() => observer.lease?.(name, false));
    },
  };

  return new Proxy(store, {
    get(target, property, receiver) {
      const own = wrapped[property as keyof Store];
      if (own) return own;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then((v) => {
          remember(v);
          return v;
        });
      };
    },
  });
}
