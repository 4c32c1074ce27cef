/**
 * Worker-thread entry of the off-thread loader (see off-thread.ts): for each request, loads content
 * and builds (or restores) the index exactly as `loadEngine` does on the main thread, caches
 * included, then hands back the articles and the binary index (transferred, not copied). The
 * worker lives as long as its loader, so modules are loaded and compiled once, not per reload.
 */
import { parentPort } from 'node:worker_threads';
import { loadEngine } from './load.ts';
import type { OffThreadReply, OffThreadRequest } from './off-thread.ts';

parentPort?.on('message', async ({ id, contentDir, dataDir, maxFileBytes, now }: OffThreadRequest) => {
  let reply: OffThreadReply;
  try {
    const { engine, content } = await loadEngine({
      contentDir,
      dataDir,
      maxFileBytes,
      now: now === undefined ? undefined : new Date(now),
    });
    const index = engine.indexBytes();
    reply = {
      id,
      loaded: {
        articles: content.articles,
        gazetteer: content.matcher.gazetteer,
        problems: content.problems,
        fingerprint: content.fingerprint,
        index,
      },
    };
    parentPort?.postMessage(reply, [index.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
