/**
 * Prefix and typo expansion over the index's terms, giving exactly what MiniSearch's radix tree
 * gives (`atPrefix`, `fuzzyGet`: the same terms, the same Levenshtein distances over UTF-16 code
 * units) without walking the tree. Prefixes are a range of the terms sorted once; typos are
 * candidates from a deletion index (words of up to 9 code units) or a bigram index split by term
 * length, each checked by a banded edit distance. Built on the first query that needs it, never
 * at start-up.
 */

import { DeletionIndex, type DeletionParts, deletionParts } from './deletions.ts';

/** Length buckets of the bigram index; longer terms share the last one (their lengths are checked). */
const LENGTH_BUCKETS = 64;

/**
 * A dictionary's arrays, flat: all typed arrays, so one made on another thread (the reload worker)
 * is handed over by transfer and used as it is.
 */
export interface DictionaryParts extends DeletionParts {
  /** Term ids in code-unit order of their terms (the order `<` gives strings). */
  sorted: Uint32Array;
  /** Each term's position in `sorted`: orders a handful of results without comparing strings. */
  rankOf: Uint32Array;
  /** Term ids by length bucket: bucket b's are `lengthIds[lengthStarts[b]..lengthStarts[b + 1]]`. */
  lengthStarts: Uint32Array;
  lengthIds: Uint32Array;
  /**
   * (bigram, length bucket) keys in increasing order, and the term ids holding each (each term
   * once per distinct bigram): key k's are `gramIds[gramStarts[k]..gramStarts[k + 1]]`.
   */
  gramKeys: Float64Array;
  gramStarts: Uint32Array;
  gramIds: Uint32Array;
}

