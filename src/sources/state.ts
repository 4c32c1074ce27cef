/**
 * Feed sources and their fetch state, kept in one small JSON file in DATA_DIR (`sources.json`).
 * The command line (`briefings sources add`) and a running bot both change it, so every change is
 * a read-modify-write under a lock file, and every write is a temporary file renamed over the old
 * one: a reader (or a crash) never sees half a file, and neither process loses the other's change.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { processAlive } from '../process-alive.ts';

export const SOURCES_STATE_FILE = 'sources.json';
const STATE_VERSION = 1;

/** What the archive knows of one feed item it turned into an article. */
const itemSchema = z.object({
  /** The item's guid (RSS guid, Atom id, JSON Feed id), when it has one. */
  guid: z.string().optional(),
  /** The item's link, as normalised for de-duplication. */
  link: z.string().optional(),
  /** The article file, relative to CONTENT_DIR. */
  file: z.string(),
  /** Hash of the file written last: a changed item rewrites its file, an unchanged one does not. */
  hash: z.string(),
  /** Hash of the item as the feed sent it (and the source's settings): unchanged means nothing to render. */
  raw: z.string().optional(),
  firstSeenAt: z.string(),
  updatedAt: z.string().optional(),
  /** Last poll that found the item in the feed; items long gone are forgotten (see poll.ts). */
  lastSeenAt: z.string().optional(),
});
export type SourceItem = z.infer<typeof itemSchema>;

const sourceSchema = z.object({
  /** Short and stable: folder name under `feeds/` and prefix of every article id from this feed. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,23}$/),
  url: z.string(),
  name: z.string(),
  topics: z.array(z.string()).default([]),
  /** Forced article language; detected per item when absent. */
  language: z.string().optional(),
  addedAt: z.string(),
  /** The feed's own title, from the last successful fetch. */
  feedTitle: z.string().optional(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  lastPolledAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastError: z.string().optional(),
  /** Start of the current run of failures. */
  failingSince: z.string().optional(),
  failures: z.number().int().min(0).default(0),
  /** Backoff: scheduled polls skip the source until then. */
  nextAttemptAt: z.string().optional(),
  /** Articles imported from this feed, ever (items long gone from the feed are forgotten below). */
  imported: z.number().int().min(0).default(0),
  /** Article id → what is known of its item. */
  items: z.record(z.string(), itemSchema).default({}),
});
export type Source = z.infer<typeof sourceSchema>;

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  sources: z.array(sourceSchema),
});
export type SourcesState = z.infer<typeof stateSchema>;

/** The state file is unreadable (hand-edited badly, or from a newer version). Never overwritten silently. */
export class SourcesStateError extends Error {
  override name = 'SourcesStateError';
}

/** Another process held the lock for longer than any change takes. */
export class SourcesBusyError extends Error {
  override name = 'SourcesBusyError';
}

const empty = (): SourcesState => ({ version: STATE_VERSION, sources: [] });

export interface SourcesStoreOptions {
  dataDir: string;
  /** How long to wait for another process's change to finish. */
  lockTimeoutMs?: number;
  /** A lock older than this is from a process that died mid-change; it is broken. */
  staleLockMs?: number;
}

export interface SourcesStore {
  readonly file: string;
  /** The current state (no lock needed: writes are atomic renames). */
  read(): Promise<SourcesState>;
  /**
   * Applies `change` to the freshest state under the lock and writes the result atomically.
   * `change` may mutate the state it gets; its return value is passed through.
   */
  update<T>(change: (state: SourcesState) => T | Promise<T>): Promise<T>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How old an empty lock file must be to count as left behind (see `lock`). */
const UNWRITTEN_LOCK_MS = 5000;

/** Opens the sources state in `dataDir`. Nothing is created until the first change. */
export function openSourcesStore(options: SourcesStoreOptions): SourcesStore {
  const { dataDir, lockTimeoutMs = 15_000, staleLockMs = 30_000 } = options;
  const file = join(dataDir, SOURCES_STATE_FILE);
  const lockFile = `${file}.lock`;

  async function read(): Promise<SourcesState> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty();
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SourcesStateError(`${file}: is not valid JSON (${(error as Error).message})`);
    }
    const parsed = stateSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SourcesStateError(
        `${file}: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'}; fix or move the file away`,
      );
    }
    return parsed.data;
  }

  /** Takes the lock file (O_EXCL), breaking it when its holder is dead or it is stale. */
  async function lock(): Promise<() => Promise<void>> {
    await mkdir(dataDir, { recursive: true });
    const token = `${process.pid} ${randomUUID()}`;
    const deadline = Date.now() + lockTimeoutMs;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(token);
        await handle.close();
        return async () => {
          // Only our own lock is removed, never one a waiter took after breaking ours as stale.
          const held = await readFile(lockFile, 'utf8').catch(() => '');
          if (held === token) await rm(lockFile, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const [holder, info] = await Promise.all([
        readFile(lockFile, 'utf8').catch(() => ''),
        stat(lockFile).catch(() => undefined),
      ]);
      const pid = Number(holder.split(' ')[0]);
      const dead = Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
      const age = info === undefined ? 0 : Date.now() - info.mtimeMs;
      // Its taker writes its token right after creating it: a file still empty after a while was
      // left by a process killed in between, and would otherwise block every change for good.
      const unwritten = !holder && age > UNWRITTEN_LOCK_MS;
      if ((holder && (dead || age > staleLockMs)) || unwritten) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new SourcesBusyError(
          `${lockFile} is held by process ${pid || 'unknown'}; try again, or remove the file if no briefings process is running`,
        );
      }
      await sleep(wait);
    }
  }

  async function write(state: SourcesState): Promise<void> {
    const tmp = join(dataDir, `.${SOURCES_STATE_FILE}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
    try {
      await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  // Changes from this process run one at a time; the lock file orders them against other processes.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    file,
    read,
    update<T>(change: (state: SourcesState) => T | Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const unlock = await lock();
        try {
          const state = await read();
          const result = await change(state);
          await write(state);
          return result;
        } finally {
          await unlock();
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
