/**
 * `npx tsx bench/query-profile.ts [size] [rounds]`: our engine alone on the query mix, latency per
 * row (p50 / p99), for profiling query paths (`node --cpu-prof --import tsx bench/query-profile.ts`)
 * without the peers and start-up measurements of `npm run bench`.
 */
import { Engine } from '../src/search/engine.ts';
import { ours } from './contenders.ts';
import { generateCorpus, loadSeed } from './corpus.ts';
import { queryMix } from './queries.ts';
import { median, percentile, timed } from './stats.ts';

const size = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 30);
const content = generateCorpus(await loadSeed('content'), { size });
const built = timed(() => Engine.build(content));
process.stderr.write(`built ${size} articles in ${built.ms.toFixed(0)} ms\n`);
const engine = ours(built.value);
const mix = queryMix(content);
const ask = (q: (typeof mix)[number]) =>
  q.kind === 'latest'
    ? engine.latest(q.text, 10)
    : q.kind === 'brief'
      ? engine.brief(q.text, 10)
      : engine.search(q.text, 10, q.language);
for (const q of mix) ask(q);
const samples = new Map<string, number[]>([['all', []]]);
for (let r = 0; r < rounds; r++) {
  engine.forget();
  for (const q of mix) {
    const { ms } = timed(() => ask(q));
    for (const key of [q.label, 'all']) samples.set(key, [...(samples.get(key) ?? []), ms]);
  }
}
for (const [label, list] of samples)
  console.log(
    `${label.padEnd(16)} p50 ${median(list).toFixed(3)} ms  p99 ${percentile(list, 99).toFixed(3)} ms`,
  );
