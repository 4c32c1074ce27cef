/**
 * Remembers the most recent update ids so a redelivered update (Telegram resends after any non-2xx
 * or a timeout) is handled once. A sliding window: the oldest ids are forgotten first.
 */
export interface UpdateWindow {
  /** True the first time an id is seen within the window, false for a repeat. */
  firstSeen(updateId: number): boolean;
}

export function createUpdateWindow(size = 10_000): UpdateWindow {
  const seen = new Set<number>();
  return {
    firstSeen(updateId) {
      if (seen.has(updateId)) return false;
      seen.add(updateId);
      if (seen.size > size) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return true;
    },
  };
}
