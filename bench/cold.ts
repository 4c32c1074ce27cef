/**
 * Cold start to first answer, measured on a real process: a content directory of Markdown files
 * in a temporary folder, and a data directory whose index cache is empty (first run) or warm.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Content } from '../src/content/load.ts';
import { writeContentDir } from './corpus.ts';
import { median } from './stats.ts';

export interface ColdStart {
  /** Wall time from spawning `node` to the first answer, median of runs (ms). */
  withoutCacheMs: number;
  withCacheMs: number;
  /** Of the warm start: reading and parsing content files, and restoring (or building) the index (ms). */
  contentMs: number;
  indexFromCacheMs: number;
  indexBuildMs: number;
  /** Heap and RSS of the warm-started process after answering (MB). */
  heapMb: number;
  rssMb: number;
}

interface ChildReport {
  answeredMs: number;
  contentMs: number;
  indexMs: number;
  heap: number;
  rss: number;
}

const CHILD = new URL('./cold-start.ts', import.meta.url).pathname;

function runChild(contentDir: string, dataDir: string): Promise<ChildReport & { wallMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, contentDir, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    let report: (ChildReport & { wallMs: number }) | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (!report && out.includes('\n')) {
        report = {
          ...(JSON.parse(out.split('\n')[0] as string) as ChildReport),
          wallMs: performance.now() - started,
        };
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && report) resolve(report);
      else reject(new Error(`cold-start child exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** Writes the corpus to a temporary content directory and measures cold starts against it. */
export async function measureColdStart(content: Content, seedDir: string, runs: number): Promise<ColdStart> {
  const root = await mkdtemp(join(tmpdir(), 'briefings-bench-'));
  try {
    const contentDir = join(root, 'content');
    await writeContentDir(content, seedDir, contentDir);
    const cold: (ChildReport & { wallMs: number })[] = [];
    const warm: (ChildReport & { wallMs: number })[] = [];
    for (let i = 0; i < runs; i++) {
      const dataDir = join(root, `data-${i}`);
      cold.push(await runChild(contentDir, dataDir));
      warm.push(await runChild(contentDir, dataDir));
    }
    return {
      withoutCacheMs: median(cold.map((r) => r.wallMs)),
      withCacheMs: median(warm.map((r) => r.wallMs)),
      contentMs: median(warm.map((r) => r.contentMs)),
      indexFromCacheMs: median(warm.map((r) => r.indexMs)),
      indexBuildMs: median(cold.map((r) => r.indexMs)),
      heapMb: median(warm.map((r) => r.heap)),
      rssMb: median(warm.map((r) => r.rss)),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
