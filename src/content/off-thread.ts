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
  id: number;
  contentDir: string;
  dataDir?: string;
  maxFileBytes?: number;
  /** `now` as epoch milliseconds. */
  now?: number;
}

/** What the worker loaded. */
export interface LoadedOffThread {
  articles: Article[];
  gazetteer: readonly GazetteerTopic[];
  problems: ContentProblem[];
  fingerprint: string;
  index: Uint8Array;
}

export type OffThreadReply = { id: number; loaded: LoadedOffThread } | { id: number; error: string };

export type Loaded = { engine: Engine; problems: ContentProblem[] };

/** A worker that loads content on request; `close` ends it. */
export interface OffThreadLoader {
  load(options: LoadEngineOptions): Promise<Loaded>;
  close(): Promise<void>;
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

/** The engine over what the worker loaded; problems are logged here, where the logger is. */
function engineOf(loaded: LoadedOffThread, options: LoadEngineOptions): Loaded {
  const matcher = new TopicMatcher(loaded.gazetteer as GazetteerTopic[]);
  const content: Content = {
    articles: loaded.articles,
    topics: matcher.topics,
    matcher,
    problems: loaded.problems,
    fingerprint: loaded.fingerprint,
  };
  logProblems(content.problems, options.logger);
  return { engine: Engine.fromIndexBytes(content, loaded.index), problems: content.problems };
}

/**
 * A loader whose `load` is `loadEngine` on a worker thread: the same content, caches and index,
 * with the calling thread free while files are read, parsed and indexed. The worker starts on the
 * first load and stays for the next ones (it does not keep the process alive while idle); loads
 * run one at a time. A load rejects with the worker's error (a broken gazetteer, an unreadable
 * directory); a worker that dies is replaced on the next load.
 */
export function offThreadLoader(): OffThreadLoader {
  let worker: Worker | undefined;
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const waiting = new Map<number, { resolve: (l: LoadedOffThread) => void; reject: (e: Error) => void }>();

  function start(): Worker {
    const w = new Worker(workerSource(), { eval: true });
    w.unref();
    w.on('message', (reply: OffThreadReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('error' in reply) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.loaded);
    });
    const fail = (error: Error) => {
      if (worker === w) worker = undefined;
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`content worker exited with code ${code}`)));
    return w;
  }

  async function loadOnce(options: LoadEngineOptions): Promise<Loaded> {
    worker ??= start();
    const w = worker;
    const id = nextId++;
    const request: OffThreadRequest = {
      id,
      contentDir: options.contentDir,
      dataDir: options.dataDir,
      maxFileBytes: options.maxFileBytes,
      now: options.now?.getTime(),
    };
    // Held open while a load is pending, so a script awaiting it does not exit under it.
    w.ref();
    try {
      const loaded = await new Promise<LoadedOffThread>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage(request);
      });
      return engineOf(loaded, options);
    } finally {
      w.unref();
    }
  }

  return {
    load(options) {
      const result = queue.then(() => loadOnce(options));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}

/** One load on a worker thread of its own, ended afterwards (see `offThreadLoader`). */
export async function loadEngineOffThread(options: LoadEngineOptions): Promise<Loaded> {
  const loader = offThreadLoader();
  try {
    return await loader.load(options);
  } finally {
    await loader.close();
  }
}
