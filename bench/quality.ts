/**
 * Answer quality on the judged queries over content/ (tests/fixtures/judged-queries.ts), the same
 * set the quality test holds our engine to, asked of every contender.
 */
import type { Content } from '../src/content/load.ts';
import { languageOfLocale } from '../src/text/language.ts';
import { JUDGED_QUERIES } from '../tests/fixtures/judged-queries.ts';
import { buildContender, type ContenderName } from './contenders.ts';

export interface Quality {
  contender: ContenderName;
  queries: number;
  /** Share of queries with a relevant article among the first three answers. */
  top3: number;
  /** Mean reciprocal rank of the first relevant article in the first ten (0 when absent). */
  mrr10: number;
}

export function judge(name: ContenderName, seed: Content): Quality {
  const contender = buildContender(name, seed);
  let top3 = 0;
  let mrr = 0;
  for (const { query, relevant, locale } of JUDGED_QUERIES) {
    // As the bot receives them, the last word may be unfinished: peers get prefix search turned on.
    const answer = contender.prefix(query, 10, languageOfLocale(locale));
    const rank = answer.findIndex((id) => relevant.includes(id));
    if (rank >= 0 && rank < 3) top3++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  return {
    contender: name,
    queries: JUDGED_QUERIES.length,
    top3: top3 / JUDGED_QUERIES.length,
    mrr10: mrr / JUDGED_QUERIES.length,
  };
}
