import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArenaPool, arenaBytes, copyIntoArena } from '../../src/content/arena.ts';

describe('copying a hand-over into an arena', () => {
  it('keeps the shape and every value, with each typed array copied into the shared memory', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 50 }),
        fc.array(fc.float({ noNaN: true }), { maxLength: 50 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 13 }),
        (ints, floats, bytes) => {
          const value = {
            index: Uint8Array.from(bytes),
            made: {
              parts: { impacts: [Float32Array.from(floats), new Float32Array(0)] },
              twin: Int32Array.from(ints),
              scores: Float64Array.from(floats),
              terms: 'a b c',
              termsFrom: 3,
              lists: [{ key: 'mexico:en', list: Uint32Array.from(ints.map(Math.abs)), themes: ['oaxaca'] }],
            },
            none: undefined,
          };
          const arena = new SharedArrayBuffer(arenaBytes(value));
          const copy = copyIntoArena(value, arena);
          expect(copy).toEqual(value);
          const views = [
            copy.index,
            ...copy.made.parts.impacts,
            copy.made.twin,
            copy.made.scores,
            (copy.made.lists[0] as { list: Uint32Array }).list,
          ];
          for (const view of views) {
            expect(view.buffer).toBe(arena);
            // Every element type can be read where it starts.
            expect(view.byteOffset % 8).toBe(0);
          }
          // Copies, not the arrays given: the worker keeps its own.
          expect(copy.made.twin).not.toBe(value.made.twin);
        },
      ),
    );
  });

  it('lays the arrays out apart, so writing one leaves the others as they were', () => {
    const value = { a: Uint8Array.of(1, 2, 3), b: Uint16Array.of(4, 5), c: Float64Array.of(6.5) };
    const copy = copyIntoArena(value, new SharedArrayBuffer(arenaBytes(value)));
    copy.a.fill(9);
    expect([...copy.b]).toEqual([4, 5]);
    expect([...copy.c]).toEqual([6.5]);
  });

  it('refuses an arena too small for the hand-over', () => {
    const value = { a: new Uint32Array(10), b: new Uint8Array(1) };
    expect(arenaBytes(value)).toBe(48);
    expect(() => copyIntoArena(value, new SharedArrayBuffer(40))).toThrow(/too small/);
  });
});

describe('the pool of arenas', () => {
  /** Whether two arenas are the same memory: a byte written through one is read through the other. */
  const sameMemory = (a: SharedArrayBuffer, b: SharedArrayBuffer) => {
    const [x, y] = [new Uint8Array(a), new Uint8Array(b)];
    if (x.length !== y.length) return false;
    x[0] = ((y[0] as number) + 1) % 256;
    return x[0] === y[0];
  };

  it('lends an arena with room to grow, and lends it again only once released', () => {
    const pool = new ArenaPool();
    const first = pool.take(1000);
    expect(first.arena.byteLength).toBeGreaterThanOrEqual(1100);
    const second = pool.take(1000);
    expect(second.id).not.toBe(first.id);
    expect(sameMemory(first.arena, second.arena)).toBe(false);
    pool.release(first.id);
    const third = pool.take(1050);
    expect(sameMemory(third.arena, first.arena)).toBe(true);
    expect(pool.counts()).toEqual({ lent: 2, free: 0 });
  });

  it('lends the smallest free arena that fits, makes a new one when none does, and keeps as many free as told', () => {
    const pool = new ArenaPool(2);
    const [small, large, larger] = [pool.take(100), pool.take(10_000), pool.take(20_000)];
    for (const { id } of [small, large, larger]) pool.release(id);
    // Three released, two kept: the largest.
    expect(pool.counts()).toEqual({ lent: 0, free: 2 });
    const fits = pool.take(5000);
    expect(sameMemory(fits.arena, large.arena)).toBe(true);
    const grown = pool.take(50_000);
    expect(sameMemory(grown.arena, larger.arena)).toBe(false);
    expect(grown.arena.byteLength).toBeGreaterThanOrEqual(50_000);
    // A number released twice, or never lent, changes nothing.
    pool.release(small.id);
    pool.release(12345);
    expect(pool.counts()).toEqual({ lent: 2, free: 1 });
  });
});
