/**
 * Child process for the cold-start measurement: loads content and the index (from the cache in
 * the data directory when there is one), answers one command, and reports on stdout. Run by
 * bench/cold.ts as `node --import tsx bench/cold-start.ts <contentDir> <dataDir>`.
 */
import { createBriefings } from '../src/commands/index.ts';
import { loadEngine } from '../src/content/load.ts';
import { createLogger } from '../src/logger.ts';
import { memoryMb } from './stats.ts';

const [contentDir, dataDir] = process.argv.slice(2);
if (!contentDir || !dataDir) throw new Error('usage: cold-start.ts <contentDir> <dataDir>');
// loadEngine logs how long the index took once content was read: that splits the start-up time.
let indexMs = Number.NaN;
const logger = createLogger('info', {
  write(line: string) {
    const record = JSON.parse(line) as { msg?: string; ms?: number };
    if (record.msg === 'content indexed' && record.ms !== undefined) indexMs = record.ms;
  },
});
const loadStarted = performance.now();
// As the bot does, the snapshot is written after the first answer.
const { engine, persist } = await loadEngine({ contentDir, dataDir, logger, deferWrite: true });
const loadMs = performance.now() - loadStarted;
const reply = await createBriefings(engine).run('/latest mexico');
const answeredMs = performance.now();
if (reply?.kind !== 'cards') throw new Error(`cold start: expected cards, got ${reply?.kind}`);
process.stdout.write(
  `${JSON.stringify({ answeredMs, contentMs: loadMs - indexMs, indexMs, articles: engine.size, ...memoryMb() })}\n`,
);
await persist?.();
