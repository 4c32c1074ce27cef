/**
 * `npx tsx bench/query-ab.ts <base src dir> [size] [rounds]`: the search rows of the query mix on
 * this checkout's engine and on another revision's, built over the same corpus and asked
 * alternately in one process (the order flips every round), with each round's memoised answers
 * forgotten as `npm run bench` does. Prints p50 per row and per query, new against base, after
 * checking that both give the same pages (ids, scores, strictness, passages, terms, totals and
 * unmatched words, pages 1 to 3 and the exhaustive ranking). The base is a copy of another
 * revision's `src/` inside the repository, so its packages resolve:
 * `mkdir -p .base && git archive main src | tar -x -C .base`, then `bench/query-ab.ts .base/src`.
 */
import { resolve } from 'node:path';
import { Engine } from '../src/search/engine.ts';
import { generateCorpus, loadSeed } from './corpus.ts';
import { type QueryCase, queryMix } from './queries.ts';
import { median } from './stats.ts';

type AnyEngine = Pick<Engine, 'search' | 'forgetAnswers'>;

const [baseDir, sizeArg, roundsArg] = process.argv.slice(2);
if (!baseDir) throw new Error('usage: bench/query-ab.ts <base src dir> [size] [rounds]');
const size = Number(sizeArg ?? 100_000);
const rounds = Number(roundsArg ?? 40);
const Base = ((await import(resolve(baseDir, 'search/engine.ts'))) as { Engine: typeof Engine }).Engine;
const content = generateCorpus(await loadSeed('content'), { size });
const engines: { name: 'base' | 'new'; engine: AnyEngine }[] = [
  { name: 'base', engine: Base.build(content) },
  { name: 'new', engine: Engine.build(content) },
];
const mix = queryMix(content).filter((q) => q.kind === 'search' || q.kind === 'prefix');
const ask = (e: AnyEngine, q: QueryCase, options: { limit: number; offset?: number; exhaustive?: boolean }) =>
  e.search(q.text, { ...options, language: q.language, complete: q.kind === 'search' });

let differ = 0;
for (const q of mix) {
  for (const options of [
    { limit: 10 },
    { limit: 10, offset: 10 },
    { limit: 25 },
    { limit: 10, exhaustive: true },
  ]) {
    const [a, b] = engines.map(({ engine }) => {
      engine.forgetAnswers();
      const page = ask(engine, q, options);
      return JSON.stringify({
        total: page.total,
        unmatched: page.unmatched,
        hits: page.hits.map((h) => [h.article.id, h.score, h.strict, h.passage, h.terms]),
      });
    });
    if (a !== b) {
      differ++;
      console.log(`differs: ${q.text} ${JSON.stringify(options)}`);
    }
  }
}
console.log(differ ? `${differ} pages differ` : 'pages identical');

for (const { engine } of engines) for (const q of mix) ask(engine, q, { limit: 10 });
const samples = new Map<string, number[]>();
const add = (key: string, ms: number) => {
  const list = samples.get(key) ?? [];
  list.push(ms);
  samples.set(key, list);
};
for (let r = 0; r < rounds; r++) {
  for (const { name, engine } of r % 2 ? [...engines].reverse() : engines) {
    engine.forgetAnswers();
    for (const q of mix) {
      const start = performance.now();
      ask(engine, q, { limit: 10 });
      const ms = performance.now() - start;
      for (const key of [q.label, `  ${q.text}`, 'all']) add(`${name}\u0000${key}`, ms);
    }
  }
}
const keys = [...new Set([...samples.keys()].map((k) => k.split('\u0000')[1] as string))];
for (const key of keys) {
  const base = median(samples.get(`base\u0000${key}`) ?? []);
  const now = median(samples.get(`new\u0000${key}`) ?? []);
  console.log(
    `${key.slice(0, 34).padEnd(34)} base ${base.toFixed(3)} ms  new ${now.toFixed(3)} ms  ${(base / now).toFixed(2)}×`,
  );
}
