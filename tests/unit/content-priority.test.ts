import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerOtherThreads } from '../../src/content/priority.ts';

/** Each thread's nice value, by thread id (the 19th field of its stat line). */
function niceValues(): Map<number, number> {
  const out = new Map<number, number>();
  for (const task of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      out.set(Number(task), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

describe('reload priority', () => {
  it.runIf(process.platform === 'linux')(
    'lowers every thread of the process but the calling one (the serving thread)',
    async () => {
      const worker = new Worker('setInterval(() => {}, 1000);', { eval: true });
      await once(worker, 'online');
      try {
        const self = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
        const before = niceValues();
        expect(before.size).toBeGreaterThan(2);
        lowerOtherThreads();
        const after = niceValues();
        for (const [tid, nice] of after) {
          const was = before.get(tid);
          if (was === undefined) continue; // started since
          expect(nice, `thread ${tid}`).toBe(tid === self ? was : Math.max(was, 10));
        }
      } finally {
        await worker.terminate();
      }
    },
  );
});