/** The sorted terms and the bigram index over them (a sort and a pass over every term). */
export function dictionaryParts(terms: readonly string[]): DictionaryParts {
  const n = terms.length;
  const ids = Array.from({ length: n }, (_, i) => i);
  ids.sort((a, b) => {
    const x = terms[a] as string;
    const y = terms[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const sorted = Uint32Array.from(ids);
  const rankOf = new Uint32Array(n);
  sorted.forEach((id, r) => {
    rankOf[id] = r;
  });
  const lengthLists: number[][] = Array.from({ length: LENGTH_BUCKETS }, () => []);
  const gramLists = new Map<number, number[]>();
  const seen = new Set<number>();
  for (let id = 0; id < n; id++) {
    const term = terms[id] as string;
    const bucket = Math.min(term.length, LENGTH_BUCKETS - 1);
    (lengthLists[bucket] as number[]).push(id);
    seen.clear();
    for (let i = 0; i + 1 < term.length; i++) {
      const gram = bigram(term, i);
      if (seen.has(gram)) continue;
      seen.add(gram);
      const key = gram * LENGTH_BUCKETS + bucket;
      let list = gramLists.get(key);
      if (!list) {
        list = [];
        gramLists.set(key, list);
      }
      list.push(id);
    }
  }
  const lengthStarts = new Uint32Array(LENGTH_BUCKETS + 1);
  lengthLists.forEach((l, b) => {
    lengthStarts[b + 1] = (lengthStarts[b] as number) + l.length;
  });
  const gramKeys = Float64Array.from(gramLists.keys()).sort();
  const gramStarts = new Uint32Array(gramKeys.length + 1);
  let gramCount = 0;
  for (const list of gramLists.values()) gramCount += list.length;
  const gramIds = new Uint32Array(gramCount);
  gramKeys.forEach((key, k) => {
    const list = gramLists.get(key) as number[];
    gramIds.set(list, gramStarts[k] as number);
    gramStarts[k + 1] = (gramStarts[k] as number) + list.length;
  });
  return {
    sorted,
    rankOf,
    lengthStarts,
    lengthIds: Uint32Array.from(lengthLists.flat()),
    gramKeys,
    gramStarts,
    gramIds,
    ...deletionParts(terms, DELETION_MAX_QUERY + DELETION_EDITS),
  };
}

export class TermDictionary {
  /** Scratch: bigrams counted per term during one typo lookup, left cleared. */
  private readonly counts: Uint16Array;
  private readonly touched: Uint32Array;
  /** Deletions of every term, for typo lookups of short words. */
  private readonly deletions: DeletionIndex;

  /** `parts`: made by `dictionaryParts(terms)` here, or elsewhere for the same terms. */
  constructor(
    private readonly terms: readonly string[],
    private readonly parts: DictionaryParts = dictionaryParts(terms),
  ) {
    this.counts = new Uint16Array(terms.length);
    this.touched = new Uint32Array(terms.length);
    this.deletions = new DeletionIndex(parts);
  }

  /** Term ids of a length bucket. */
  private ofLength(bucket: number): Uint32Array {
    const { lengthStarts, lengthIds } = this.parts;
    return lengthIds.subarray(lengthStarts[bucket] as number, lengthStarts[bucket + 1] as number);
  }

  /** Term ids holding a bigram, of a length bucket (a binary search over the keys). */
  private withGram(key: number): Uint32Array {
    const { gramKeys, gramStarts, gramIds } = this.parts;
    let lo = 0;
    let hi = gramKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((gramKeys[mid] as number) < key) lo = mid + 1;
      else hi = mid;
    }
    if (gramKeys[lo] !== key) return NONE;
    return gramIds.subarray(gramStarts[lo] as number, gramStarts[lo + 1] as number);
  }

  /** Terms starting with `prefix` (itself included when it is a term), in code-unit order. */
  withPrefix(prefix: string): [string, number][] {
    const { terms } = this;
    const { sorted } = this.parts;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((terms[sorted[mid] as number] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: [string, number][] = [];
    for (let r = lo; r < sorted.length; r++) {
      const id = sorted[r] as number;
      const term = terms[id] as string;
      if (!term.startsWith(prefix)) break;
      out.push([term, id]);
    }
    return out;
  }

  /**
   * Terms within `maxDistance` edits (Levenshtein) of `query`, with their distance, in code-unit
   * order. A term within k edits of a query of length q has length within q ± k and, as one edit
   * breaks at most two bigrams, holds at least need = max(q, length) − 1 − 2k of the query's q − 1
   * bigram occurrences: only terms passing that count are checked. It then holds one of any
   * q − need of them too: when the q − need shortest lists are much shorter than all, their terms
   * are the candidates instead, and the long lists of common bigrams are never read.
   */
  near(query: string, maxDistance: number): [string, number, number][] {
    const { terms, counts, touched } = this;
    const k = Math.max(0, Math.floor(maxDistance));
    const q = query.length;
    const found: [string, number, number][] = [];
    const check = (id: number) => {
      const term = terms[id] as string;
      if (Math.abs(term.length - q) > k) return;
      const d = boundedDistance(query, term, k);
      if (d <= k) found.push([term, id, d]);
    };
    if (k >= 1 && k <= DELETION_EDITS && q <= DELETION_MAX_QUERY) {
      this.nearByDeletions(query, k, check);
      return this.inTermOrder(found);
    }
    const lowest = Math.max(0, q - k);
    const highest = q + k;
    let touchedCount = 0;
    const last = LENGTH_BUCKETS - 1;
    for (let length = Math.min(lowest, last); length <= Math.min(highest, last); length++) {
      // The last bucket holds every longer term: its lengths vary, so the count bound uses the shortest.
      const need = Math.max(q, length) - 1 - 2 * k;
      if (need <= 0 || length === last) {
        for (const id of this.ofLength(length)) check(id);
        continue;
      }
      const lists: Uint32Array[] = [];
      for (let i = 0; i + 1 < q; i++) lists.push(this.withGram(bigram(query, i) * LENGTH_BUCKETS + length));
      lists.sort((a, b) => a.length - b.length);
      let all = 0;
      let shortest = 0;
      lists.forEach((list, l) => {
        all += list.length;
        if (l < q - need) shortest += list.length;
      });
      const from = touchedCount;
      // Each of the query's bigram occurrences counts once for every term holding it: a count at
      // least the shared bigrams, so the bound never drops a true match. A candidate from the
      // shortest lists is marked with a count at `need`, so it is checked once.
      const pigeonhole = shortest * PIGEONHOLE_GAIN < all;
      for (let l = 0; l < (pigeonhole ? q - need : lists.length); l++) {
        const list = lists[l] as Uint32Array;
        for (let j = 0; j < list.length; j++) {
          const id = list[j] as number;
          if (counts[id] === 0) touched[touchedCount++] = id;
          counts[id] = pigeonhole ? need : (counts[id] as number) + 1;
        }
      }
      for (let i = from; i < touchedCount; i++) {
        const id = touched[i] as number;
        if ((counts[id] as number) >= need) check(id);
      }
    }
    for (let i = 0; i < touchedCount; i++) counts[touched[i] as number] = 0;
    return this.inTermOrder(found);
  }

  /**
   * Checks once each term sharing a deletion with the query. At two edits the bigram count filter
   * reads thousands of terms holding common letter pairs ("quenanru": 7,267 read, 395 checked, at
   * 100k); the query's 37 deletions find a few hundred candidates with no list read. At one edit
   * ("general": 116 read, 111 checked) its 8 deletions find a handful.
   */
  private nearByDeletions(query: string, k: number, check: (id: number) => void): void {
    const { counts, touched } = this;
    let touchedCount = 0;
    this.deletions.candidates(query, k, (id) => {
      if (counts[id] !== 0) return;
      counts[id] = 1;
      touched[touchedCount++] = id;
      check(id);
    });
    for (let i = 0; i < touchedCount; i++) counts[touched[i] as number] = 0;
  }

  private inTermOrder(found: [string, number, number][]): [string, number, number][] {
    const { rankOf } = this.parts;
    return found.sort((a, b) => (rankOf[a[1]] as number) - (rankOf[b[1]] as number));
  }
}

/** Typo lookups at one or two edits use the deletion index instead of the bigram count filter... */
const DELETION_EDITS = 2;
/**
 * ...for words up to this long: a longer word has more deletions to look up (92 at 13 letters,
 * two edits) and needs more letter pairs in common, so the count filter reads little (measured
 * at 100k).
 */
const DELETION_MAX_QUERY = 9;

const NONE = new Uint32Array(0);
/** Candidates come from the shortest bigram lists when they hold this many times fewer terms than all. */
const PIGEONHOLE_GAIN = 8;

function bigram(s: string, i: number): number {
  return s.charCodeAt(i) * 0x10000 + s.charCodeAt(i + 1);
}

/** The two rows of the distance table, reused from call to call (grown for longer words). */
let rows: [Uint16Array, Uint16Array] = [new Uint16Array(64), new Uint16Array(64)];

/** Levenshtein distance over code units when at most k, else k + 1 (only a band of width 2k + 1 is filled). */
export function boundedDistance(a: string, b: string, k: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > k) return k + 1;
  const over = k + 1;
  if (rows[0].length <= n) rows = [new Uint16Array(2 * n + 2), new Uint16Array(2 * n + 2)];
  let [prev, row] = rows;
  for (let j = 0; j <= n; j++) prev[j] = Math.min(j, over);
  for (let i = 1; i <= m; i++) {
    const from = Math.max(1, i - k);
    const to = Math.min(n, i + k);
    row[0] = Math.min(i, over);
    if (from > 1) row[from - 1] = over;
    let best = row[0] as number;
    const c = b.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const replace = (prev[j - 1] as number) + (a.charCodeAt(j - 1) === c ? 0 : 1);
      const remove = (prev[j] as number) + 1;
      const insert = (row[j - 1] as number) + 1;
      const d = Math.min(replace, remove, insert, over);
      row[j] = d;
      if (d < best) best = d;
    }
    if (to < n) row[to + 1] = over;
    if (best > k) return over;
    const swap = prev;
    prev = row;
    row = swap;
  }
  return Math.min(prev[n] as number, over);
}
