/**
 * Worker-thread entry of the off-thread loader (see off-thread.ts): for each request, loads content
 * and builds (or restores) the index as `loadEngine` does on the main thread, snapshot included,
 * then hands back the binary index (in shared memory, see arena.ts) and the articles. The worker keeps,
 * between loads, every file's parse, the last engine and the analysed documents of articles it
 * indexed: a reload stats the files, parses only the new or changed ones, and updates the last
 * index with only their articles (see `PostingIndex.update`). Articles of the
 * previous load are sent as their position in it, not copied again: receiving 100,000 articles
 * costs the serving thread seconds, receiving a few of them nothing. The worker lives as long as
 * its loader, so modules are loaded and compiled once, not per reload.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysedDocs } from '../search/documents.ts';
import { type EarlierIndex, INDEX_FORMAT } from '../search/engine.ts';
import type { Article } from '../types.ts';
import { ArenaPool, arenaBytes, copyIntoArena } from './arena.ts';
import { loadEngine } from './load.ts';
import {
  articleRuns,
  type FlushRequest,
  type OffThreadReply,
  type OffThreadRequest,
  type ReleaseRequest,
} from './off-thread.ts';
import { lowerThisThread } from './priority.ts';
import { type ParseCache, plainArticle } from './read.ts';
import { snapshotPosition } from './snapshot.ts';

// A watcher's worker (`background`) reloads while the bot answers: it gives way (see priority.ts).
if ((workerData as { background?: boolean } | undefined)?.background) lowerThisThread();

/** The shared memory of the hand-overs (see arena.ts), lent until the serving thread releases it. */
const arenas = new ArenaPool();
/** The last load's articles and their positions. */
let previous = new Map<Article, number>();
let parses: ParseCache | undefined;
const analysed = new WeakMap<Article, AnalysedDocs>();
/** The last load's index: the next load updates it rather than indexing everything. */
let earlier: EarlierIndex | undefined;
/**
 * The last hand-over's index terms, content fingerprint and gazetteer (as JSON): the next
 * hand-over sends only terms after these and the gazetteer only if it changed, or nothing at all
 * when the content is the same (the caller holds that engine).
 */
let sent: { terms: readonly string[]; fingerprint: string; gazetteer: string } | undefined;
/**
 * The snapshot is written after the answer, a moment later and only for the latest load, and
 * while articles keep arriving at most every PERSIST_EVERY_MS: at 100,000 articles a write takes
 * seconds, which the next reload would wait for. A restart after a crash meanwhile still serves
 * the files as they are: the snapshot's directory times no longer match, and only the changed
 * files are parsed. Closing the loader writes what is pending.
 */
const PERSIST_DELAY_MS = 2000;
const PERSIST_EVERY_MS = 30_000;
let pendingPersist: (() => Promise<void>) | undefined;
let persistTimer: NodeJS.Timeout | undefined;
let persisting: Promise<void> = Promise.resolve();
let lastPersist = Number.NEGATIVE_INFINITY;

function persistLater(persist: () => Promise<void>): void {
  pendingPersist = persist;
  clearTimeout(persistTimer);
  const wait = Math.max(PERSIST_DELAY_MS, lastPersist + PERSIST_EVERY_MS - performance.now());
  persistTimer = setTimeout(persistNow, wait);
}

function persistNow(): Promise<void> {
  clearTimeout(persistTimer);
  const persist = pendingPersist;
  pendingPersist = undefined;
  if (persist) {
    lastPersist = performance.now();
    persisting = persisting.then(persist);
  }
  return persisting;
}

parentPort?.on('message', async (request: OffThreadRequest | FlushRequest | ReleaseRequest) => {
  if ('release' in request) {
    arenas.release(request.release);
    return;
  }
  if ('flush' in request) {
    await persistNow();
    parentPort?.postMessage({ id: request.id, flushed: true } satisfies OffThreadReply);
    return;
  }
  const { id, contentDir, dataDir, maxFileBytes, now, reuse, prime, served, changed, holdsLast, used } =
    request;
  // Until this answer arrives, the caller holds no engine of this worker's.
  const held = holdsLast ? sent : undefined;
  sent = undefined;
  let reply: OffThreadReply;
  try {
    // Every file is stated here, unless the watcher said which changed since the last load: this
    // is also the check that a warm start skipped.
    const { engine, content, cache, damaged, persist } = await loadEngine({
      contentDir,
      dataDir,
      maxFileBytes,
      now: now === undefined ? undefined : new Date(now),
      check: 'files',
      prior: parses,
      changed,
      analysed,
      earlier,
      deferWrite: true,
    });
    earlier = engine.earlier();
    if (persist) persistLater(persist);
    parses = cache;
    const fresh: Article[] = [];
    const same = new Int32Array(content.articles.length).fill(-1);
    const next = new Map<Article, number>();
    content.articles.forEach((a, i) => {
      next.set(a, i);
      const before = previous.get(a);
      if (reuse && before !== undefined) same[i] = before;
      else fresh.push(plainArticle(a));
    });
    previous = next;
    if (prime) {
      // Articles read from the snapshot the caller serves sit where the caller holds them.
      let shared = false;
      if (served && !damaged) {
        previous = new Map();
        for (const a of content.articles) {
          const stored = snapshotPosition(a);
          if (
            stored &&
            `${INDEX_FORMAT}-${stored.fingerprint.slice(0, 16)}` === served.version &&
            stored.at < served.count
          )
            previous.set(a, stored.at);
        }
        shared = true;
      }
      // The caller serves this very content, its terms numbered as this index numbers them: the
      // first reload then sends only the terms after them, and no gazetteer, as later ones do.
      const continued =
        shared &&
        served !== undefined &&
        `${INDEX_FORMAT}-${content.fingerprint.slice(0, 16)}` === served.version &&
        content.articles.length === served.count &&
        earlier.index().termsHash() === served.terms;
      if (continued)
        sent = {
          terms: earlier.index().terms,
          fingerprint: content.fingerprint,
          gazetteer: JSON.stringify(content.matcher.gazetteer),
        };
      reply = {
        id,
        primed: {
          fingerprint: content.fingerprint,
          count: content.articles.length,
          damaged,
          shared,
          continued,
        },
      };
      parentPort?.postMessage(reply);
      return;
    }
    if (held?.fingerprint === content.fingerprint) {
      // The content the caller holds (a file rewritten as it was, an event for a file half written).
      sent = held;
      reply = { id, unchanged: { problems: content.problems } };
      parentPort?.postMessage(reply);
      return;
    }
    const runs = articleRuns(same);
    // The terms go apart, as text (see `PostingIndex.termsText`). The scorer's parts and the rest
    // are made here, so the serving thread only wraps them (passes over every posting and article
    // otherwise).
    const handed = {
      index: engine.indexBytes(false),
      runs,
      made: engine.handOver(held?.terms, used),
    };
    const lent = arenas.take(arenaBytes(handed));
    const gazetteer = JSON.stringify(content.matcher.gazetteer);
    sent = { terms: earlier.index().terms, fingerprint: content.fingerprint, gazetteer };
    reply = {
      id,
      loaded: {
        fresh,
        ...copyIntoArena(handed, lent.arena),
        arena: lent.id,
        ...(held?.gazetteer === gazetteer ? {} : { gazetteer: content.matcher.gazetteer }),
        problems: content.problems,
        fingerprint: content.fingerprint,
      },
    };
    parentPort?.postMessage(reply);
  } catch (error) {
    previous = new Map();
    parses = undefined;
    earlier = undefined;
    reply = { id, error: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
