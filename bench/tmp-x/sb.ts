import { measureScheduler, schedulerTable } from '../scheduler.ts';

const n = Number(process.argv[2] ?? 1000);
const figs = [];
for (const [k, i] of [
  ['sqlite', 1],
  ['postgres', 1],
  ['postgres', 3],
] as const) {
  const t = Date.now();
  figs.push(await measureScheduler(k, i, n));
  console.error(k, i, 'took', Date.now() - t, 'ms');
}
console.log(schedulerTable(figs));
