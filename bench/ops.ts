/**
 * `npx tsx bench/ops.ts`: what monitoring costs. The same query mix through `createBriefings`
 * with and without the metrics observer (per-query overhead), and one `/metrics` render with the
 * backlog read from a SQLite store holding 10,000 due deliveries (scrape time). Prints figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBriefings } from '../src/commands/index.ts';
import { loadEngine } from '../src/content/load.ts';
import { createMetrics } from '../src/metrics.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const QUERIES = ['/latest mexico', '/search death of migrants', '/brief honduras', '/latest', '/search amlo'];
const ROUNDS = 4_000;
const DELIVERIES = 10_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;

const { engine } = await loadEngine({ contentDir: 'content' });
const metrics = createMetrics({ processMetrics: false });
const plain = createBriefings(engine);
const observed = createBriefings(engine, { observer: metrics.queries });

/** Median per-query time (µs) of ROUNDS passes over the mix, interleaving the two variants. */
async function perQuery(): Promise<{ plain: number; observed: number }> {
  const times = { plain: [] as number[], observed: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, b] of [
      ['plain', plain],
      ['observed', observed],
    ] as const) {
      const started = performance.now();
      for (const q of QUERIES) await b.run(q, { platform: 'console', limit: 5 });
      times[name].push(((performance.now() - started) * 1000) / QUERIES.length);
    }
  }
  return { plain: median(times.plain), observed: median(times.observed) };
}

await perQuery(); // warm-up
const q = await perQuery();

const dir = mkdtempSync(join(tmpdir(), 'briefings-bench-ops-'));
const store = openSqliteStore({ dataDir: dir });
const now = Date.now();
const subs = await Promise.all(
  Array.from({ length: 100 }, (_, i) =>
    store.addSubscription({
      platform: i % 2 ? 'telegram' : 'discord',
      chatId: String(i),
      topic: 'mexico',
      topicLabel: 'Mexico',
      cadence: { kind: 'alerts' },
      timezone: 'UTC',
      whenEmpty: 'skip',
      createdBy: '1',
      createdAt: now,
    }),
  ),
);
for (let i = 0; i < DELIVERIES; i++) {
  const sub = subs[i % subs.length];
  if (!sub) continue;
  await store.planDelivery({
    key: `k${i}`,
    subscriptionId: sub.id,
    kind: 'alert',
    articleIds: [`a${i}`],
    payload: { kind: 'notice', tone: 'info', message: 'x' },
    at: now - (i % 180) * 1000,
    subscription: {},
  });
}
const scrapeMetrics = createMetrics({
  processMetrics: false,
  store: () => store,
  articles: () => engine.size,
});
const scrapes: number[] = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  await scrapeMetrics.render();
  scrapes.push(performance.now() - started);
}
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  [
    `query mix over ${engine.size} articles, median per query: ${q.plain.toFixed(1)} µs plain, ${q.observed.toFixed(1)} µs with the metrics observer (+${(q.observed - q.plain).toFixed(1)} µs)`,
    `/metrics render with ${DELIVERIES} due deliveries in SQLite: p50 ${median(scrapes).toFixed(2)} ms, p99 ${percentile(scrapes, 0.99).toFixed(2)} ms`,
  ].join('\n'),
);
