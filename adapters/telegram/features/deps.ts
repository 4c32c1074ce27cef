import type { Briefings, Logger, RateLimiter } from '../../../src/index.ts';

/** What every feature composer needs, passed in rather than reached for. */
export interface FeatureDeps {
  briefings: Briefings;
  logger: Logger;
  /** Commands and button presses. */
  commandLimiter: RateLimiter;
  /** Inline queries arrive as the user types, so they get their own, larger allowance. */
  inlineLimiter: RateLimiter;
}
