/**
 * Worker-thread entry of `loadEngineOffThread`: loads content and builds (or restores) the index
 * exactly as `loadEngine` does on the main thread, caches included, then hands back the articles
 * and the binary index (transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngine } from './load.ts';
import type { LoadedOffThread, OffThreadRequest } from './off-thread.ts';

const { contentDir, dataDir, maxFileBytes, now } = workerData as OffThreadRequest;
const { engine, content } = await loadEngine({
  contentDir,
  dataDir,
  maxFileBytes,
  now: now === undefined ? undefined : new Date(now),
});
const index = engine.indexBytes();
const message: LoadedOffThread = {
  articles: content.articles,
  gazetteer: content.matcher.gazetteer,
  problems: content.problems,
  fingerprint: content.fingerprint,
  index,
};
parentPort?.postMessage(message, [index.buffer as ArrayBuffer]);
