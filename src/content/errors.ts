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

export interface ContentProblem {
  file: string;
  field: string;
  reason: string;
}
