/**
 * Per-user token buckets: a burst up to the per-minute allowance, refilled continuously. A user who
 * hits the limit is told once per streak, so the notice itself cannot become spam. Platform-neutral:
 * every chat front end applies RATE_LIMIT_PER_MINUTE with it.
 */
export type RateDecision =
  | { allowed: true }
  /** `notify` is true only for the first refusal of a streak. */
  | { allowed: false; retryAfterSeconds: number; notify: boolean };

export interface RateLimiter {
  take(userId: number | string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
  notified: boolean;
}

/** Buckets kept before idle (full) ones are dropped; bounds memory under many distinct users. */
const PRUNE_AT = 10_000;

export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = perMinute / 60_000;
  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
  };
  return {
    take(userId) {
      const t = now();
      const key = String(userId);
      if (buckets.size >= PRUNE_AT) {
        for (const [k, b] of buckets) {
          refill(b, t);
          if (b.tokens >= perMinute) buckets.delete(k);
        }
      }
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: t, notified: false };
      buckets.set(key, bucket);
      refill(bucket, t);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.notified = false;
        return { allowed: true };
      }
      const notify = !bucket.notified;
      bucket.notified = true;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
        notify,
      };
    },
  };
}
