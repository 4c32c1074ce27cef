/** Small statistics for benchmark figures: medians over runs, latency percentiles. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `npm run bench` runs without --expose-gc; heap figures need a full collection, so expose it here.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Milliseconds a call takes, with its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** Runs `fn` `runs` times and returns the median duration in milliseconds. */
export function medianMs(runs: number, fn: () => unknown): number {
  return median(Array.from({ length: runs }, () => timed(fn).ms));
}

/**
 * Heap and RSS in MB after a full collection. The heap figure includes typed-array buffers, which
 * V8 keeps outside `heapUsed` and which hold most of our index.
 */
export function memoryMb(): { heap: number; rss: number } {
  collectGarbage();
  collectGarbage();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heap: (heapUsed + arrayBuffers) / 2 ** 20, rss: rss / 2 ** 20 };
}

/** Rounds for tables: three significant digits, no exponent. */
export function fmt(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
