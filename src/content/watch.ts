/**
 * Watches CONTENT_DIR so articles dropped in while the bot runs are indexed without a restart.
 * Bursts of file events (an editor saving, a copy of many files) are debounced into one reload,
 * bounded by a maximum wait; reloads never overlap; a reload that fails (a half-written file)
 * keeps the engine that is serving and is retried on the next change. Content is read and indexed
 * on a worker thread: the serving engine answers until the new one is swapped in, in one step.
 */
import type { Logger } from '../logger.ts';
import type { Engine } from '../search/engine.ts';
import type { ContentProblem } from './errors.ts';
import type { LoadEngineOptions } from './load.ts';
import { type Loaded, offThreadLoader } from './off-thread.ts';
import { lowerOtherThreads } from './priority.ts';
import { watchTree } from './watch-tree.ts';

/** What a reload produced: the new engine and which article ids came and went. */
export interface ContentReload {
  engine: Engine;
  /** Ids present now and absent before, in the new engine's order. */
  added: string[];
  removed: string[];
  problems: ContentProblem[];
}

export interface WatchContentOptions {
  contentDir: string;
  dataDir?: string;
  /** Cap on one content file (see loadContent). */
  maxFileBytes?: number;
  logger: Logger;
  /** The engine serving now: what "added" is measured against. */
  current: Engine;
  /** The start-up snapshot still being written (`loadEngine`'s `persist`), if it is. */
  snapshotWritten?: Promise<void>;
  /** Called after each reload that changed the content (swap the engine in, send alerts). */
  onReload: (reload: ContentReload) => void | Promise<void>;
  /** Quiet time after the last file event before reloading. */
  debounceMs?: number;
  /** Longest a steady stream of events can delay a reload. */
  maxWaitMs?: number;
  /**
   * A reload states only the paths the watcher reported, except at least this often, when it
   * states every file (what a watcher can miss: events dropped by the system, a tree changed on
   * another machine's mount).
   */
  fullCheckMs?: number;
  /**
   * The loader; defaults to a worker thread kept for the watcher's life (`offThreadLoader`), so
   * queries keep being answered by the serving engine while the new one is built (tests may count
   * calls).
   */
  load?: (options: LoadEngineOptions, serving?: Engine) => Promise<Loaded>;
}

