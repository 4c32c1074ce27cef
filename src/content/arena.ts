/**
 * The memory a reload hands to the serving thread: one SharedArrayBuffer per hand-over (an arena),
 * holding copies of its typed arrays, and reused once the serving thread says the engine over it is
 * retired (see off-thread.ts).
 *
 * Why not transfer the arrays as before: every transferred buffer counts as the receiving
 * thread's external memory, and at 100,000 articles a reload brought about 46 MB of them, so the
 * serving thread's heap was collected in full after nearly every reload (a scavenge and a
 * mark-compact of 5-12 ms each, queries queued behind them). A SharedArrayBuffer is not counted
 * so; reusing the arenas bounds the memory that the collector no longer watches.
 */

type View =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Uint8ClampedArray;

type ViewType = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => View;

/** Every array starts at a multiple of this (the widest element, Float64Array). */
const ALIGN = 8;
const aligned = (n: number) => Math.ceil(n / ALIGN) * ALIGN;
/** Room over what a hand-over needs, so the next ones (a few articles more) fit the same arena. */
const HEADROOM = 1.125;

function isPlain(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * `value` with each typed array inside it (in plain objects and arrays, walked deeply) replaced by
 * what `f` gives for it; everything else is kept as it is.
 */
function mapViews(value: unknown, f: (view: View) => View): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return f(value as View);
  if (Array.isArray(value)) return value.map((item) => mapViews(item, f));
  if (isPlain(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapViews(v, f)]));
  return value;
}

/** Bytes an arena needs for every typed array inside `value`. */
export function arenaBytes(value: unknown): number {
  let bytes = 0;
  mapViews(value, (view) => {
    bytes += aligned(view.byteLength);
    return view;
  });
  return bytes;
}

/**
 * `value` with each typed array inside it replaced by a copy in `arena`, laid out one after
 * another. Throws when the arena is too small (`arenaBytes`).
 */
export function copyIntoArena<T>(value: T, arena: SharedArrayBuffer): T {
  let at = 0;
  return mapViews(value, (view) => {
    if (at + view.byteLength > arena.byteLength) throw new Error('arena: too small for the hand-over');
    const shared = new (view.constructor as ViewType)(arena, at, view.length);
    shared.set(view as never);
    at += aligned(view.byteLength);
    return shared;
  }) as T;
}

/**
 * The arenas of one thread that hands over: each `take` lends one out under a number, `release`
 * takes it back for a later `take`. Up to `keep` free arenas are kept; a released arena beyond
 * that is dropped (its memory goes once no thread holds a view of it).
 */
export class ArenaPool {
  private readonly lent = new Map<number, SharedArrayBuffer>();
  private free: SharedArrayBuffer[] = [];
  private next = 1;

  constructor(private readonly keep = 1) {}

  /** An arena of at least `bytes`: the smallest free one that fits, or a new one with headroom. */
  take(bytes: number): { id: number; arena: SharedArrayBuffer } {
    let best = -1;
    this.free.forEach((arena, k) => {
      if (
        arena.byteLength >= bytes &&
        (best < 0 || arena.byteLength < (this.free[best] as SharedArrayBuffer).byteLength)
      )
        best = k;
    });
    const arena =
      best >= 0
        ? (this.free.splice(best, 1)[0] as SharedArrayBuffer)
        : new SharedArrayBuffer(aligned(bytes * HEADROOM));
    const id = this.next++;
    this.lent.set(id, arena);
    return { id, arena };
  }

  /** The arena lent as `id` is no longer read by anyone; unknown numbers are ignored. */
  release(id: number): void {
    const arena = this.lent.get(id);
    if (!arena) return;
    this.lent.delete(id);
    this.free.push(arena);
    // The largest are kept: a smaller one would not hold the next hand-over.
    this.free.sort((a, b) => b.byteLength - a.byteLength);
    this.free.length = Math.min(this.free.length, this.keep);
  }

  /** Arenas lent and not released, and free ones (for tests). */
  counts(): { lent: number; free: number } {
    return { lent: this.lent.size, free: this.free.length };
  }
}
