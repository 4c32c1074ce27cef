/**
 * Scheduled-post throughput: N digest subscriptions fall due at the same instant and 1 or 3
 * scheduler instances (real processes, bench/scheduler-worker.ts) plan and post them through a
 * publisher that posts nowhere, with no pacing. Measures deliveries per second (due instant to
 * the last send) and the delay from the due instant to each send (p50, p99), from the delivery
 * log itself. SQLite is one process per DATA_DIR, so it runs with one instance; PostgreSQL
 * (BENCH_DATABASE_URL, default the local test server) with one and three, in a scratch schema.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../src/store/open.ts';
import { DATABASE_FILE } from '../src/store/sqlite.ts';
import { spawnScript } from './child.ts';
import { percentile } from './stats.ts';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface SchedulerFigures {
  store: 'sqlite' | 'postgres';
  instances: number;
  subscriptions: number;
  deliveriesPerSecond: number;
  /** From the instant the digests fell due to each send (ms). */
  p50DelayMs: number;
  p99DelayMs: number;
  maxDelayMs: number;
}

const WORKER = new URL('./scheduler-worker.ts', import.meta.url).pathname;

/** Whether a PostgreSQL server answers at BENCH_DATABASE_URL (3 s at most), and why not. */
export async function postgresAnswers(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function startWorker(options: object): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawnScript(WORKER, options);
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('ready\n')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!out.includes('ready\n'))
        reject(new Error(`scheduler worker exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs one configuration and cleans up after it. */
export async function measureScheduler(
  kind: 'sqlite' | 'postgres',
  instances: number,
  subscriptions: number,
): Promise<SchedulerFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'briefings-bench-schedule-'));
  const schema = kind === 'postgres' ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const databaseUrl = kind === 'postgres' ? BENCH_DATABASE_URL : undefined;
  const pgClient = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : undefined;
  const workers: ChildProcess[] = [];
  try {
    const store = await openStore({ dataDir, databaseUrl, schema });
    // Subscribed long ago; not due until the moment below.
    const far = Date.parse('2100-01-01T08:00:00Z');
    for (let i = 0; i < subscriptions; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, subscriptions - i) }, (_, j) =>
          store.addSubscription({
            platform: 'discord',
            chatId: String(1_000_000 + i + j),
            topic: 'mexico',
            topicLabel: 'Mexico',
            cadence: { kind: 'daily', time: '08:00' },
            timezone: 'UTC',
            whenEmpty: 'latest',
            createdBy: 'bench',
            createdAt: 0,
            nextRunAt: far,
          }),
        ),
      );
    }
    await store.close();
    for (let i = 0; i < instances; i++) {
      workers.push(await startWorker({ dataDir, databaseUrl, schema, holder: `bench-${i}` }));
    }

    // All due at once: this minute's slot, made due in one statement.
    const dueAt = Date.now();
    const slot = Math.floor(dueAt / 60_000) * 60_000;
    const cadence = JSON.stringify({ kind: 'daily', time: new Date(slot).toISOString().slice(11, 16) });
    let sentAt: () => Promise<number[]>;
    if (pgClient && schema) {
      await pgClient.connect();
      await pgClient.query(`SET search_path TO ${schema}`);
      await pgClient.query('UPDATE subscriptions SET cadence = $1, next_run_at = $2', [cadence, slot]);
      sentAt = async () =>
        (
          await pgClient.query<{ s: string }>(`SELECT sent_at AS s FROM deliveries WHERE status = 'sent'`)
        ).rows.map((r) => Number(r.s));
    } else {
      const db = new Database(join(dataDir, DATABASE_FILE));
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE subscriptions SET cadence = ?, next_run_at = ?').run(cadence, slot);
      const read = db.prepare<[], { s: number }>(`SELECT sent_at AS s FROM deliveries WHERE status = 'sent'`);
      sentAt = async () => read.all().map((r) => r.s);
    }
    const deadline = Date.now() + 15 * 60_000;
    let times = await sentAt();
    while (times.length < subscriptions) {
      if (Date.now() > deadline)
        throw new Error(`only ${times.length} of ${subscriptions} posted in 15 minutes`);
      await new Promise((r) => setTimeout(r, 250));
      times = await sentAt();
    }
    const delays = times.map((t) => t - dueAt);
    const lastMs = Math.max(...delays);
    return {
      store: kind,
      instances,
      subscriptions,
      deliveriesPerSecond: Math.round(subscriptions / (lastMs / 1000)),
      p50DelayMs: Math.round(percentile(delays, 50)),
      p99DelayMs: Math.round(percentile(delays, 99)),
      maxDelayMs: Math.round(lastMs),
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
    if (pgClient && schema) {
      await pgClient.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await pgClient.end().catch(() => undefined);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Rows for the printed table. */
export function schedulerTable(figures: readonly SchedulerFigures[], skipped?: string): string {
  const lines = [
    '',
    'scheduled posts (no-op publisher, no pacing)'.padEnd(46) +
      'posts/s'.padStart(9) +
      'p50 delay'.padStart(11) +
      'p99 delay'.padStart(11),
  ];
  for (const f of figures) {
    lines.push(
      `  ${f.store}, ${f.instances} instance${f.instances > 1 ? 's' : ''}, ${f.subscriptions} due at once`.padEnd(
        46,
      ) +
        String(f.deliveriesPerSecond).padStart(9) +
        `${f.p50DelayMs} ms`.padStart(11) +
        `${f.p99DelayMs} ms`.padStart(11),
    );
  }
  if (skipped) lines.push(`  PostgreSQL skipped: ${skipped}`);
  return lines.join('\n');
}
