import type { Logger } from '../logger.ts';

/** A problem in one content file: reported with where and what, then the file is skipped. */
export class ContentError extends Error {
  override name = 'ContentError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field}: ${reason}`);
  }
}

/**
 * What became of content that has a problem: the whole file left out, one article of it left out
 * (the rest of the file is served), or served as is with something worth checking.
 */
export type ProblemOutcome = 'file skipped' | 'article skipped' | 'flagged';

export interface ContentProblem {
  file: string;
  field: string;
  reason: string;
  outcome: ProblemOutcome;
}

/** The log message for a problem: says truthfully whether the content is served. */
export function problemMessage(outcome: ProblemOutcome): string {
  return outcome === 'file skipped'
    ? 'content file skipped'
    : outcome === 'article skipped'
      ? 'content article skipped'
      : 'content flagged (still served)';
}

export function logProblems(problems: readonly ContentProblem[], logger: Logger | undefined): void {
  for (const p of problems) logger?.warn(p, problemMessage(p.outcome));
}
