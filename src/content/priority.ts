/**
 * A reload runs beside the serving thread and must give way to it when both want a core. Where a
 * thread's nice value is its own (Linux), the reload worker lowers itself, and the thread starting
 * it lowers every other thread of the process: V8's helper threads collect the worker's heap too
 * (at 100,000 articles, about 5 s of CPU in 10 s of reloads, at the serving thread's priority,
 * while the worker itself ran lowered). Elsewhere the call would lower the whole process, so it
 * is not made. Lowering is for good: an unprivileged process cannot raise a thread back.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

const BACKGROUND_NICE = 10;

function lower(tid: number): void {
  try {
    setPriority(tid, BACKGROUND_NICE);
  } catch {
    // Not permitted here, or the thread has ended: it runs at the process's priority.
  }
}

/** Lowers the calling thread (a reload worker). */
export function lowerThisThread(): void {
  if (process.platform === 'linux') lower(0);
}

/** Lowers every thread of the process but the calling one (the serving thread). */
export function lowerOtherThreads(): void {
  if (process.platform !== 'linux') return;
  let self: number;
  let tasks: string[];
  try {
    // "<pid>/task/<tid>": the calling thread, which need not be the process's first.
    self = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const task of tasks) if (Number(task) !== self) lower(Number(task));
}
