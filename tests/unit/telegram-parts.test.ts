/** The Telegram adapter's small parts: button payloads, rate limits, the redelivery window, the menu. */
import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../adapters/telegram/callback-data.ts';
import { menuCommands } from '../../adapters/telegram/commands-menu.ts';
import { createUpdateWindow } from '../../adapters/telegram/dedupe.ts';
import type { Briefings } from '../../src/commands/index.ts';
import { createRateLimiter } from '../../src/rate-limit.ts';
import { checkCommands } from '../fakes/telegram/limits.ts';

describe('callback data', () => {
  it('round-trips every action it can encode', () => {
    for (const action of [
      { kind: 'more', cursor: 'l.5.bWV4aWNv' },
      { kind: 'article', id: '23fcb2-01' },
      { kind: 'run', command: '/brief honduras' },
    ] as const) {
      const data = encodeAction(action);
      expect(data).toBeDefined();
      expect(decodeAction(data)).toEqual(action);
    }
  });

  it('refuses payloads over 64 bytes or of unknown shape, both ways', () => {
    expect(encodeAction({ kind: 'run', command: `/search ${'ñ'.repeat(30)}` })).toBeUndefined();
    expect(encodeAction({ kind: 'article', id: 'bad id!' })).toBeUndefined();
    expect(decodeAction('a:../../etc')).toBeUndefined();
    expect(decodeAction('z:whatever')).toBeUndefined();
    expect(decodeAction(`c:/${'x'.repeat(70)}`)).toBeUndefined();
    expect(decodeAction(undefined)).toBeUndefined();
  });
});

describe('rate limiter', () => {
  it('allows a burst of the per-minute allowance, refuses the next, notifies once, then refills', () => {
    let now = 0;
    const limiter = createRateLimiter(3, () => now);
    expect([1, 2, 3].map(() => limiter.take(7).allowed)).toEqual([true, true, true]);
    expect(limiter.take(7)).toEqual({ allowed: false, retryAfterSeconds: 20, notify: true });
    expect(limiter.take(7)).toMatchObject({ allowed: false, notify: false });
    expect(limiter.take(8).allowed).toBe(true);
    now += 20_000;
    expect(limiter.take(7).allowed).toBe(true);
    expect(limiter.take(7)).toMatchObject({ allowed: false, notify: true });
  });
});

describe('update window', () => {
  it('lets an update id through once and forgets the oldest beyond its size', () => {
    const window = createUpdateWindow(2);
    expect([1, 1, 2, 3].map((id) => window.firstSeen(id))).toEqual([true, false, true, true]);
    expect(window.firstSeen(1)).toBe(true);
    expect(window.firstSeen(3)).toBe(false);
  });
});

describe('command menu', () => {
  it('keeps only entries Telegram accepts', () => {
    const briefings = {
      helpCommands: () => [
        { name: 'latest', usage: '/latest [topic]', description: 'Newest articles' },
        { name: 'Bad-Name', usage: '', description: 'refused by Telegram' },
        { name: 'long', usage: '', description: 'd'.repeat(300) },
        { name: 'empty', usage: '', description: '   ' },
      ],
    } as unknown as Briefings;
    const menu = menuCommands(briefings);
    expect(menu.map((c) => c.command)).toEqual(['latest', 'long']);
    expect(() => checkCommands(menu)).not.toThrow();
  });
});
