/**
 * Queries while the archive changes, as the running bot sees it: the corpus is written to a
 * content directory, loaded with warm caches, and watched (src/content/watch.ts); a new Markdown
 * article is written every second while queries from the mix are asked every few milliseconds on
 * the same thread. Latency is measured from when a query was due to when it was answered, so a
 * query stuck behind re-indexing counts in full. Two loaders, in one run: the bot's (content read
 * and indexed on a worker thread, the new engine swapped in) and the former one (the same load on
 * the serving thread), for comparison. The update latency is the time from writing an article's
 * file to the engine that finds it being swapped in (the watcher's 300 ms debounce included, and
 * the new engine readied in slices while the one serving answers: `Engine.prepare`).
 *
 * Each loader runs in a process of its own (bench/updates-worker.ts), holding what a bot holds:
 * the benchmark's own copy of the corpus in the same heap made every collection longer (p99 about
 * 3× higher at 100,000 articles). Start-up is measured elsewhere: the clock starts once the
 * watcher's worker has loaded what is served (`ContentWatcher.ready`) and the engine has answered
 * the mix once, as it would have for its first users; each run starts warm, from the snapshot a
 * first start wrote.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Content } from '../src/content/load.ts';
import { loadEngine } from '../src/content/load.ts';
import { watchContent } from '../src/content/watch.ts';
import { silentLogger } from '../src/logger.ts';
import type { Engine } from '../src/search/engine.ts';
import { spawnScript } from './child.ts';
import { writeContentDir } from './corpus.ts';
import type { QueryCase } from './queries.ts';
import { median, percentile } from './stats.ts';

export interface UpdateRun {
  /** Seconds measured, articles added (one a second), queries answered. */
  seconds: number;
  added: number;
  queries: number;
  p50: number;
  p99: number;
  /** Median and worst time from writing a new article's file to it being searchable (ms). */
  updateMs: number;
  updateMaxMs: number;
  /** Articles written that were not yet searchable when the run ended. */
  pending: number;
  /**
   * Resident memory of the process, worker included, when the clock stopped (MB): the hand-overs
   * are in shared memory that the collector does not count (src/content/arena.ts), so this shows
   * they stay bounded.
   */
  rssMb: number;
}

export interface UpdateFigures {
  /**
   * The bot's loader: content read and indexed on a worker thread. The run with the median p99 of
   * `p99s` (one per run): ten seconds on a shared machine are too few for one run to tell.
   */
  offThread: UpdateRun & { p99s: number[] };
  /** The former loader: the same work on the serving thread. */
  sameThread: UpdateRun;
}

const QUERY_EVERY_MS = 5;
/** After the last article, how long to wait for it to become searchable. */
const DRAIN_MS = 60_000;

function articleFile(id: string, k: number): string {
  return [
    '---',
    `id: ${id}`,
    `title: Live report ${k} on the teachers strike`,
    'date: 2026-11-27',
    `url: https://example.org/live/${id}`,
    'language: en',
    'source: example.org',
    '---',
    '',
    `Teachers marched again today in the capital, the ${k}th live report of the strike.`,
    '',
  ].join('\n');
}

function ask(engine: Engine, q: QueryCase): void {
  if (q.kind === 'latest') engine.latest(q.text, { limit: 10 });
  else if (q.kind === 'brief') engine.brief(q.text, { limit: 10 });
  else engine.search(q.text, { limit: 10, language: q.language });
}

export type UpdateMode = 'offThread' | 'sameThread';

