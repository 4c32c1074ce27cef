/**
 * Deterministic randomness for the synthetic corpus: the same seed gives the same corpus on every
 * machine, so benchmark runs compare like with like.
 */

/** A small, fast 32-bit generator (mulberry32); `next()` is uniform in [0, 1). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
}

/**
 * Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^s, the shape of topic coverage in a real
 * archive (a few countries everywhere, a long tail of people and places).
 */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(n: number, s = 1) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += 1 / (i + 1) ** s;
      this.cumulative[i] = sum;
    }
    for (let i = 0; i < n; i++) this.cumulative[i] = (this.cumulative[i] as number) / sum;
  }

  draw(random: Random): number {
    const u = random.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A Pitman–Yor process over an unbounded vocabulary: each draw reuses a known value in proportion
 * to how often it was used, or coins a new one. The number of distinct values grows like
 * draws^discount (Heaps' law), as names and places do in a growing news archive.
 */
export class GrowingVocabulary {
  private readonly used: number[] = [];
  private readonly counts: number[] = [];
  private total = 0;

  constructor(
    private readonly coin: (index: number) => string,
    private readonly concentration = 20,
    private readonly discount = 0.55,
  ) {}

  get size(): number {
    return this.counts.length;
  }

  draw(random: Random): string {
    const k = this.counts.length;
    const fresh = (this.concentration + this.discount * k) / (this.total + this.concentration);
    this.total++;
    if (k === 0 || random.next() < fresh) {
      this.counts.push(1);
      this.used.push(k);
      return this.coin(k);
    }
    // Picking a past draw uniformly is picking a value in proportion to its use count.
    const value = this.used[random.int(this.used.length)] as number;
    this.counts[value] = (this.counts[value] as number) + 1;
    this.used.push(value);
    return this.coin(value);
  }
}
