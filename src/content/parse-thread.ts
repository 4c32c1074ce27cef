/**
 * Worker-thread entry of the parsing pool (parse-pool.ts): reads and parses the content files it
 * is sent, in order, with the same context as the calling thread, and answers with each file's
 * articles, problems and index documents.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseJob, ParseReply, PoolSetup } from './parse-pool.ts';
import { parseContext, readAndParse } from './read.ts';

const { dir, maxBytes, sources, gazetteer } = workerData as PoolSetup;
const context = parseContext(dir, maxBytes, sources, gazetteer);

parentPort?.on('message', ({ id, files }: ParseJob) => {
  let reply: ParseReply;
  try {
    reply = { id, parsed: readAndParse(files, context) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(reply);
});
// Chunks are sent once this thread can parse them, not queued while it loads its modules.
parentPort?.postMessage({ ready: true } satisfies ParseReply);
