/**
 * `npm run bench`: speed, memory and answer quality of our engine next to default MiniSearch and
 * FlexSearch, on synthetic corpora of 1k, 10k and 100k articles. Prints one table and writes
 * bench/results.json. `--quick` is the CI smoke run: small sizes, a few rounds, under a minute.
 * `--sizes=1000,10000` picks sizes; `--only=ours` picks contenders; `--no-cold` skips cold starts;
 * `--no-e2e` skips the adapters measured end to end against the fake platforms. Scheduled posts
 * (bench/scheduler.ts): `--schedule=N` due subscriptions (default 10,000), `--no-schedule` skips
 * them; `--only-schedule` runs nothing else. The PostgreSQL part skips with a message when no
 * server answers, and is left out of `--quick` (it takes minutes).
 * `--million` adds
 * 1,000,000 articles (ours only unless `--only` names peers); `--no-updates` skips queries measured
 * while an article is added every second.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { measureColdStart } from './cold.ts';
import { CONTENDERS, type ContenderName } from './contenders.ts';
import { generateCorpus, loadSeed, vocabularySize } from './corpus.ts';
import { discordSlash, telegramInline } from './e2e.ts';
import { measureContender } from './measure.ts';
import { judge } from './quality.ts';
import { queryMix } from './queries.ts';
import { type Results, type SizeResult, table } from './report.ts';
import {
  BENCH_DATABASE_URL,
  measureScheduler,
  postgresAnswers,
  type SchedulerFigures,
  schedulerTable,
} from './scheduler.ts';
import { measureUpdates } from './updates.ts';

const SEED_DIR = 'content';
const RESULTS_FILE = new URL('./results.json', import.meta.url);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    'no-cold': { type: 'boolean', default: false },
    'no-e2e': { type: 'boolean', default: false },
    'no-schedule': { type: 'boolean', default: false },
    'only-schedule': { type: 'boolean', default: false },
    schedule: { type: 'string' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    million: { type: 'boolean', default: false },
    'no-updates': { type: 'boolean', default: false },
  },
});
const quick = args.quick ?? false;
const onlySchedule = args['only-schedule'] ?? false;
const sizes = onlySchedule
  ? []
  : args.sizes
    ? args.sizes.split(',').map(Number)
    : quick
      ? [1000, 5000]
      : [1000, 10_000, 100_000];
// 1,000,000 articles on request only (`--million`): minutes of build and gigabytes of memory.
if (args.million && !sizes.includes(1_000_000)) sizes.push(1_000_000);
/** From this size, peers are left out unless named with --only: they take too long there. */
const OURS_ONLY_FROM = 500_000;
const seed = Number(args.seed);
const contenders = args.only ? CONTENDERS.filter((c) => args.only?.split(',').includes(c)) : CONTENDERS;

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const seedContent = await loadSeed(SEED_DIR);
const results: Results = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  quick,
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  },
  quality: onlySchedule ? [] : contenders.map((name: ContenderName) => judge(name, seedContent)),
  sizes: [],
  endToEnd: [],
};

for (const size of sizes) {
  log(`generating ${size} articles`);
  const content = generateCorpus(seedContent, { size, seed });
  const mix = queryMix(content);
  const big = size >= 50_000;
  const huge = size >= OURS_ONLY_FROM;
  const result: SizeResult = { articles: size, vocabulary: vocabularySize(content), contenders: [] };
  for (const name of huge && !args.only ? (['ours'] as ContenderName[]) : contenders) {
    log(`measuring ${name} at ${size}`);
    const peer = name !== 'ours';
    result.contenders.push(
      measureContender(name, content, mix, {
        builds: quick || huge ? 1 : big ? 2 : 3,
        rounds: quick ? 3 : huge ? 10 : peer && big ? 5 : 30,
      }),
    );
  }
  if (!args['no-updates'] && contenders.includes('ours')) {
    log(`queries during updates at ${size}`);
    result.updates = await measureUpdates(content, SEED_DIR, mix, quick ? 3 : 10, quick ? 1 : 3);
  }
  if (!args['no-cold']) {
    log(`cold starts at ${size}`);
    result.coldStart = await measureColdStart(content, SEED_DIR, quick || huge ? 1 : big ? 2 : 3);
  }
  results.sizes.push(result);
}

if (!args['no-e2e'] && !onlySchedule) {
  // One user at a time shows the latency of a request; many at once, the throughput.
  const loads: [number, number][] = quick
    ? [
        [50, 1],
        [100, 10],
      ]
    : [
        [300, 1],
        [2000, 20],
      ];
  for (const [count, concurrency] of loads) {
    log(`end to end: ${count} Telegram inline queries and Discord slash commands, ${concurrency} at once`);
    results.endToEnd.push(await telegramInline(count, concurrency), await discordSlash(count, concurrency));
  }
}

const schedule: SchedulerFigures[] = [];
let scheduleSkipped: string | undefined;
if (!args['no-schedule']) {
  // --quick: a SQLite smoke run only; the PostgreSQL runs take minutes.
  const due = args.schedule ? Number(args.schedule) : quick ? 100 : 10_000;
  log(`scheduled posts: ${due} due at once, SQLite, 1 instance`);
  schedule.push(await measureScheduler('sqlite', 1, due));
  const unreachable = quick ? 'left out of --quick (takes minutes)' : await postgresAnswers();
  if (unreachable) {
    scheduleSkipped = quick ? unreachable : `no PostgreSQL at ${BENCH_DATABASE_URL} (${unreachable})`;
    log(`scheduled posts on PostgreSQL SKIPPED: ${scheduleSkipped}`);
  } else {
    for (const instances of [1, 3]) {
      log(`scheduled posts: ${due} due at once, PostgreSQL, ${instances} instance(s)`);
      schedule.push(await measureScheduler('postgres', instances, due));
    }
  }
}
// --only-schedule keeps the other figures of the last full run in results.json.
const base: object = onlySchedule
  ? JSON.parse(await readFile(RESULTS_FILE, 'utf8').catch(() => JSON.stringify(results)))
  : results;
const written = { ...base, schedule, scheduleSkipped };

await writeFile(RESULTS_FILE, `${JSON.stringify(written, null, 2)}\n`);
process.stdout.write(
  `${onlySchedule ? '' : `${table(results)}\n`}${schedulerTable(schedule, scheduleSkipped)}\n`,
);
log(`results written to bench/results.json`);
