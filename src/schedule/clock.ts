/**
 * Time as the scheduler sees it. Everything that waits or asks "what time is it" goes through a
 * Clock, so tests can jump across a DST change or a week of downtime without sleeping.
 */

/** An opaque timer handle returned by `Clock.setTimeout`. */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and Node timers (unref'd, so a pending tick never keeps a CLI alive). */
export function systemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const id = nextId++;
      const timer = setTimeout(
        () => {
          timers.delete(id);
          callback();
        },
        Math.max(0, ms),
      );
      timer.unref();
      timers.set(id, timer);
      return { id };
    },
    clearTimeout(handle) {
      clearTimeout(timers.get(handle.id));
      timers.delete(handle.id);
    },
  };
}

/** A clock that only moves when told to; timers fire, in due order, as time is advanced past them. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void;
  /** Moves time to an absolute instant (never backwards), firing due timers. */
  set(at: number | string | Date): void;
  /** How many timers are waiting. */
  pending(): number;
}

/**
 * Builds a manual clock starting at `start`. Used by tests and by `briefings` tooling that replays
 * a schedule; exported from src so tests need no module mocking.
 */
export function manualClock(start: number | string | Date): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new RangeError(`manualClock: invalid start ${String(start)}`);
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 1;

  const moveTo = (target: number) => {
    if (target < current) throw new RangeError('manualClock: time cannot go backwards');
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Number.POSITIVE_INFINITY;
      for (const [id, t] of timers) {
        if (t.at <= target && (t.at < dueAt || (t.at === dueAt && id < (dueId ?? Infinity)))) {
          dueId = id;
          dueAt = t.at;
        }
      }
      if (dueId === undefined) break;
      const timer = timers.get(dueId);
      timers.delete(dueId);
      current = Math.max(current, dueAt);
      timer?.callback();
    }
    current = target;
  };

  return {
    now: () => current,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: current + Math.max(0, ms), callback });
      return { id };
    },
    clearTimeout(handle) {
      timers.delete(handle.id);
    },
    advance(ms) {
      moveTo(current + ms);
    },
    set(at) {
      moveTo(new Date(at).getTime());
    },
    pending: () => timers.size,
  };
}
