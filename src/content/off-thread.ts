/**
 * Loading and indexing content on a worker thread, so a bot that is serving keeps answering while
 * the archive is read and indexed again (seconds at 100,000 articles). Only the hand-over runs on
 * the calling thread: receiving the articles and wrapping the index, scorer parts and date order,
 * topic members and twins in an engine. Those arrays are in memory shared with the worker (an
 * arena, see arena.ts), which it writes the next hand-over into once the engine over it is retired.
 */
import type { Worker } from 'node:worker_threads';
import { Engine, type HandOver, INDEX_FORMAT, type Used } from '../search/engine.ts';
import type { Article } from '../types.ts';
import type { ContentProblem } from './errors.ts';
import { logProblems } from './errors.ts';
import type { LoadEngineOptions } from './load.ts';
import type { GazetteerTopic } from './metadata.ts';
import type { Content } from './read.ts';
import { TopicMatcher } from './topics.ts';
import { contentWorker } from './worker.ts';

/** What the worker is asked to load (no logger: it cannot cross threads). */
export interface OffThreadRequest {
  id: number;
  contentDir: string;
  dataDir?: string;
  maxFileBytes?: number;
  /** `now` as epoch milliseconds. */
  now?: number;
  /** The caller still holds the previous load's articles: send unchanged ones as positions. */
  reuse: boolean;
  /** The paths that may have changed since the worker's last load (see `ReadContentOptions.changed`). */
  changed?: readonly string[];
  /** Only load (to remember the articles for the next request); answer with the fingerprint. */
  prime?: boolean;
  /**
   * With `prime`: the engine the caller serves (version, article count, `termsHash`), whose
   * articles it keeps, and whose terms the worker continues when its own are the same.
   */
  served?: { version: string; count: number; terms: number };
  /**
   * The caller holds the engine made from the worker's last answer: send only the terms after its
   * (see `Engine.handOver`), or only that nothing changed.
   */
  holdsLast?: boolean;
  /** What the engine serving made on use (`Engine.used`), which the worker makes too. */
  used?: Used;
}

/** What the worker loaded. */
export interface LoadedOffThread {
  /** Articles new or changed since the previous load, in order. */
  fresh: Article[];
  /**
   * The articles in order, as runs of pairs: (position in the previous load's list, count) for
   * articles kept from it, (-1, count) for the next of `fresh` (see `articleRuns`).
   */
  runs: Int32Array;
  /** Absent when it is that of the last answer, whose engine (and topic matcher) the caller holds. */
  gazetteer?: readonly GazetteerTopic[];
  problems: ContentProblem[];
  fingerprint: string;
  index: Uint8Array;
  /** The scorer's parts and the engine's date order, topic members and twins (shared, like it). */
  made: HandOver;
  /** The worker's number for the arena all these arrays are in (see `OffThreadLoader.retire`). */
  arena: number;
}

/** Asks the worker to finish writing the snapshot before it is ended. */
export interface FlushRequest {
  id: number;
  flush: true;
}

/** Tells the worker an arena is no longer read (see `OffThreadLoader.retire`). */
export interface ReleaseRequest {
  release: number;
}

/** How long `close` waits for a snapshot being written. */
const FLUSH_TIMEOUT_MS = 30_000;

export type OffThreadReply =
  | { id: number; loaded: LoadedOffThread }
  | {
      id: number;
      /**
       * `shared`: the worker mapped its articles to the served ones (from the same snapshot);
       * `continued`: it loaded the served content, its terms numbered alike, so the first reload
       * sends only what follows them (see `holdsLast`).
       */
      primed: { fingerprint: string; count: number; damaged: boolean; shared: boolean; continued: boolean };
    }
  /** The content is that of the last answer, whose engine the caller holds (`holdsLast`). */
  | { id: number; unchanged: { problems: ContentProblem[] } }
  | { id: number; flushed: true }
  | { id: number; error: string };

export type Loaded = {
  engine: Engine;
  problems: ContentProblem[];
  /** Ids that came and went since `since`, the articles of the load before (see `engineOf`). */
  changes?: { added: string[]; removed: string[]; since: readonly Article[] };
};

/** A worker that loads content on request; `close` ends it. */
export interface OffThreadLoader {
  /** `serving`: the engine the result will replace; what it made on use is made ahead (`Engine.used`). */
  load(options: LoadEngineOptions, serving?: Engine): Promise<Loaded>;
  /**
   * Starts the worker and has it load the content `current` serves, stating every file, so the
   * first reload already sends only what changed. Resolves to whether the files still hold what
   * `current` serves (false: reload), or undefined when the worker failed. Never rejects (a failed
   * prime only makes the next load send all). With `after` (a snapshot being written), the
   * worker starts once it is written, so it reads the snapshot rather than every file; loads asked
   * for meanwhile wait behind the prime.
   */
  prime(options: LoadEngineOptions, current: Engine, after?: Promise<void>): Promise<boolean | undefined>;
  /**
   * The caller no longer uses `engine` (one this loader made): from now on it hands its queries
   * to the engine `serving` returns (`Engine.retire`), and the worker may write a later hand-over
   * into the memory its arrays are in.
   */
  retire(engine: Engine, serving: () => Engine): void;
  close(): Promise<void>;
}

