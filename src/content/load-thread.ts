/**
 * Worker-thread entry of the off-thread loader (see off-thread.ts): for each request, loads content
 * and builds (or restores) the index exactly as `loadEngine` does on the main thread, caches
 * included, then hands back the binary index (transferred, not copied) and the articles. Articles
 * identical to the previous load's are sent as their position in it, not copied again: receiving
 * 100,000 articles costs the serving thread seconds, receiving a few of them nothing. The worker
 * lives as long as its loader, so modules are loaded and compiled once, not per reload.
 */
import { parentPort } from 'node:worker_threads';
import type { Article } from '../types.ts';
import { loadEngine } from './load.ts';
import type { OffThreadReply, OffThreadRequest } from './off-thread.ts';

/** The last load: each article's JSON and position, by id. */
let previous = new Map<string, { json: string; at: number }>();

/** An article's JSON with its fields in name order (articles from the content cache list `body` last). */
function canonicalJson(a: Article): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))),
  );
}

parentPort?.on('message', async (request: OffThreadRequest) => {
  const { id, contentDir, dataDir, maxFileBytes, now, reuse, prime } = request;
  let reply: OffThreadReply;
  try {
    const { engine, content } = await loadEngine({
      contentDir,
      dataDir,
      maxFileBytes,
      now: now === undefined ? undefined : new Date(now),
    });
    const fresh: Article[] = [];
    const same = new Int32Array(content.articles.length).fill(-1);
    const next = new Map<string, { json: string; at: number }>();
    content.articles.forEach((a, i) => {
      const json = canonicalJson(a);
      next.set(a.id, { json, at: i });
      const before = previous.get(a.id);
      if (reuse && before?.json === json) same[i] = before.at;
      else fresh.push(a);
    });
    previous = next;
    if (prime) {
      reply = { id, primed: { fingerprint: content.fingerprint, count: content.articles.length } };
      parentPort?.postMessage(reply);
      return;
    }
    const index = engine.indexBytes();
    reply = {
      id,
      loaded: {
        fresh,
        same,
        gazetteer: content.matcher.gazetteer,
        problems: content.problems,
        fingerprint: content.fingerprint,
        index,
      },
    };
    parentPort?.postMessage(reply, [index.buffer as ArrayBuffer, same.buffer as ArrayBuffer]);
  } catch (error) {
    previous = new Map();
    reply = { id, error: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
