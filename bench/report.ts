/** The results table printed by `npm run bench` and the shape of bench/results.json. */
import type { ColdStart } from './cold.ts';
import type { EndToEnd } from './e2e.ts';
import type { ContenderFigures } from './measure.ts';
import type { Quality } from './quality.ts';
import { fmt, median } from './stats.ts';
import type { UpdateFigures } from './updates.ts';

export interface SizeResult {
  articles: number;
  /** Distinct words in the corpus: grows with size like real text. */
  vocabulary: number;
  contenders: ContenderFigures[];
  coldStart?: ColdStart;
  /** Our query latency while an article is added every second. */
  updates?: UpdateFigures;
}

export interface Results {
  command: string;
  quick: boolean;
  date: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
  quality: Quality[];
  sizes: SizeResult[];
  /** The adapters against the fake platforms, over content/. */
  endToEnd: EndToEnd[];
}

export const LATENCY_ROWS = [
  'common word',
  'rare word',
  'two words',
  'three words',
  'Spanish',
  'typo',
  'as-you-type',
  'latest <topic>',
  'brief <topic>',
  'all',
];

/** Texts of a row's queries that a contender answered with at least one result. */
const answered = (c: ContenderFigures, label: string): Set<string> =>
  new Set(c.queries.filter((q) => q.label === label && q.found > 0).map((q) => q.text));

/** One plain-text table: a row per figure, a column per contender, ratios against ours. */
export function table(results: Results): string {
  const lines: string[] = [];
  const row = (cells: string[]) =>
    lines.push(cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(12))).join(' '));
  const { machine } = results;
  lines.push(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  lines.push('');
  row(['answer quality (judged queries)', 'top-3', 'MRR@10']);
  for (const q of results.quality)
    row([`  ${q.contender}`, `${(q.top3 * 100).toFixed(0)}%`, q.mrr10.toFixed(2)]);
  for (const size of results.sizes) {
    lines.push('');
    const names = size.contenders.map((c) => c.contender);
    row([
      `${size.articles} articles (${size.vocabulary} words)`,
      ...names,
      ...names.slice(1).map((n) => `${n.split('-')[0]}/ours`),
    ]);
    const ours = size.contenders[0] as ContenderFigures;
    const figure = (label: string, get: (c: ContenderFigures) => number) => {
      const values = size.contenders.map(get);
      row([label, ...values.map(fmt), ...values.slice(1).map((v) => `${fmt(v / get(ours))}×`)]);
    };
    figure('build (ms)', (c) => c.buildMs);
    figure('index heap (MB)', (c) => c.indexHeapMb);
    figure('serialized (MB)', (c) => c.serializedMb);
    for (const label of LATENCY_ROWS) {
      if (!ours.latency[label]) continue;
      figure(`${label} p50 (ms)`, (c) => c.latency[label]?.p50 ?? Number.NaN);
      figure(`${label} p99 (ms)`, (c) => c.latency[label]?.p99 ?? Number.NaN);
      if (label === 'all') continue;
      const asked = ours.queries.filter((q) => q.label === label).length;
      row([
        `  queries answered, of ${asked}`,
        ...size.contenders.map((c) => String(answered(c, label).size)),
      ]);
      row([
        '  p50 ratio where both answer',
        ...names.map(() => ''),
        ...size.contenders.slice(1).map((peer) => {
          const mine = answered(ours, label);
          const both = new Set([...answered(peer, label)].filter((text) => mine.has(text)));
          const p50 = (c: ContenderFigures) =>
            median(c.queries.filter((q) => both.has(q.text)).map((q) => q.p50));
          return both.size > 0 ? `${fmt(p50(peer) / p50(ours))}×` : '–';
        }),
      ]);
    }
    if (size.coldStart) {
      const c = size.coldStart;
      row(['bot start to first answer, no snapshot (ms)', fmt(c.withoutCacheMs)]);
      row(['bot start to first answer, warm snapshot (ms)', fmt(c.withCacheMs)]);
      row(['  of which reading the snapshot (ms)', fmt(c.contentMs)]);
      row(['  of which engine from the snapshot (ms)', fmt(c.indexFromCacheMs)]);
      row(['  index build on first start (ms)', fmt(c.indexBuildMs)]);
      row(['bot RSS after the first answer (MB)', fmt(c.rssMb)]);
    }
    if (size.updates) {
      for (const [label, u] of [
        ['worker', size.updates.offThread],
        ['same thread', size.updates.sameThread],
      ] as const) {
        row([`updates, ${label}: p50 / p99 ms`, fmt(u.p50), fmt(u.p99)]);
        if ('p99s' in u && u.p99s.length > 1)
          row([`  p99 of each run, the median's above (ms)`, ...u.p99s.map(fmt)]);
        row([
          `  write→searchable med / max ms`,
          fmt(u.updateMs),
          fmt(u.updateMaxMs),
          ...(u.pending ? [`${u.pending} pending`] : []),
        ]);
        row(['  RSS at the end (MB)', fmt(u.rssMb)]);
      }
    }
  }
  // How our figures grow with size, one size to the next.
  const ours = results.sizes.map((s) => ({ size: s, c: s.contenders.find((c) => c.contender === 'ours') }));
  if (ours.length > 1 && ours.every((o) => o.c)) {
    lines.push('');
    row([
      'growth of ours, size to size',
      ...ours.slice(1).map((o, i) => `${ours[i]?.size.articles}→${o.size.articles}`),
    ]);
    const growth = (label: string, get: (s: SizeResult, c: ContenderFigures) => number | undefined) =>
      row([
        label,
        ...ours.slice(1).map((o, i) => {
          const before = ours[i] as (typeof ours)[number];
          const a = get(before.size, before.c as ContenderFigures);
          const b = get(o.size, o.c as ContenderFigures);
          return a && b ? `${fmt(b / a)}×` : '–';
        }),
      ]);
    growth('  articles', (s) => s.articles);
    growth('  build', (_, c) => c.buildMs);
    growth('  index heap', (_, c) => c.indexHeapMb);
    growth('  common word p50', (_, c) => c.latency['common word']?.p50);
    growth('  query mix p99', (_, c) => c.latency.all?.p99);
    growth('  warm start', (s) => s.coldStart?.withCacheMs);
  }
  if (results.endToEnd.length > 0) {
    lines.push('');
    row(['end to end (over content/)', 'users', 'per second', 'p50 (ms)', 'p99 (ms)']);
    for (const e of results.endToEnd) {
      row([`  ${e.path}`, String(e.concurrency), fmt(e.perSecond), fmt(e.p50), fmt(e.p99)]);
    }
  }
  return lines.join('\n');
}
