/**
 * One loader's run of the queries-during-updates benchmark, in a process holding only what a bot
 * holds (see bench/updates.ts). Run as `node --import tsx bench/updates-worker.ts <json options>`;
 * prints the run as JSON on its last line.
 */
import { measureUpdatesHere, type UpdateWorkerOptions } from './updates.ts';

const { contentDir, dataDir, mix, seconds, mode } = JSON.parse(
  process.argv[2] ?? '{}',
) as UpdateWorkerOptions;
const run = await measureUpdatesHere(contentDir, dataDir, mix, seconds, mode);
console.log(JSON.stringify(run));
