/**
 * Reading and parsing content files on several threads: at 100,000 files, parsing (Markdown,
 * summaries, topic tagging, text analysis) is most of a first start. The files to parse are cut
 * into chunks taken in order by this thread and by worker threads alike; each answer lands at its
 * chunk's place, so the articles, their order and the index are those of a single-thread read.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { GazetteerTopic, SourceFile } from './metadata.ts';
import {
  finishRead,
  type ParsedFile,
  type PendingFile,
  planRead,
  type ReadContent,
  type ReadContentOptions,
  type ReadPlan,
  readAndParse,
} from './read.ts';
import { contentWorker } from './worker.ts';

export interface PoolOptions {
  /**
   * Parse on worker threads from this many files to parse (default 20,000): below it, starting
   * the workers (loading the parsing modules on each) costs more than it saves.
   */
  poolFrom?: number;
  /** Worker threads besides this one (default: one fewer than the cores, none on one core). */
  threads?: number;
  /** This thread parses chunks too (default); when false it only hands them out. */
  alongside?: boolean;
}

/** What each worker parses with: the calling thread's context, as plain data. */
export interface PoolSetup {
  dir: string;
  maxBytes: number;
  sources: Record<string, SourceFile>;
  gazetteer: GazetteerTopic[];
}

export interface ParseJob {
  id: number;
  files: PendingFile[];
}

export type ParseReply =
  | { ready: true }
  | { id: number; parsed: ParsedFile[] }
  | { id: number; error: string };

const POOL_FROM = 20_000;
/** Files per chunk: small enough to share the tail evenly, large enough that messages are few. */
const CHUNK = 256;
/** Chunks a worker holds at once, so it has the next while this thread is busy parsing its own. */
const IN_FLIGHT = 3;

/** `readContent`, parsing on a pool of worker threads when there are many files to parse. */
export async function readContentPooled(
  dir: string,
  options: ReadContentOptions & PoolOptions = {},
): Promise<ReadContent> {
  const plan = planRead(dir, options);
  const threads = options.threads ?? availableParallelism() - 1;
  const parsed =
    threads > 0 && plan.pending.length >= (options.poolFrom ?? POOL_FROM)
      ? await parseInPool(plan, threads, options.alongside ?? true)
      : readAndParse(plan.pending, plan.context);
  return finishRead(plan, parsed, options);
}

async function parseInPool(plan: ReadPlan, threads: number, alongside: boolean): Promise<ParsedFile[]> {
  const { pending, context } = plan;
  const results: ParsedFile[] = new Array(pending.length);
  let taken = 0;
  /** The start of the next chunk nobody has taken, or undefined when all are taken. */
  const take = (): number | undefined => {
    if (taken >= pending.length) return undefined;
    const from = taken;
    taken += CHUNK;
    return from;
  };
  const setup: PoolSetup = {
    dir: context.dir,
    maxBytes: context.maxBytes,
    sources: context.sources,
    gazetteer: [...context.matcher.gazetteer],
  };
  const workers = Array.from({ length: threads }, () => contentWorker('parse-thread', { workerData: setup }));
  try {
    const working = workers.map((worker) => feed(worker, pending, results, take));
    // A failed worker fails the read at once, not after this thread has parsed the rest.
    let failure: unknown;
    for (const w of working) w.catch((error) => (failure ??= error));
    for (let from = alongside ? take() : undefined; from !== undefined; from = take()) {
      if (failure) throw failure;
      readAndParse(pending.slice(from, from + CHUNK), context).forEach((parsed, k) => {
        results[from + k] = parsed;
      });
      // Lets the workers' answers in and hands them their next chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(working);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  return results;
}

/** Keeps one worker busy with chunks, once it is ready, until none are left; rejects when it fails. */
function feed(
  worker: Worker,
  pending: readonly PendingFile[],
  results: ParsedFile[],
  take: () => number | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    const send = () => {
      const from = take();
      if (from === undefined) return false;
      inFlight++;
      worker.postMessage({ id: from, files: pending.slice(from, from + CHUNK) } satisfies ParseJob);
      return true;
    };
    worker.on('message', (reply: ParseReply) => {
      if ('ready' in reply) {
        for (let i = 0; i < IN_FLIGHT && send(); i++);
        if (inFlight === 0) resolve();
        return;
      }
      inFlight--;
      if ('error' in reply) {
        reject(new Error(`content parsing worker failed: ${reply.error}`));
        return;
      }
      reply.parsed.forEach((parsed, k) => {
        results[reply.id + k] = parsed;
      });
      if (!send() && inFlight === 0) resolve();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`content parsing worker exited with code ${code}`)));
  });
}
