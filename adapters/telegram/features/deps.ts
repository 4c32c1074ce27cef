import type { Briefings } from '../../../src/commands/index.ts';
import type { Logger } from '../../../src/logger.ts';
import type { RateLimiter } from '../../../src/rate-limit.ts';

/** What every feature composer needs, passed in rather than reached for. */
export interface FeatureDeps {
  briefings: Briefings;
  logger: Logger;
  /** Commands and button presses. */
  commandLimiter: RateLimiter;
  /** Inline queries arrive as the user types, so they get their own, larger allowance. */
  inlineLimiter: RateLimiter;
}
