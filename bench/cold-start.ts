/**
 * Start to first answer on a content directory already written (e.g. by bench/corpus.ts), as
 * bench/cold.ts measures it: `npx tsx bench/cold-start.ts <contentDir> <dataDir> [runs] [bin…]`.
 * The first run on an empty data directory is the first start; the others are warm starts. With
 * several `bin`s (e.g. another checkout's bin/briefings.js), they take turns, so old and new code
 * are compared under the same load.
 */
import { execFileSync } from 'node:child_process';
import { BIN, startToFirstAnswer } from './cold.ts';
import { median } from './stats.ts';

const [contentDir, dataDir, runs = '5', ...bins] = process.argv.slice(2);
if (!contentDir || !dataDir) throw new Error('usage: cold-start.ts <contentDir> <dataDir> [runs] [bin…]');
// Each bin builds its bundle once, untimed: the first run after a source changes does.
for (const bin of bins.length > 0 ? bins : [BIN])
  execFileSync(process.execPath, [bin, 'help'], { stdio: 'ignore' });
const starts = new Map<string, { wall: number[]; cpu: number[] }>();
for (let i = 0; i < Number(runs); i++) {
  for (const bin of bins.length > 0 ? bins : [undefined]) {
    const r = await startToFirstAnswer(contentDir, dataDir, bin);
    const name = bin ?? 'bin/briefings.js';
    const seen = starts.get(name) ?? { wall: [], cpu: [] };
    seen.wall.push(r.wallMs);
    seen.cpu.push(r.cpuMs);
    starts.set(name, seen);
    process.stdout.write(
      `${name}: ${Math.round(r.wallMs)} ms, CPU ${r.cpuMs} ms (${r.index}: read ${r.readMs} ms, engine ${r.indexMs} ms, RSS ${Math.round(r.rssMb)} MB)\n`,
    );
  }
}
for (const [name, { wall, cpu }] of starts)
  process.stdout.write(
    `${name}: median ${Math.round(median(wall))} ms, CPU ${median(cpu)} ms, of ${wall.length}\n`,
  );
