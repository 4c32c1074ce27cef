/**
 * Queries while the archive changes: a new article arrives every second and is indexed as the
 * running bot does it (a new engine over all content, swapped in when ready, on the same thread),
 * while queries from the mix are asked every few milliseconds. Latency is measured from when a
 * query was due to when it was answered, so a query stuck behind re-indexing counts in full.
 */
import type { Content } from '../src/content/load.ts';
import { Engine } from '../src/search/engine.ts';
import type { Article } from '../src/types.ts';
import type { QueryCase } from './queries.ts';
import { median, percentile } from './stats.ts';

export interface UpdateFigures {
  /** Seconds measured, articles added (one a second), queries answered. */
  seconds: number;
  added: number;
  queries: number;
  p50: number;
  p99: number;
  /** Median time to index the archive again after one new article (ms). */
  reindexMs: number;
}

const QUERY_EVERY_MS = 5;

export async function measureUpdates(
  content: Content,
  mix: QueryCase[],
  seconds: number,
): Promise<UpdateFigures> {
  let articles = [...content.articles];
  let engine = Engine.build({ ...content, articles });
  const latencies: number[] = [];
  const reindex: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  let added = 0;
  let nextArticle = started + 1000;
  let nextQuery = started;
  let k = 0;
  const template = articles[0] as Article;
  // Queries that fell due while re-indexing are still answered (late) and counted, even past the end.
  while (performance.now() < end || nextQuery < end) {
    const now = performance.now();
    if (now >= nextArticle && nextArticle < end) {
      added++;
      const id = `live-${added}`;
      articles = [
        ...articles,
        { ...template, id, file: `live/${id}.md`, twinOf: undefined, title: `Live ${id}` },
      ];
      const t = performance.now();
      engine = Engine.build({ ...content, articles, fingerprint: `${content.fingerprint}+${added}` });
      reindex.push(performance.now() - t);
      nextArticle += 1000;
      continue;
    }
    if (now >= nextQuery) {
      const q = mix[k++ % mix.length] as QueryCase;
      engine.forgetAnswers();
      if (q.kind === 'latest') engine.latest(q.text, { limit: 10 });
      else if (q.kind === 'brief') engine.brief(q.text, { limit: 10 });
      else engine.search(q.text, { limit: 10, language: q.language });
      latencies.push(performance.now() - nextQuery);
      nextQuery += QUERY_EVERY_MS;
      continue;
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(nextQuery, nextArticle, end) - now)),
    );
  }
  return {
    seconds,
    added,
    queries: latencies.length,
    p50: median(latencies),
    p99: percentile(latencies, 99),
    reindexMs: median(reindex),
  };
}
