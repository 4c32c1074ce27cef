/**
 * Per-contender measurements on one corpus: build time, index heap, serialized size, and latency
 * percentiles per row of the query mix, each query answered without memoised answers.
 */
import type { Content } from '../src/content/load.ts';
import { buildContender, type Contender, type ContenderName } from './contenders.ts';
import type { QueryCase } from './queries.ts';
import { median, memoryMb, percentile, timed } from './stats.ts';

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/** One query of the mix: its median time and how many results it returned (at most the limit). */
export interface QueryFigure {
  label: string;
  text: string;
  p50: number;
  found: number;
}

export interface ContenderFigures {
  contender: ContenderName;
  buildMs: number;
  indexHeapMb: number;
  serializedMb: number;
  /** Latency per row label of the query mix, plus `all` for the whole mix (ms). */
  latency: Record<string, Latency>;
  /**
   * Per query, in mix order: a peer that finds nothing answers in microseconds, so the report
   * also compares only the queries both contenders answered.
   */
  queries: QueryFigure[];
}

function ask(contender: Contender, q: QueryCase): string[] {
  if (q.kind === 'search') return contender.search(q.text, 10, q.language);
  if (q.kind === 'prefix') return contender.prefix(q.text, 10);
  if (q.kind === 'latest') return contender.latest(q.text, 10);
  return contender.brief(q.text, 10);
}

export interface MeasureOptions {
  builds: number;
  rounds: number;
}

export function measureContender(
  name: ContenderName,
  content: Content,
  mix: QueryCase[],
  { builds, rounds }: MeasureOptions,
): ContenderFigures {
  const buildTimes: number[] = [];
  let contender: Contender | undefined;
  let heapMb = 0;
  for (let i = 0; i < builds; i++) {
    contender = undefined;
    const before = memoryMb().heap;
    const built = timed(() => buildContender(name, content));
    buildTimes.push(built.ms);
    contender = built.value;
    // The first build only: later ones start with the previous index not yet reclaimable.
    if (i === 0) heapMb = memoryMb().heap - before;
  }
  if (!contender) throw new Error('bench: builds must be at least 1');
  const serializedMb = contender.serializedBytes() / 2 ** 20;

  const samples = new Map<string, number[]>([['all', []]]);
  // One untimed pass warms the JIT, so rounds measure steady-state work.
  const found = mix.map((q) => ask(contender, q).length);
  const perQuery = mix.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    contender.forget();
    mix.forEach((q, i) => {
      const { ms } = timed(() => ask(contender, q));
      perQuery[i]?.push(ms);
      for (const key of [q.label, 'all']) {
        const list = samples.get(key) ?? [];
        list.push(ms);
        samples.set(key, list);
      }
    });
  }
  const latency: Record<string, Latency> = {};
  for (const [label, list] of samples) {
    latency[label] = { p50: median(list), p99: percentile(list, 99), samples: list.length };
  }
  const queries = mix.map((q, i) => ({
    label: q.label,
    text: q.text,
    p50: median(perQuery[i] ?? []),
    found: found[i] ?? 0,
  }));
  return {
    contender: name,
    buildMs: median(buildTimes),
    indexHeapMb: heapMb,
    serializedMb,
    latency,
    queries,
  };
}
