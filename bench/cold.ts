/**
 * Start to first answer, measured on the product as it starts: `node bin/briefings.js start` (the
 * bundled sources, as `npm start` runs them) on the console, over a content directory of Markdown
 * files, with a data directory that is empty (first start) or holds the snapshot (warm start).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Content } from '../src/content/load.ts';
import { SNAPSHOT_FILE } from '../src/content/snapshot.ts';
import { writeContentDir } from './corpus.ts';
import { median } from './stats.ts';

export interface ColdStart {
  /** Wall time from spawning `node` to the first answer, median of runs (ms). */
  withoutCacheMs: number;
  withCacheMs: number;
  /** Of the warm start: reading the snapshot, and making the engine from it (ms). */
  contentMs: number;
  indexFromCacheMs: number;
  /** Of the first start: indexing the parsed content (ms). */
  indexBuildMs: number;
  /** RSS of the warm-started process once it answered (MB; NaN where /proc is missing). */
  rssMb: number;
}

export interface StartReport {
  /** Spawn to the answer's first bytes on stdout (ms). */
  wallMs: number;
  /** From the `content indexed` log line. */
  readMs: number;
  indexMs: number;
  index: string;
  rssMb: number;
  /** CPU time of the bot up to the answer (ms): steadier than wall time on a shared machine. */
  cpuMs: number;
}

export const BIN = new URL('../bin/briefings.js', import.meta.url).pathname;
/** The first command: its answer starts with this line. */
const COMMAND = '/latest mexico\n';
const ANSWER = /^Latest on Mexico/m;

/** RSS (MB) and CPU time so far, user + system over all threads (ms), from /proc; NaN elsewhere. */
function usage(pid: number | undefined): { rssMb: number; cpuMs: number } {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssMb: (pages * 4096) / 2 ** 20, cpuMs: ticks * 10 };
  } catch {
    return { rssMb: Number.NaN, cpuMs: Number.NaN };
  }
}

/** Longest a first start's bot is left running for its snapshot to be written (see below). */
const SNAPSHOT_WAIT_MS = 30 * 60_000;

/**
 * Starts the bot (`bin`, default this checkout's) with `CONTENT_DIR` and `DATA_DIR`, sends one
 * command on the console and resolves once the answer is printed; the bot is then stopped, once
 * `DATA_DIR` holds a snapshot: a bot writes a first start's snapshot after its first answer, and
 * at a million articles that takes longer than a stop allows, so the next start would be a first
 * start again, not the warm start measured.
 */
export function startToFirstAnswer(contentDir: string, dataDir: string, bin = BIN): Promise<StartReport> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'start'], {
      // Away from the checkout, so its .env does not apply.
      cwd: dirname(dataDir),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CONTENT_DIR: contentDir,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        TELEGRAM_BOT_TOKEN: '',
        DISCORD_TOKEN: '',
        FEED_POLL_MINUTES: '0',
      },
    });
    child.stdin.write(COMMAND);
    let out = '';
    let err = '';
    let indexed: { readMs: number; ms: number; index: string } | undefined;
    let report: StartReport | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (report || !ANSWER.test(out)) return;
      const wallMs = performance.now() - started;
      if (!indexed) return reject(new Error('answered before the content indexed log line'));
      report = {
        wallMs,
        readMs: indexed.readMs,
        indexMs: indexed.ms,
        index: indexed.index,
        ...usage(child.pid),
      };
      void snapshotWritten(dataDir, () => child.exitCode !== null || child.signalCode !== null).then(() => {
        child.stdin.end();
        child.kill('SIGTERM');
      });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
      for (const line of err.split('\n')) {
        if (!indexed && line.includes('"content indexed"')) indexed = JSON.parse(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (report) resolve(report);
      else reject(new Error(`bot exited (${code ?? signal}) before answering: ${err.slice(-2000)}`));
    });
  });
}

/**
 * Resolves once `dataDir` holds a snapshot (written beside and renamed, so whole), once the bot
 * has `exited` (a bot that died writing it), or after SNAPSHOT_WAIT_MS.
 */
async function snapshotWritten(dataDir: string, exited: () => boolean): Promise<void> {
  const until = performance.now() + SNAPSHOT_WAIT_MS;
  while (!existsSync(join(dataDir, SNAPSHOT_FILE)) && !exited() && performance.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 200));
}

/** A warm start's report; throws when the bot did not start from the snapshot (it would be a first start). */
function checkedWarm(report: StartReport): StartReport {
  if (report.index !== 'snapshot')
    throw new Error(`bench: a warm start found no usable snapshot (the engine was ${report.index})`);
  return report;
}

/** Writes the corpus to a temporary content directory and measures first and warm starts on it. */
export async function measureColdStart(content: Content, seedDir: string, runs: number): Promise<ColdStart> {
  const root = await mkdtemp(join(tmpdir(), 'briefings-bench-'));
  try {
    const contentDir = join(root, 'content');
    await writeContentDir(content, seedDir, contentDir);
    // The bundle is built on the first run after a source changes: once here, not in a start measured.
    execFileSync(process.execPath, [BIN, 'help'], { stdio: 'ignore' });
    const cold: StartReport[] = [];
    const warm: StartReport[] = [];
    for (let i = 0; i < runs; i++) {
      const dataDir = join(root, `data-${i}`);
      cold.push(await startToFirstAnswer(contentDir, dataDir));
      warm.push(checkedWarm(await startToFirstAnswer(contentDir, dataDir)));
    }
    return {
      withoutCacheMs: median(cold.map((r) => r.wallMs)),
      withCacheMs: median(warm.map((r) => r.wallMs)),
      contentMs: median(warm.map((r) => r.readMs)),
      indexFromCacheMs: median(warm.map((r) => r.indexMs)),
      indexBuildMs: median(cold.map((r) => r.indexMs)),
      rssMb: median(warm.map((r) => r.rssMb)),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
