/**
 * Watches CONTENT_DIR so articles dropped in while the bot runs are indexed without a restart.
 * Bursts of file events (an editor saving, a copy of many files) are debounced into one reload,
 * bounded by a maximum wait; reloads never overlap; a reload that fails (a half-written file)
 * keeps the engine that is serving and is retried on the next change. Content is read and indexed
 * on a worker thread: the serving engine answers until the new one is swapped in, in one step.
 */
import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from '../logger.ts';
import type { Engine } from '../search/engine.ts';
import type { ContentProblem } from './errors.ts';
import type { LoadEngineOptions } from './load.ts';
import { offThreadLoader } from './off-thread.ts';

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
   * The loader; defaults to a worker thread kept for the watcher's life (`offThreadLoader`), so
   * queries keep being answered by the serving engine while the new one is built (tests may count
   * calls).
   */
  load?: (options: LoadEngineOptions) => Promise<{ engine: Engine; problems: ContentProblem[] }>;
}

export interface ContentWatcher {
  /** Reloads now (as the CLI does after adding an article); resolves when done. */
  reload(): Promise<ContentReload | undefined>;
  close(): Promise<void>;
}

/** Starts watching `contentDir` (recursively). */
export function watchContent(options: WatchContentOptions): ContentWatcher {
  const { contentDir, dataDir, onReload, debounceMs = 300, maxWaitMs = 3000 } = options;
  const log = options.logger.child({ module: 'content-watch' });
  const worker = options.load ? undefined : offThreadLoader();
  const load = options.load ?? ((o: LoadEngineOptions) => (worker as NonNullable<typeof worker>).load(o));
  // The worker starts now and loads what is served, so the first reload sends only what changed.
  // It states every file: a file edited in place since the snapshot was written (which a warm
  // start does not see) is picked up here.
  // After a first start, it waits for the snapshot being written, so it reads that, not every file.
  void Promise.resolve(options.snapshotWritten)
    .then(() =>
      worker?.prime(
        { contentDir, dataDir, maxFileBytes: options.maxFileBytes, logger: options.logger },
        options.current,
      ),
    )
    .then((matches) => {
      if (matches === false && !closed) {
        log.info('content changed since the snapshot was written; reloading');
        void reload();
      }
    });
  let current = options.current;
  let timer: NodeJS.Timeout | undefined;
  let deadline: number | undefined;
  let running: Promise<ContentReload | undefined> | undefined;
  let queued: Promise<ContentReload | undefined> | undefined;
  let closed = false;

  async function reloadOnce(): Promise<ContentReload | undefined> {
    try {
      const { engine, problems } = await load({
        contentDir,
        dataDir,
        maxFileBytes: options.maxFileBytes,
        logger: options.logger,
      });
      if (closed || engine.version === current.version) return undefined;
      const before = new Set(current.articles.map((a) => a.id));
      const after = new Set(engine.articles.map((a) => a.id));
      const added = engine.articles.map((a) => a.id).filter((id) => !before.has(id));
      const removed = [...before].filter((id) => !after.has(id));
      current = engine;
      log.info({ added: added.length, removed: removed.length, version: engine.version }, 'content reloaded');
      const reload = { engine, added, removed, problems };
      await onReload(reload);
      return reload;
    } catch (error) {
      log.warn({ err: error }, 'content reload failed; still serving the previous content');
      return undefined;
    }
  }

  /**
   * Reloads now; while a reload runs, one more follows it (however many ask meanwhile), and the
   * caller gets that one: it started after the caller's changes, so it sees them.
   */
  function reload(): Promise<ContentReload | undefined> {
    if (running) {
      queued ??= running.then(() => {
        queued = undefined;
        return closed ? undefined : reload();
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
    const now = Date.now();
    deadline ??= now + maxWaitMs;
    clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = undefined;
        deadline = undefined;
        void reload();
      },
      Math.max(0, Math.min(debounceMs, deadline - now)),
    );
  }

  const watcher: FSWatcher = watch(contentDir, { recursive: true, persistent: false }, (_event, file) =>
    changed(file === null ? null : String(file)),
  );
  watcher.on('error', (error) => log.warn({ err: error }, 'content watcher error'));

  return {
    reload,
    async close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
      await running;
      await worker?.close();
    },
  };
}
