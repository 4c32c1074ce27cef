/**
 * What both chat platforms share about starting and stopping: the start-up error for a platform
 * that does not answer, the bounds on stopping, and a tracker of answers being written.
 *
 * Stopping a platform: stop taking new updates, give answers in flight `DRAIN_MS` to finish, then
 * abort whatever still waits on the platform (its requests fail at once) and give that
 * `ABORT_GRACE_MS` to unwind. The whole stop therefore ends within about 6 s whatever the
 * platform does, inside the 10 s a supervisor usually allows after SIGTERM.
 */

/** How long stopping waits for answers already being written. */
export const DRAIN_MS = 4_000;
/** How long stopping waits, after aborting the requests still in flight, for them to unwind. */
export const ABORT_GRACE_MS = 1_500;

/**
 * A platform (or the network to it) did not answer at start-up after a bounded number of
 * attempts. `briefings start` prints the message and exits with code 1, so a supervisor can try
 * again later; a token the platform refuses is a configuration error instead (exit 2).
 */
export class PlatformUnavailableError extends Error {
  override name = 'PlatformUnavailableError';
}

/** Resolves true when `work` settles within `ms`, false otherwise; never rejects. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Work in progress (updates being answered), so stopping can wait for it with a bound. */
export class InFlight {
  private readonly jobs = new Set<Promise<unknown>>();

  get size(): number {
    return this.jobs.size;
  }

  track(job: Promise<unknown>): void {
    const settled = job.then(
      () => undefined,
      () => undefined,
    );
    this.jobs.add(settled);
    void settled.finally(() => this.jobs.delete(settled));
  }

  /** True when everything in flight finished within `ms`. */
  drain(ms: number): Promise<boolean> {
    return settlesWithin(Promise.all([...this.jobs]), ms);
  }
}

/** The part of an abort signal used here; grammY types its own (a polyfill's) differently. */
export interface SignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * One signal that aborts when either does; `dispose` detaches it, so a long-lived signal (the
 * shutdown one) does not collect a listener per request.
 */
export function linkSignals<S extends SignalLike>(
  a: S | undefined,
  b: SignalLike | undefined,
): { signal: S | AbortSignal | undefined; dispose(): void } {
  if (!a || !b) return { signal: a ?? (b as AbortSignal | undefined), dispose() {} };
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (a.aborted || b.aborted) controller.abort();
  a.addEventListener('abort', abort);
  b.addEventListener('abort', abort);
  return {
    signal: controller.signal,
    dispose() {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}

/**
 * Resolves after the event loop has taken in the I/O already waiting (one poll for events): input
 * that came with the start, such as a command on the console, is answered before work that can wait.
 */
export function afterWaitingInput(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
