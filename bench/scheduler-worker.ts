/**
 * One scheduler instance for the delivery benchmark: the real scheduler and store (SQLite in a
 * data directory, or PostgreSQL in a schema), a publisher that posts nowhere (no network, no
 * pacing), and a handful of articles. Prints "ready" once it checks for due work; stops on SIGTERM.
 * Run by bench/scheduler.ts as `node --import tsx bench/scheduler-worker.ts <json options>`.
 */

import { fixedDigestSource } from '../src/schedule/fixed-source.ts';
import { SHARED_SCHEDULER_DEFAULTS } from '../src/schedule/index.ts';
import { createPacer } from '../src/schedule/pace.ts';
import type { Publisher } from '../src/schedule/publisher.ts';
import { createScheduler } from '../src/schedule/scheduler.ts';
import { openStore } from '../src/store/open.ts';
import { BENCH_ARTICLES, BENCH_TOPICS } from './scheduler-content.ts';

interface WorkerOptions {
  dataDir: string;
  databaseUrl?: string;
  schema?: string;
  holder: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
const store = await openStore({
  dataDir: options.dataDir,
  databaseUrl: options.databaseUrl,
  schema: options.schema,
});
const source = fixedDigestSource(BENCH_ARTICLES, BENCH_TOPICS);
let posted = 0;
const publisher: Publisher = {
  idempotent: true,
  async publish() {
    posted++;
    return { messageId: `m${posted}` };
  },
};
const scheduler = createScheduler({
  store,
  source: () => source,
  holder: options.holder,
  ...(store.kind === 'postgres' ? SHARED_SCHEDULER_DEFAULTS : {}),
  tickMs: 100,
  pacer: createPacer(() => ({})),
});
scheduler.setPublisher('discord', publisher);
await scheduler.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void scheduler
    .stop()
    .then(() => store.close())
    .then(() => {
      process.stdout.write(`${JSON.stringify({ posted })}\n`);
      process.exit(0);
    });
});
// Keep the process alive: the scheduler's timers are unref'd.
setInterval(() => undefined, 60_000);
