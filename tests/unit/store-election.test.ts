/**
 * One-of-many roles on the store (the Telegram poller): one holder at a time, handed over when the
 * holder steps down or goes silent, never held by two at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Election, startElection } from '../../src/store/election.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';

describe('election', () => {
  let dir: string;
  let store: Store;
  const elections: Election[] = [];
  let leaders: Set<string>;
  let overlaps: number;

  const campaign = (holder: string, store_ = store) =>
    startElection({
      store: store_,
      name: 'poller',
      holder,
      ttlMs: 600,
      retryMs: 100,
      async onElected() {
        if (leaders.size > 0) overlaps++;
        leaders.add(holder);
      },
      async onDeposed() {
        leaders.delete(holder);
      },
    }).then((e) => {
      elections.push(e);
      return e;
    });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-election-'));
    store = openSqliteStore({ dataDir: dir });
    leaders = new Set();
    overlaps = 0;
  });
  afterEach(async () => {
    for (const e of elections.splice(0)) await e.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('elects one holder and hands the role over when it steps down', async () => {
    const a = await campaign('a');
    const b = await campaign('b');
    expect(a.leader).toBe(true);
    expect(b.leader).toBe(false);
    await new Promise((r) => setTimeout(r, 400)); // a renews; b keeps waiting
    expect([a.leader, b.leader]).toEqual([true, false]);
    await a.stop();
    await vi.waitFor(() => expect(b.leader).toBe(true), { timeout: 2000 });
    expect(overlaps).toBe(0);
  });

  it('takes over from a holder that went silent once its lease runs out', async () => {
    // A holder that took the lease and then died: nobody renews it.
    expect(await store.acquireLease('poller', 'dead', Date.now(), 600)).toBe(true);
    const b = await campaign('b');
    expect(b.leader).toBe(false);
    const waitingSince = Date.now();
    await vi.waitFor(() => expect(b.leader).toBe(true), { timeout: 3000 });
    expect(Date.now() - waitingSince).toBeGreaterThanOrEqual(300);
  });
});
