import { FNV_OFFSET, FNV_PRIME, fnv1a } from './hash.ts';

/**
 * A deletion index (as SymSpell and FastSS use) for typo candidates at one or two edits: every
 * term under the hash of itself and of each string left by deleting one or two of its code units.
 * Two strings within k edits (Levenshtein) leave a common string after at most k deletions from
 * each (delete the substituted positions from both, the inserted ones from the side that has
 * them), so the terms sharing a hash with one of the query's own deletions (up to k) include every
 * term within k edits. Hashes may collide and deletions on both sides also reach terms further
 * away: the caller checks each candidate's distance. Made with the rest of the term dictionary
 * (about 20 ms and 3.9 MB at 100k articles).
 */

/**
 * The index's arrays: typed arrays, each with a buffer of its own, so an index made on another
 * thread (the reload worker) is handed over by transfer. Entries are grouped by the top bits of
 * their hash (as many as `deletionStarts` has buckets): bucket b's are
 * `deletionStarts[b]..deletionStarts[b + 1]`, each entry with the low 16 bits of its hash (a
 * bucket's other hashes are told apart before any check) and its term.
 */
export interface DeletionParts {
  deletionStarts: Uint32Array;
  deletionHashes: Uint16Array;
  deletionIds: Uint32Array;
}

/**
 * Indexes the terms no longer than `maxLength` (a term stores about n²/2 deletions): enough for
 * queries of up to maxLength − 2 code units.
 */
export function deletionParts(terms: readonly string[], maxLength: number): DeletionParts {
  let capacity = 0;
  for (const term of terms) {
    const n = term.length;
    if (n <= maxLength) capacity += 1 + n + (n * (n - 1)) / 2;
  }
  // About eight entries a bucket: a lookup reads one short run, no search.
  const bits = Math.min(24, Math.max(8, Math.ceil(Math.log2(capacity / 8 + 1))));
  const shift = 32 - bits;
  const allHashes = new Uint32Array(capacity);
  const allIds = new Uint32Array(capacity);
  const counts = new Uint32Array((1 << bits) + 1);
  const own: number[] = [];
  let size = 0;
  for (let id = 0; id < terms.length; id++) {
    const term = terms[id] as string;
    if (term.length > maxLength) continue;
    own.length = 0;
    deletionHashes(term, own);
    for (let i = 0; i < own.length; i++) {
      const h = own[i] as number;
      // A term's deletions repeat where letters repeat ("aab"): the same hash twice in a row is kept once.
      if (i > 0 && h === own[i - 1]) continue;
      allHashes[size] = h;
      allIds[size++] = id;
      const b = (h >>> shift) + 1;
      counts[b] = (counts[b] as number) + 1;
    }
  }
  // A counting sort by bucket.
  for (let b = 1; b < counts.length; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
  const deletionStarts = counts.slice();
  const deletionHashes16 = new Uint16Array(size);
  const deletionIds = new Uint32Array(size);
  for (let e = 0; e < size; e++) {
    const h = allHashes[e] as number;
    const b = h >>> shift;
    const at = counts[b] as number;
    counts[b] = at + 1;
    deletionHashes16[at] = h & 0xffff;
    deletionIds[at] = allIds[e] as number;
  }
  return { deletionStarts, deletionHashes: deletionHashes16, deletionIds };
}

export class DeletionIndex {
  private readonly starts: Uint32Array;
  private readonly hashes: Uint16Array;
  private readonly ids: Uint32Array;
  /** A hash's bucket is its top bits: the hash shifted right by this. */
  private readonly shift: number;

  constructor(parts: DeletionParts) {
    this.starts = parts.deletionStarts;
    this.hashes = parts.deletionHashes;
    this.ids = parts.deletionIds;
    this.shift = 32 - Math.log2(this.starts.length - 1);
  }

  /** Bytes the index holds (6 a stored deletion and 4 a bucket), for reporting. */
  get bytes(): number {
    return this.starts.byteLength + this.hashes.byteLength + this.ids.byteLength;
  }

  /**
   * Calls `visit` with every indexed term sharing a hash with `query` or one of its deletions of
   * up to `edits` (1 or 2) code units: every term within that many edits, among others (a term
   * may be visited more than once).
   */
  candidates(query: string, edits: number, visit: (id: number) => void): void {
    const own: number[] = [];
    deletionHashes(query, own, edits);
    const { starts, hashes, ids, shift } = this;
    for (const h of own) {
      const b = h >>> shift;
      const to = starts[b + 1] as number;
      const low = h & 0xffff;
      for (let at = starts[b] as number; at < to; at++) if (hashes[at] === low) visit(ids[at] as number);
    }
  }
}

/**
 * FNV-1a hashes of `s` and of every string left by deleting one or (with `edits` 2) two of its
 * code units (repeats included). The hash of the first i code units is carried over, so each
 * deletion hashes only what follows its first deleted unit.
 */
function deletionHashes(s: string, out: number[], edits = 2): void {
  const n = s.length;
  let before = FNV_OFFSET;
  for (let i = 0; i <= n; i++) {
    // `before`: the hash of s[0, i). Deleting i (and a later j), or nothing when i = n.
    if (i === n) {
      out.push(before >>> 0);
      break;
    }
    if (edits < 2) out.push(fnv1a(s, before, i + 1));
    else {
      let one = before;
      for (let j = i + 1; j < n; j++) {
        // `one`: the hash of s[0, j) without i; deleting j as well leaves s[j + 1, n).
        out.push(fnv1a(s, one, j + 1));
        one = Math.imul(one ^ s.charCodeAt(j), FNV_PRIME);
      }
      out.push(one >>> 0);
    }
    before = Math.imul(before ^ s.charCodeAt(i), FNV_PRIME);
  }
}
