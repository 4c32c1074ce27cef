/**
 * Loading and indexing content on a worker thread, so a bot that is serving keeps answering while
 * the archive is read and indexed again (seconds at 100,000 articles). Only the hand-over runs on
 * the calling thread: receiving the articles and wrapping the transferred index in an engine.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Engine } from '../search/engine.ts';
import type { Article } from '../types.ts';
import type { ContentProblem } from './errors.ts';
import { type Content, type LoadEngineOptions, logProblems } from './load.ts';
import type { GazetteerTopic } from './metadata.ts';
import { TopicMatcher } from './topics.ts';

/** What the worker is asked to load (no logger: it cannot cross threads). */
export interface OffThreadRequest {
  contentDir: string;
  dataDir?: string;
  maxFileBytes?: number;
  /** `now` as epoch milliseconds. */
  now?: number;
}

/** What the worker sends back. */
export interface LoadedOffThread {
  articles: Article[];
  gazetteer: readonly GazetteerTopic[];
  problems: ContentProblem[];
  fingerprint: string;
  index: Uint8Array;
}

const ENTRY = new URL('./load-thread.ts', import.meta.url).href;

/**
 * The worker runs TypeScript sources as the bot does: the tsx loader is registered in the worker
 * before the entry is imported (workers do not inherit a loader registered through its API).
 */
function workerSource(): string {
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY)}); });`;
}

let source: string | undefined;

/**
 * `loadEngine` on a worker thread: the same content, caches and index as `loadEngine` gives,
 * with the calling thread free while files are read, parsed and indexed. Problems are logged here.
 * Rejects with the worker's error (a broken gazetteer, an unreadable directory).
 */
export async function loadEngineOffThread({
  contentDir,
  dataDir,
  logger,
  maxFileBytes,
  now,
}: LoadEngineOptions): Promise<{ engine: Engine; problems: ContentProblem[] }> {
  source ??= workerSource();
  const request: OffThreadRequest = { contentDir, dataDir, maxFileBytes, now: now?.getTime() };
  const loaded = await new Promise<LoadedOffThread>((resolve, reject) => {
    const worker = new Worker(source as string, { eval: true, workerData: request });
    worker.once('message', (message: LoadedOffThread) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
    // After an answer or an error this settles nothing; otherwise the worker died without a word.
    worker.once('exit', (code) =>
      reject(new Error(`content worker exited with code ${code} before answering`)),
    );
  });
  const matcher = new TopicMatcher(loaded.gazetteer as GazetteerTopic[]);
  const content: Content = {
    articles: loaded.articles,
    topics: matcher.topics,
    matcher,
    problems: loaded.problems,
    fingerprint: loaded.fingerprint,
  };
  logProblems(content.problems, logger);
  return { engine: Engine.fromIndexBytes(content, loaded.index), problems: content.problems };
}