/** Lets other work (queries to the engine serving) run between the steps of a hand-over. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * `positions` (each article's position in the previous list, or -1 for a fresh one) as runs (see
 * `LoadedOffThread.runs`): a reload after a few files changed is a few runs, which the serving
 * thread copies whole instead of article by article (a loop run once per reload is not compiled:
 * about 25 ms at 100,000 articles, against a few for the copies).
 */
export function articleRuns(positions: ArrayLike<number>): Int32Array {
  const runs: number[] = [];
  for (let i = 0; i < positions.length; i++) {
    const from = positions[i] as number;
    const last = runs.length - 2;
    const continues =
      last >= 0 &&
      (from < 0
        ? runs[last] === -1
        : (runs[last] as number) >= 0 && (runs[last] as number) + (runs[last + 1] as number) === from);
    if (continues) runs[last + 1] = (runs[last + 1] as number) + 1;
    else runs.push(from < 0 ? -1 : from, 1);
  }
  return Int32Array.from(runs);
}

/**
 * The articles `runs` lists, from the previous list and the fresh ones, and which of the previous
 * are kept (1) or gone (0). Throws when the runs do not add up.
 */
export function articlesOfRuns(
  runs: Int32Array,
  previous: readonly Article[],
  fresh: readonly Article[],
): { articles: Article[]; kept: Uint8Array } {
  const kept = new Uint8Array(previous.length);
  const pieces: Article[][] = [];
  let k = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const from = runs[r] as number;
    const count = runs[r + 1] as number;
    if (count <= 0 || (from >= 0 ? from + count > previous.length : k + count > fresh.length))
      throw new Error('content worker answered with articles that do not add up');
    if (from >= 0) {
      pieces.push(previous.slice(from, from + count));
      kept.fill(1, from, from + count);
    } else {
      pieces.push(fresh.slice(k, k + count));
      k += count;
    }
  }
  if (k !== fresh.length || runs.length % 2 !== 0)
    throw new Error('content worker answered with articles that do not add up');
  const articles = pieces.length === 1 ? (pieces[0] as Article[]) : ([] as Article[]).concat(...pieces);
  return { articles, kept };
}

/**
 * The engine over what the worker loaded; problems are logged here, where the logger is. Made in
 * steps of a millisecond or so, with the event loop free between them. `before`: the engine made
 * from the worker's previous answer, whose terms the worker may have continued (`handOver`).
 */
async function engineOf(
  loaded: LoadedOffThread,
  previous: readonly Article[],
  options: LoadEngineOptions,
  before?: Engine,
): Promise<Loaded> {
  const { articles, kept } = articlesOfRuns(loaded.runs, previous, loaded.fresh);
  let changes: Loaded['changes'];
  if (previous.length > 0) {
    const gone = new Set<string>();
    for (let j = kept.indexOf(0); j >= 0; j = kept.indexOf(0, j + 1)) gone.add((previous[j] as Article).id);
    const freshIds = new Set(loaded.fresh.map((a) => a.id));
    changes = {
      added: [...freshIds].filter((id) => !gone.has(id)),
      removed: [...gone].filter((id) => !freshIds.has(id)),
      since: previous,
    };
  }
  await turn();
  const matcher = loaded.gazetteer ? new TopicMatcher(loaded.gazetteer as GazetteerTopic[]) : before?.matcher;
  if (!matcher) throw new Error('content worker answered for a gazetteer this thread does not hold');
  const content: Content = {
    articles,
    topics: matcher.topics,
    matcher,
    problems: loaded.problems,
    fingerprint: loaded.fingerprint,
  };
  logProblems(content.problems, options.logger);
  await turn();
  const index = Engine.handedIndex(loaded.index, loaded.made, before);
  await turn();
  return {
    engine: Engine.fromIndex(content, index, loaded.made),
    problems: content.problems,
    ...(changes ? { changes } : {}),
  };
}

/**
 * A loader whose `load` is `loadEngine` on a worker thread: the same content, caches and index,
 * with the calling thread free while files are read, parsed and indexed. The worker starts on the
 * first load and stays for the next ones (it does not keep the process alive while idle); loads
 * run one at a time. A load rejects with the worker's error (a broken gazetteer, an unreadable
 * directory); a worker that dies is replaced on the next load. `background`: the worker runs at a
 * lower priority than the serving thread (on Linux; see load-thread.ts), for reloads while serving.
 */