export interface ContentWatcher {
  /** Reloads now (as the CLI does after adding an article); resolves when done. */
  reload(): Promise<ContentReload | undefined>;
  /**
   * Resolves once the worker has loaded what is served (stating every file), so the first reload
   * sends only what changed; never rejects. Start-up work ends here (a benchmark starts its clock).
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Ids present in `after` and not in `before`, and the reverse (a pass over both). */
function changesBetween(before: Engine, after: Engine): { added: string[]; removed: string[] } {
  return {
    added: after.articles.filter((a) => !before.article(a.id)).map((a) => a.id),
    removed: before.articles.filter((a) => !after.article(a.id)).map((a) => a.id),
  };
}

/** Starts watching `contentDir` (recursively). */
export function watchContent(options: WatchContentOptions): ContentWatcher {
  // Read here, not later through `options`: holding it would hold the first engine served for good.
  const { contentDir, dataDir, maxFileBytes, logger, onReload } = options;
  const { debounceMs = 300, maxWaitMs = 3000, fullCheckMs = 60_000 } = options;
  const log = logger.child({ module: 'content-watch' });
  // At a lower priority than the serving thread, with the threads collecting its heap (priority.ts).
  const worker = options.load ? undefined : offThreadLoader({ background: true });
  if (worker) lowerOtherThreads();
  const load =
    options.load ??
    ((o: LoadEngineOptions, serving?: Engine) => (worker as NonNullable<typeof worker>).load(o, serving));
  // The worker starts now and loads what is served, so the first reload sends only what changed.
  // It states every file: a file edited in place since the snapshot was written (which a warm
  // start does not see) is picked up here.
  // After a first start, it waits for the snapshot being written, so it reads that, not every file.
  const primed = worker
    ?.prime({ contentDir, dataDir, maxFileBytes, logger }, options.current, options.snapshotWritten)
    .then((matches) => {
      if (matches === false && !closed) {
        log.info('content changed since the snapshot was written; reloading');
        void reload(false);
      }
    });
  const ready = primed ?? Promise.resolve();
  let current = options.current;
  let timer: NodeJS.Timeout | undefined;
  let deadline: number | undefined;
  let running: Promise<ContentReload | undefined> | undefined;
  let queued: Promise<ContentReload | undefined> | undefined;
  let closed = false;
  /** Paths reported since the last reload began: the next one states only them. */
  let reported = new Set<string>();
  /** The next reload states every file: an event without a path, an explicit reload, a failure. */
  let checkAll = false;
  // The worker's first load (the prime) states every file.
  let lastFullCheck = Date.now();

  /** A loaded engine that will not be served: it answers as the one served, its memory is reused. */
  function drop(engine: Engine): undefined {
    if (engine !== current) worker?.retire(engine, () => current);
    return undefined;
  }

  async function reloadOnce(): Promise<ContentReload | undefined> {
    const full = checkAll || Date.now() - lastFullCheck >= fullCheckMs;
    const changed = full ? undefined : [...reported];
    reported = new Set();
    checkAll = false;
    if (full) lastFullCheck = Date.now();
    try {
      const { engine, problems, changes } = await load(
        {
          contentDir,
          dataDir,
          maxFileBytes,
          logger,
          changed,
        },
        current,
      );
      if (closed || engine.version === current.version) return drop(engine);
      // Made ready in short slices while the engine serving keeps answering, so the first queries
      // to the new one do not make their structures while others queue behind them.
      await engine.prepare(current).catch((error: unknown) => {
        // Only a head start: the engine makes the rest on use.
        log.warn({ err: error }, 'readying the reloaded engine failed; swapping it in as it is');
      });
      if (closed) return drop(engine);
      // The worker's account holds when it is relative to the engine served; otherwise look up.
      const { added, removed } =
        changes?.since === current.articles ? changes : changesBetween(current, engine);
      const replaced = current;
      current = engine;
      // Whoever still holds the engine replaced is answered by the one serving from now on, and
      // the worker may reuse its memory (see content/arena.ts).
      worker?.retire(replaced, () => current);
      log.info({ added: added.length, removed: removed.length, version: engine.version }, 'content reloaded');
      const reload = { engine, added, removed, problems };
      await onReload(reload);
      return reload;
    } catch (error) {
      checkAll = true;
      log.warn({ err: error }, 'content reload failed; still serving the previous content');
      return undefined;
    }
  }

  /**
   * Reloads now; while a reload runs, one more follows it (however many ask meanwhile), and the
   * caller gets that one: it started after the caller's changes, so it sees them. `full`: state
   * every file, not only those reported (a caller's change may not be reported yet).
   */
  function reload(full: boolean): Promise<ContentReload | undefined> {
    if (full) checkAll = true;
    if (running) {
      queued ??= running.then(() => {
        queued = undefined;
        return closed ? undefined : reload(false);
      });
      return queued;
    }
    running = reloadOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  function changed(file: string | null): void {
    if (closed || file?.split(/[\\/]/).some((part) => part.startsWith('.'))) return;
    if (file === null) checkAll = true;
    else reported.add(file);
    const now = Date.now();
    deadline ??= now + maxWaitMs;
    clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = undefined;
        deadline = undefined;
        void reload(false);
      },
      Math.max(0, Math.min(debounceMs, deadline - now)),
    );
  }

  const watcher = watchTree(contentDir, changed, (error) =>
    log.warn({ err: error }, 'content watcher error'),
  );

  return {
    reload: () => reload(true),
    ready: () => ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
      await running;
      await worker?.close();
    },
  };
}