/** One loader's run, in this process (bench/updates-worker.ts calls it). */
export async function measureUpdatesHere(
  contentDir: string,
  dataDir: string,
  mix: QueryCase[],
  seconds: number,
  mode: UpdateMode,
): Promise<UpdateRun> {
  let { engine } = await loadEngine({ contentDir, dataDir });
  const written = new Map<string, number>();
  const updates: number[] = [];
  const watcher = watchContent({
    contentDir,
    dataDir,
    logger: silentLogger,
    current: engine,
    ...(mode === 'sameThread' ? { load: loadEngine } : {}),
    onReload: (reload) => {
      // As the bot does (adapters/main.ts): the scorer is made before the engine is swapped in.
      reload.engine.warm();
      engine = reload.engine as Engine;
      const now = performance.now();
      for (const id of reload.added) {
        const at = written.get(id);
        if (at !== undefined) updates.push(now - at);
      }
    },
  });
  // Start-up is measured elsewhere: the worker loads what is served, and the engine answers the
  // mix once before the clock starts, as it would have for its first users.
  await watcher.ready();
  engine.warm();
  for (const q of mix) ask(engine, q);
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  let added = 0;
  let nextArticle = started + 1000;
  let nextQuery = started;
  let k = 0;
  let rssMb = Number.NaN;
  try {
    while (performance.now() < end || nextQuery < end) {
      const now = performance.now();
      if (now >= nextArticle && nextArticle < end) {
        added++;
        const id = `live-${mode}-${added}`;
        written.set(id, performance.now());
        await writeFile(join(contentDir, 'live', `${id}.md`), articleFile(id, added));
        nextArticle += 1000;
        continue;
      }
      if (now >= nextQuery) {
        engine.forgetAnswers();
        ask(engine, mix[k++ % mix.length] as QueryCase);
        latencies.push(performance.now() - nextQuery);
        nextQuery += QUERY_EVERY_MS;
        continue;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Math.min(nextQuery, nextArticle, end) - now)),
      );
    }
    rssMb = process.memoryUsage().rss / 2 ** 20;
    // Let the last articles land, so their update latency is measured too (bounded).
    const drainUntil = performance.now() + DRAIN_MS;
    while (updates.length < added && performance.now() < drainUntil)
      await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await watcher.close();
  }
  return {
    seconds,
    added,
    queries: latencies.length,
    p50: median(latencies),
    p99: percentile(latencies, 99),
    updateMs: median(updates),
    updateMaxMs: updates.length ? Math.max(...updates) : Number.NaN,
    pending: added - updates.length,
    rssMb,
  };
}

/**
 * Writes the corpus to a temporary content directory and measures both loaders against it: the
 * bot's `runs` times, the former one once (it is only there to compare).
 */
export async function measureUpdates(
  content: Content,
  seedDir: string,
  mix: QueryCase[],
  seconds: number,
  runs = 1,
): Promise<UpdateFigures> {
  const root = await mkdtemp(join(tmpdir(), 'briefings-updates-'));
  try {
    const contentDir = join(root, 'content');
    const dataDir = join(root, 'data');
    await writeContentDir(content, seedDir, contentDir);
    // A first start writes the snapshot here; each run then starts warm from it, as a bot restarts.
    await loadEngine({ contentDir, dataDir });
    await mkdir(join(contentDir, 'live'), { recursive: true });
    const bot: UpdateRun[] = [];
    for (let r = 0; r < runs; r++) {
      bot.push(await inChild({ contentDir, dataDir, mix, seconds, mode: 'offThread' }));
      // The next run starts from the files as the first found them.
      await rm(join(contentDir, 'live'), { recursive: true, force: true });
      await mkdir(join(contentDir, 'live'));
    }
    const p99s = bot.map((run) => run.p99);
    const middle = [...bot].sort((a, b) => a.p99 - b.p99)[Math.floor((bot.length - 1) / 2)] as UpdateRun;
    const offThread = { ...middle, p99s };
    const sameThread = await inChild({ contentDir, dataDir, mix, seconds, mode: 'sameThread' });
    return { offThread, sameThread };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const WORKER = new URL('./updates-worker.ts', import.meta.url).pathname;

/** What bench/updates-worker.ts is given (as JSON, its one argument). */
export interface UpdateWorkerOptions {
  contentDir: string;
  dataDir: string;
  mix: QueryCase[];
  seconds: number;
  mode: UpdateMode;
}

/** Runs one loader in a process of its own; resolves to the run it prints (its last line, JSON). */
function inChild(options: UpdateWorkerOptions): Promise<UpdateRun> {
  return new Promise((resolve, reject) => {
    const child = spawnScript(WORKER, options);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as UpdateRun);
      else reject(new Error(`updates worker exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}
