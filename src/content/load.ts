/**
 * Start-up: the engine over the content directory. With a data directory, one snapshot file
 * (snapshot.ts) makes a restart a single read: when no directory of the content tree, nor the
 * gazetteer or sources.yaml, changed since it was written, articles and index come from it and
 * no content file is opened or stated. Otherwise the content is read again, parsing only files
 * whose size, modification time or text changed, indexed, and the snapshot rewritten.
 *
 * A file edited in place leaves its directory's time alone: the fast path cannot see it. The bot's
 * watcher (watch.ts) checks every file on its worker thread right after start-up and reloads when
 * anything differs; one-shot commands ask for that check up front (`check: 'files'`).
 *
 * The arrows point one way: this module uses the content reader and the engine; neither uses it.
 */
import { statSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { processAlive } from '../process-alive.ts';
import type { AnalysedDocs } from '../search/documents.ts';
import { type EarlierIndex, Engine, earlierIndex, INDEX_FORMAT } from '../search/engine.ts';
import type { Article } from '../types.ts';
import { FUTURE, futureDates } from './dates.ts';
import { type ContentProblem, logProblems } from './errors.ts';
import { CONTENT_FORMAT, DEFAULT_MAX_FILE_BYTES } from './files.ts';
import type { PoolOptions } from './parse-pool.ts';
import type { Content, LoadContentOptions, ParseCache, ReadContent } from './read.ts';
import {
  type FileStamp,
  readSnapshotFile,
  SNAPSHOT_FILE,
  type Snapshot,
  type SnapshotHeader,
  writeSnapshotFile,
} from './snapshot.ts';
import { TopicMatcher } from './topics.ts';

export { DEFAULT_MAX_FILE_BYTES, GAZETTEER_FILE, SOURCES_FILE } from './files.ts';
export type { Content, LoadContentOptions } from './read.ts';

export interface LoadEngineOptions extends LoadContentOptions, PoolOptions {
  contentDir: string;
  /** Where the snapshot lives; omit to always read and index in memory. */
  dataDir?: string;
  logger?: Logger;
  /**
   * How a snapshot is trusted: `directories` (default) when the content tree's directories and
   * the gazetteer and sources.yaml are unchanged; `files` only after stating every content file.
   */
  check?: 'directories' | 'files';
  /** Parses kept from an earlier load in this process (a worker reloading): used before the snapshot's. */
  prior?: ParseCache;
  /** With `prior`: the paths that may have changed since (see `ReadContentOptions.changed`). */
  changed?: readonly string[];
  /** Analysed index documents kept between loads in this process (see `Engine.build`). */
  analysed?: WeakMap<Article, AnalysedDocs>;
  /**
   * The index of an earlier load in this process (`Engine.earlier()`): updated rather than rebuilt
   * (see `Engine.build`). Without it, a usable snapshot's index is.
   */
  earlier?: EarlierIndex;
  /** Leave writing the snapshot to the caller (`persist` in the result), so an answer need not wait for it. */
  deferWrite?: boolean;
}

export interface LoadedEngine {
  engine: Engine;
  problems: ContentProblem[];
  /** The content the engine serves (for handing it to another thread). */
  content: Content;
  /** Every content file's parse, when the files were read (not on a snapshot hit). */
  cache?: ParseCache;
  /** Content files read and parsed (0 on a snapshot hit). */
  parsed: number;
  /** A snapshot was there but could not be used (damaged, or another version): rebuilt. */
  damaged: boolean;
  /** With `deferWrite`: writes the snapshot, when it is out of date. */
  persist?: () => Promise<void>;
}

/** Whether `header`'s content tree looks untouched: directory times and the gazetteer's and sources.yaml's stats. */
function untouched(dir: string, header: SnapshotHeader, maxBytes: number): boolean {
  if (header.context.split(':')[0] !== `${CONTENT_FORMAT}-${maxBytes}` || header.indexFormat !== INDEX_FORMAT)
    return false;
  for (let i = 0; i < header.dirs.length; i++) {
    const at = statSync(join(dir, header.dirs[i] as string), { throwIfNoEntry: false });
    if (at?.mtimeMs !== header.dirTimes[i]) return false;
  }
  return header.stamps.every(([file, size, mtimeMs]) => {
    const at = statSync(join(dir, file), { throwIfNoEntry: false });
    return at ? at.size === size && at.mtimeMs === mtimeMs : size === null;
  });
}

/** The snapshot, or why there is none: missing, or there but unusable (damaged, another version). */
async function readSnapshot(
  file: string,
  verifyAll: boolean,
  logger?: Logger,
): Promise<{ snapshot?: Snapshot; damaged: boolean }> {
  try {
    return { snapshot: await readSnapshotFile(file, verifyAll), damaged: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { damaged: false };
    logger?.warn(
      { err: error, file },
      'snapshot damaged, unreadable or from another version; reading the content files',
    );
    return { damaged: true };
  }
}

/**
 * Loads content and returns an engine over it: from the snapshot in `<dataDir>/snapshot.bin` when
 * the content is unchanged (see the module comment), otherwise by reading the content (only new
 * or changed files parsed) and indexing it, then writing the snapshot. A snapshot that is missing,
 * damaged or of another version is rebuilt.
 */
export async function loadEngine({
  contentDir,
  dataDir,
  logger,
  check = 'directories',
  prior,
  analysed,
  earlier,
  deferWrite = false,
  ...options
}: LoadEngineOptions): Promise<LoadedEngine> {
  const began = performance.now();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const now = options.now ?? new Date();
  const snapshotFile = dataDir ? join(dataDir, SNAPSHOT_FILE) : undefined;
  // Stating every file is the background check: it verifies the whole snapshot too.
  const { snapshot, damaged } =
    snapshotFile && !prior ? await readSnapshot(snapshotFile, check === 'files', logger) : { damaged: false };
  if (snapshot && check === 'directories' && untouched(contentDir, snapshot.header, maxBytes)) {
    const started = performance.now();
    const { header, articles } = snapshot;
    const matcher = new TopicMatcher(header.gazetteer);
    const content: Content = {
      articles,
      topics: matcher.topics,
      matcher,
      problems: [...header.problems, ...futureDates(articles, now)],
      fingerprint: header.fingerprint,
    };
    logProblems(content.problems, logger);
    const engine = Engine.fromSnapshotBytes(content, snapshot.index, snapshot.derived);
    logIndexed(logger, content, began, started, 'snapshot');
    return { engine, problems: content.problems, content, parsed: 0, damaged };
  }

  // The parsing modules (YAML, schemas) load only when files are to be read.
  const { readContentPooled } = await import('./parse-pool.ts');
  // Each article's index documents are made as it is parsed (see `ReadContentOptions.analysed`).
  const memo = analysed ?? new WeakMap<Article, AnalysedDocs>();
  const read = await readContentPooled(contentDir, {
    ...options,
    prior: prior ?? snapshot?.parseCache(),
    analysed: memo,
  });
  const { content } = read;
  logProblems(content.problems, logger);
  const started = performance.now();
  const same =
    snapshot?.header.fingerprint === content.fingerprint && snapshot.header.indexFormat === INDEX_FORMAT;
  // A restart after some files changed updates the snapshot's index with only their articles.
  const update =
    earlier ??
    (snapshot?.header.indexFormat === INDEX_FORMAT
      ? earlierIndex(snapshot.articles, snapshot.index)
      : undefined);
  const engine = same
    ? Engine.fromSnapshotBytes(content, snapshot.index, snapshot.derived)
    : Engine.build(content, memo, update);
  logIndexed(logger, content, began, started, same ? 'snapshot' : 'built');
  const persist =
    snapshotFile && dataDir && !(same && sameTree(snapshot.header, read))
      ? () => writeSnapshot(dataDir, snapshotFile, read, engine, logger)
      : undefined;
  if (!deferWrite) await persist?.();
  return {
    engine,
    problems: content.problems,
    content,
    cache: read.cache,
    parsed: read.parsed,
    damaged,
    ...(deferWrite ? { persist } : {}),
  };
}

/** `readMs`: reading the snapshot or the content files; `ms`: the engine made from them after. */
function logIndexed(
  logger: Logger | undefined,
  content: Content,
  began: number,
  started: number,
  index: string,
): void {
  logger?.info(
    {
      articles: content.articles.length,
      problems: content.problems.length,
      index,
      readMs: Math.round(started - began),
      ms: Math.round(performance.now() - started),
    },
    'content indexed',
  );
}

const sameStamps = (a: FileStamp[], b: FileStamp[]) => JSON.stringify(a) === JSON.stringify(b);

function sameTree(header: SnapshotHeader, read: ReadContent): boolean {
  return (
    JSON.stringify([header.dirs, header.dirTimes]) === JSON.stringify([read.dirs, read.dirTimes]) &&
    sameStamps(header.stamps, read.stamps)
  );
}

let writes = 0;

/** Writes the snapshot (atomically) and removes the caches of earlier versions; a failure costs start-up time, not answers. */
async function writeSnapshot(
  dataDir: string,
  file: string,
  read: ReadContent,
  engine: Engine,
  logger?: Logger,
): Promise<void> {
  // The reload worker writes snapshots too: its thread id keeps its files apart.
  const tmp = `${file}.${process.pid}-${threadId}-${++writes}.tmp`;
  try {
    const { content } = read;
    await mkdir(dataDir, { recursive: true });
    await removeUnfinished(dataDir, basename(file));
    // After a first start the bot answers on this thread meanwhile (1.5 s of work at 100,000 articles).
    await writeSnapshotFile(tmp, {
      context: read.cache.context,
      indexFormat: INDEX_FORMAT,
      fingerprint: content.fingerprint,
      dirs: read.dirs,
      dirTimes: read.dirTimes,
      stamps: read.stamps,
      gazetteer: content.matcher.gazetteer,
      // Future dates are worked out again on each start: tomorrow they may be past.
      problems: content.problems.filter((p) => !futureProblem(p)),
      articles: content.articles,
      files: read.cache.files,
      index: engine.indexBytes(),
      derived: engine.derivedBytes(),
    });
    await rename(tmp, file);
    // The JSON caches of earlier versions.
    for (const name of await readdir(dataDir))
      if (name === 'content.json' || /^index-.*\.json$/.test(name))
        await rm(join(dataDir, name), { force: true });
  } catch (error) {
    logger?.warn({ err: error, dataDir }, 'could not write the start-up snapshot');
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/**
 * Snapshots left half-written by a process that is gone (killed, or stopped before its write
 * ended): each is up to a whole snapshot's size, and nothing else would ever remove them.
 */
async function removeUnfinished(dataDir: string, name: string): Promise<void> {
  for (const entry of await readdir(dataDir)) {
    if (!entry.startsWith(`${name}.`) || !entry.endsWith('.tmp')) continue;
    const pid = Number(entry.slice(name.length + 1).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid))
      await rm(join(dataDir, entry), { force: true });
  }
}

function futureProblem(p: ContentProblem): boolean {
  return p.outcome === 'flagged' && p.reason.includes(FUTURE);
}
