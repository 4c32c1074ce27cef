/**
 * What a feed poll costs: `npx tsx bench/feeds.ts`. Serves synthetic RSS feeds on 127.0.0.1 and
 * times a first poll (every item becomes an article file), a second one with nothing changed and
 * no validators (every item re-rendered and compared), and one answered 304; then the content load
 * that indexes the new files. Prints one table; not part of `npm run bench` (feeds have no target).
 */
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEngine } from '../src/content/load.ts';
import { pollSources } from '../src/sources/poll.ts';
import { openSourcesStore } from '../src/sources/state.ts';
import { rss } from '../tests/fixtures/feeds.ts';

const SOURCES = Number(process.env.FEED_BENCH_SOURCES ?? 20);
const ITEMS = Number(process.env.FEED_BENCH_ITEMS ?? 50);
const PLACES = ['Oaxaca', 'Mexico', 'Honduras', 'Peru', 'Bolivia', 'Venezuela', 'Cuba', 'Argentina'];

function feed(source: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const place = PLACES[(source + i) % PLACES.length] as string;
    const para = `<p>Workers in ${place} &amp; their unions met on day ${i} of the strike &#8212; the ${i}th meeting this year. They demand the wages they were &ldquo;promised&rdquo;.</p>`;
    return {
      title: `${place}: strike day ${i} (feed ${source})`,
      link: `https://publisher${source}.example/${i}`,
      guid: `s${source}-i${i}`,
      pubDate: new Date(Date.UTC(2026, 10, 1 + (i % 27), 12)).toUTCString(),
      description: para,
      content: para.repeat(8),
    };
  });
  return rss(`Publisher ${source}`, items);
}

const bodies = Array.from({ length: SOURCES }, (_, s) => feed(s));
const server = createServer((req, res) => {
  const n = Number(/\/(\d+)\.xml$/.exec(req.url ?? '')?.[1]);
  if (req.headers['if-none-match'] === `"v${n}"`) {
    res.writeHead(304).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/rss+xml', etag: `"v${n}"` }).end(bodies[n]);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const dir = mkdtempSync(path.join(tmpdir(), 'briefings-feeds-bench-'));
const contentDir = path.join(dir, 'content');
cpSync(path.resolve('content'), contentDir, { recursive: true });
const dataDir = path.join(dir, 'data');
const store = openSourcesStore({ dataDir });
await store.update((state) => {
  for (let s = 0; s < SOURCES; s++)
    state.sources.push({
      id: `pub${s}`,
      url: `http://127.0.0.1:${port}/${s}.xml`,
      name: `Publisher ${s}`,
      topics: [],
      addedAt: new Date().toISOString(),
      failures: 0,
      imported: 0,
      items: {},
    });
});

const rows: [string, string][] = [];
const time = async <T>(label: string, fn: () => Promise<T>, detail: (r: T) => string) => {
  const started = performance.now();
  const result = await fn();
  const ms = performance.now() - started;
  rows.push([label, `${ms.toFixed(0)} ms (${detail(result)})`]);
  return result;
};

const feedKb = (Buffer.byteLength(bodies[0] as string) / 1024).toFixed(0);
rows.push(['feeds × items', `${SOURCES} × ${ITEMS} (${feedKb} KB each)`]);
await time(
  'first poll (all new)',
  () => pollSources({ store, contentDir }),
  (r) => `${r.added} articles written, ${((r.ms / Math.max(1, r.added)) * 1000).toFixed(0)} µs each`,
);
await store.update((state) => {
  for (const s of state.sources) s.etag = undefined;
});
await time(
  'second poll, unchanged, no ETag',
  () => pollSources({ store, contentDir }),
  (r) => `${r.sources.reduce((n, s) => n + s.unchanged, 0)} unchanged, ${r.added + r.updated} written`,
);
await time(
  'third poll, 304s',
  () => pollSources({ store, contentDir }),
  (r) => `${r.sources.filter((s) => s.status === 'not-modified').length} not modified`,
);
await time(
  'content load + index with them',
  () => loadEngine({ contentDir }),
  (r) => `${r.engine.articles.length} articles`,
);
rows.push(['sources.json', `${(statSync(path.join(dataDir, 'sources.json')).size / 1024).toFixed(0)} KB`]);

const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
server.close();
rmSync(dir, { recursive: true, force: true });