export function offThreadLoader({ background = false }: { background?: boolean } = {}): OffThreadLoader {
  let worker: Worker | undefined;
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();
  /** The articles of the worker's last load, as this thread holds them (undefined: none shared). */
  let last: readonly Article[] | undefined;
  /** The engine made from the worker's last answer (its terms are what the worker continues). */
  let lastEngine: Engine | undefined;
  const waiting = new Map<number, { resolve: (r: OffThreadReply) => void; reject: (e: Error) => void }>();
  /** The arena each engine made here is in, with the worker that lent it. */
  const arenas = new WeakMap<Engine, { worker: Worker; arena: number }>();

  function start(): Worker {
    last = undefined;
    lastEngine = undefined;
    const w = contentWorker('load-thread', { workerData: { background } });
    w.unref();
    w.on('message', (reply: OffThreadReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('error' in reply) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply);
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

  async function ask(
    options: LoadEngineOptions,
    prime: boolean,
    served?: Engine,
    serving?: Engine,
  ): Promise<{ reply: OffThreadReply; result?: Loaded }> {
    worker ??= start();
    const w = worker;
    const id = nextId++;
    const request: OffThreadRequest = {
      id,
      contentDir: options.contentDir,
      dataDir: options.dataDir,
      maxFileBytes: options.maxFileBytes,
      now: options.now?.getTime(),
      reuse: last !== undefined,
      ...(options.changed && !prime ? { changed: options.changed } : {}),
      prime,
      ...(served
        ? { served: { version: served.version, count: served.articles.length, terms: served.termsHash() } }
        : {}),
      holdsLast: lastEngine !== undefined,
      ...(serving ? { used: serving.used() } : {}),
    };
    const previous = last;
    const before = lastEngine;
    // Until this answer arrives, what the worker remembers is unknown: share nothing.
    last = undefined;
    lastEngine = undefined;
    // Held open while a load is pending, so a script awaiting it does not exit under it.
    w.ref();
    try {
      const reply = await new Promise<OffThreadReply>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage(request);
      });
      if ('unchanged' in reply) {
        if (!before || !previous)
          throw new Error('content worker answered for an engine this thread does not hold');
        const { problems } = reply.unchanged;
        logProblems(problems, options.logger);
        if (worker === w) {
          last = previous;
          lastEngine = before;
        }
        const changes = { added: [], removed: [], since: previous };
        return { reply, result: { engine: before, problems, changes } };
      }
      if (!('loaded' in reply)) return { reply };
      const result = await engineOf(reply.loaded, previous ?? [], options, before).catch((error: unknown) => {
        // No engine holds the arena: the worker may have it back at once.
        w.postMessage({ release: reply.loaded.arena } satisfies ReleaseRequest);
        throw error;
      });
      arenas.set(result.engine, { worker: w, arena: reply.loaded.arena });
      if (worker === w) {
        last = result.engine.articles;
        lastEngine = result.engine;
      }
      return { reply, result };
    } finally {
      w.unref();
    }
  }

  function queued<T>(job: () => Promise<T>): Promise<T> {
    const result = queue.then(job);
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    retire(engine, serving) {
      engine.retire(serving);
      // Its terms are no longer the caller's: the next hand-over sends them all.
      if (lastEngine === engine) lastEngine = undefined;
      const lent = arenas.get(engine);
      arenas.delete(engine);
      // A worker replaced since has no such arena: the memory goes with its last view.
      if (lent && lent.worker === worker)
        lent.worker.postMessage({ release: lent.arena } satisfies ReleaseRequest);
    },
    load(options, serving) {
      return queued(async () => {
        const { result } = await ask(options, false, undefined, serving);
        if (!result) throw new Error('content worker did not answer with content');
        return result;
      });
    },
    prime(options, current, after) {
      return queued(async () => {
        await after?.catch(() => undefined);
        const reply = (await ask(options, true, current).catch(() => undefined))?.reply;
        if (reply && 'primed' in reply) {
          const { fingerprint, count, damaged, shared, continued } = reply.primed;
          // Even when files changed since, the worker knows which of its articles are the ones
          // served: the first reload then sends only what changed.
          if (shared && worker) last = current.articles;
          if (continued && worker) lastEngine = current;
          // A damaged snapshot may have been served in part: reload from the files.
          return (
            !damaged &&
            `${INDEX_FORMAT}-${fingerprint.slice(0, 16)}` === current.version &&
            count === current.articles.length
          );
        }
        return undefined;
      });
    },
    async close() {
      const w = worker;
      if (w) {
        // The snapshot of the last load is written after its answer: let it land (bounded).
        const id = nextId++;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<unknown>((resolve) => {
            waiting.set(id, { resolve, reject: resolve });
            w.ref();
            w.postMessage({ id, flush: true } satisfies FlushRequest);
          }),
          new Promise((resolve) => {
            timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
          }),
        ]);
        clearTimeout(timer);
      }
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
