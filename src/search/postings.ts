import { INDEX_FIELDS, type IndexDoc } from './documents.ts';
import { fnv1a } from './hash.ts';

/** Version of the binary layout written by `encode` and of its cache encoding; part of the cache key. */
export const POSTINGS_FORMAT = 2;
const FIELD_COUNT = INDEX_FIELDS.length;
const MAX_U16 = 0xffff;

/** Sorted document numbers of one term in one field, with the term's frequency in each. */
export interface Postings {
  docs: Uint32Array;
  freqs: Uint16Array;
}

interface FieldPostings {
  /** Where each term's postings start in `docs`/`freqs` (one more entry than terms). */
  offsets: Uint32Array;
  docs: Uint32Array;
  freqs: Uint16Array;
  /** Distinct terms per document in this field, as MiniSearch counts field length. */
  lengths: Uint16Array;
}

/** A typed-array list that doubles when full: building 10⁶–10⁷ postings without boxed numbers. */
class GrowableU32 {
  data = new Uint32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

/** Term ids: known terms keep theirs, new ones are numbered on from the last, in order of first occurrence. */
class TermNumbering {
  readonly terms: string[];
  private readonly ids: Map<string, number>;
  constructor(known: readonly string[], knownIds: ReadonlyMap<string, number> = new Map()) {
    this.terms = [...known];
    this.ids = new Map(knownIds);
  }
  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }
}

/** One field's postings as (term, document, frequency) triples, documents in increasing order. */
interface Occurrences {
  term: GrowableU32;
  doc: GrowableU32;
  freq: GrowableU32;
}

/**
 * Every field's occurrences and lengths of documents (numbered by `id`, in increasing order) in
 * an index of `docCount` documents; lengths of documents not given are left 0.
 */
function occurrences(
  docs: readonly IndexDoc[],
  numbering: TermNumbering,
  docCount: number,
): { raw: Occurrences[]; lengths: Uint16Array[] } {
  const raw = INDEX_FIELDS.map(() => ({
    term: new GrowableU32(),
    doc: new GrowableU32(),
    freq: new GrowableU32(),
  }));
  const lengths = INDEX_FIELDS.map(() => new Uint16Array(docCount));
  // Occurrences per term id in the current field (zeroed after it), and the ids in the order
  // they first occur: one lookup per word.
  let counts = new Uint32Array(Math.max(1024, numbering.terms.length));
  const seen: number[] = [];
  for (const d of docs) {
    INDEX_FIELDS.forEach((field, f) => {
      seen.length = 0;
      const text = d[field];
      if (text)
        for (const t of text.split(' ')) {
          if (!t) continue;
          const id = numbering.id(t);
          if (id >= counts.length) {
            const bigger = new Uint32Array(counts.length * 2);
            bigger.set(counts);
            counts = bigger;
          }
          if (counts[id] === 0) seen.push(id);
          (counts[id] as number)++;
        }
      (lengths[f] as Uint16Array)[d.id] = Math.min(seen.length, MAX_U16);
      const r = raw[f] as Occurrences;
      for (const id of seen) {
        r.term.push(id);
        r.doc.push(d.id);
        r.freq.push(Math.min(counts[id] as number, MAX_U16));
        counts[id] = 0;
      }
    });
  }
  return { raw, lengths };
}

/** Occurrences grouped by term (counting sort: documents were added in order, so each term's stay sorted). */
function byTerm(
  r: Occurrences,
  termCount: number,
): { offsets: Uint32Array; docs: Uint32Array; freqs: Uint16Array } {
  const offsets = new Uint32Array(termCount + 1);
  for (let i = 0; i < r.term.length; i++) (offsets[(r.term.data[i] as number) + 1] as number)++;
  for (let t = 0; t < termCount; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const fill = offsets.slice(0, termCount);
  const docs = new Uint32Array(r.term.length);
  const freqs = new Uint16Array(r.term.length);
  for (let i = 0; i < r.term.length; i++) {
    const at = fill[r.term.data[i] as number] as number;
    fill[r.term.data[i] as number] = at + 1;
    docs[at] = r.doc.data[i] as number;
    freqs[at] = r.freq.data[i] as number;
  }
  return { offsets, docs, freqs };
}

interface Header {
  format: number;
  docCount: number;
  terms: string[];
  /** Without `terms` (`encode(false)`): how many there are, given to `decode` apart. */
  termCount?: number;
  postings: number[];
  /** Each field's average length, as the constructor works it out (absent in older snapshots). */
  avgLength?: number[];
}

/** Each term's id: its position. */
function idsOf(terms: readonly string[]): Map<string, number> {
  return new Map(terms.map((t, i) => [t, i]));
}

/**
 * The compact inverted index the engine scores with: per field, each term's postings as sorted
 * document numbers and frequencies in flat typed arrays (about 6 bytes a posting, no objects),
 * so a query is a tight scan instead of a Map of result objects per matching document. Prefixes
 * and typos are expanded over `terms` by the scorer's TermDictionary.
 * Serialises to one binary buffer that loads without parsing postings.
 */
export class PostingIndex {
  readonly docCount: number;
  readonly terms: readonly string[];
  readonly avgLength: Float64Array;
  private readonly fields: FieldPostings[];
  private idsCache?: Map<string, number>;

  /** `avgLength`: the fields' average lengths when known (decoded), else worked out: a pass over every document. */
  private constructor(
    docCount: number,
    terms: string[],
    fields: FieldPostings[],
    avgLength?: readonly number[],
  ) {
    this.docCount = docCount;
    this.terms = terms;
    this.fields = fields;
    this.avgLength = new Float64Array(FIELD_COUNT);
    fields.forEach((f, i) => {
      const known = avgLength?.[i];
      if (known !== undefined) {
        this.avgLength[i] = known;
        return;
      }
      let sum = 0;
      for (let d = 0; d < f.lengths.length; d++) sum += f.lengths[d] as number;
      this.avgLength[i] = docCount ? sum / docCount : 0;
    });
  }

  /** Indexes documents whose fields hold pre-analysed terms joined by spaces. */
  static build(docs: readonly IndexDoc[]): PostingIndex {
    const numbering = new TermNumbering([]);
    const { raw, lengths } = occurrences(docs, numbering, docs.length);
    const fields = raw.map(
      (r, f): FieldPostings => ({ ...byTerm(r, numbering.terms.length), lengths: lengths[f] as Uint16Array }),
    );
    return new PostingIndex(docs.length, numbering.terms, fields);
  }

  /**
   * The index `build` would make after some documents changed, from this one: `kept[d]` is the
   * new number of this index's document `d` (or -1: gone), increasing where kept, and `added`
   * holds the other documents, by new number. Kept postings are copied, not re-analysed: a
   * reload after one new article costs a pass over the arrays instead of a rebuild. Postings,
   * lengths and the set of terms are those of `build`; term numbers may differ (new terms come
   * last), which nothing outside the index depends on.
   */
  update(kept: Int32Array, added: readonly IndexDoc[], docCount: number): PostingIndex {
    const numbering = new TermNumbering(this.terms, this.ownTermIds());
    const { terms } = numbering;
    const { raw, lengths } = occurrences(added, numbering, docCount);
    const fields = this.fields.map((old, f): FieldPostings => {
      for (let d = 0; d < kept.length; d++) {
        const to = kept[d] as number;
        if (to >= 0) (lengths[f] as Uint16Array)[to] = old.lengths[d] as number;
      }
      const fresh = byTerm(raw[f] as Occurrences, terms.length);
      // Each term's kept postings (renumbered, still in order) merged with its added ones.
      const offsets = new Uint32Array(terms.length + 1);
      const docs = new Uint32Array(old.docs.length + fresh.docs.length);
      const freqs = new Uint16Array(docs.length);
      let out = 0;
      for (let t = 0; t < terms.length; t++) {
        offsets[t] = out;
        let i = t < this.terms.length ? (old.offsets[t] as number) : 0;
        const iEnd = t < this.terms.length ? (old.offsets[t + 1] as number) : 0;
        let j = fresh.offsets[t] as number;
        const jEnd = fresh.offsets[t + 1] as number;
        while (i < iEnd || j < jEnd) {
          const from = i < iEnd ? (kept[old.docs[i] as number] as number) : -1;
          if (i < iEnd && from < 0) {
            i++;
            continue;
          }
          if (j >= jEnd || (i < iEnd && from < (fresh.docs[j] as number))) {
            docs[out] = from;
            freqs[out++] = old.freqs[i++] as number;
          } else {
            docs[out] = fresh.docs[j] as number;
            freqs[out++] = fresh.freqs[j++] as number;
          }
        }
      }
      offsets[terms.length] = out;
      // Sized for every kept and added posting: only a removed document's postings leave a tail
      // to cut (a reload adding one article copied 20 MB at 100k for nothing).
      return {
        offsets,
        docs: out === docs.length ? docs : docs.slice(0, out),
        freqs: out === freqs.length ? freqs : freqs.slice(0, out),
        lengths: lengths[f] as Uint16Array,
      };
    });
    return PostingIndex.withoutEmptyTerms(docCount, terms, fields);
  }

  /** Drops terms no document holds any more (`build` never makes them), renumbering the rest. */
  private static withoutEmptyTerms(docCount: number, terms: string[], fields: FieldPostings[]): PostingIndex {
    const live: number[] = [];
    for (let t = 0; t < terms.length; t++)
      if (fields.some((f) => (f.offsets[t + 1] as number) > (f.offsets[t] as number))) live.push(t);
    if (live.length === terms.length) return new PostingIndex(docCount, terms, fields);
    const compact = fields.map((f): FieldPostings => {
      const offsets = new Uint32Array(live.length + 1);
      live.forEach((t, k) => {
        offsets[k + 1] = (offsets[k] as number) + (f.offsets[t + 1] as number) - (f.offsets[t] as number);
      });
      return { ...f, offsets };
    });
    return new PostingIndex(
      docCount,
      live.map((t) => terms[t] as string),
      compact,
    );
  }

  /**
   * Term → id, built on first use: a cold start that answers topic lists never pays for it. The
   * map may be shared with a later index whose terms extend these (see `decode`): its ids from
   * this index's length on are not this index's.
   */
  termId(term: string): number | undefined {
    const id = this.termIds().get(term);
    return id !== undefined && id < this.terms.length ? id : undefined;
  }

  /**
   * Makes the term → id map in slices of `chunk` terms, yielding between them (see
   * `Engine.prepare`), so a new index's first query does not make it at once.
   */
  *termIdsInSlices(chunk = 2000): Generator<void> {
    if (this.idsCache) return;
    const ids = new Map<string, number>();
    for (let i = 0; i < this.terms.length; i++) {
      ids.set(this.terms[i] as string, i);
      if (i % chunk === chunk - 1) yield;
    }
    this.idsCache ??= ids;
  }

  private termIds(): Map<string, number> {
    this.idsCache ??= idsOf(this.terms);
    return this.idsCache;
  }

  /** The term → id map holding this index's terms only (a shared one may hold a later index's too). */
  private ownTermIds(): Map<string, number> {
    const ids = this.termIds();
    return ids.size === this.terms.length ? ids : idsOf(this.terms);
  }

  postings(field: number, term: number): Postings {
    const f = this.fields[field] as FieldPostings;
    const from = f.offsets[term] as number;
    const to = f.offsets[term + 1] as number;
    return { docs: f.docs.subarray(from, to), freqs: f.freqs.subarray(from, to) };
  }

  /** A term's documents in a field (`postings` without the frequencies). */
  docsOf(field: number, term: number): Uint32Array {
    const f = this.fields[field] as FieldPostings;
    return f.docs.subarray(f.offsets[term] as number, f.offsets[term + 1] as number);
  }

  /** A field's flat arrays (term offsets, documents, frequencies), for passes over every posting. */
  fieldArrays(field: number): { offsets: Uint32Array; docs: Uint32Array; freqs: Uint16Array } {
    const { offsets, docs, freqs } = this.fields[field] as FieldPostings;
    return { offsets, docs, freqs };
  }

  fieldLengths(field: number): Uint16Array {
    return (this.fields[field] as FieldPostings).lengths;
  }

  /** Whether a document has a term in a field (binary search: for explaining a few hits). */
  has(field: number, term: number, doc: number): boolean {
    const { docs, offsets } = this.fields[field] as FieldPostings;
    let lo = offsets[term] as number;
    let hi = (offsets[term + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = docs[mid] as number;
      if (d === doc) return true;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /**
   * One buffer: a length-prefixed JSON header (terms, sizes), then the typed arrays, 4-byte aligned.
   * `withTerms` false leaves the terms out (`termsText` carries them, for `decode` to be given).
   */
  encode(withTerms = true): Uint8Array {
    const header: Header = {
      format: POSTINGS_FORMAT,
      docCount: this.docCount,
      terms: withTerms ? [...this.terms] : [],
      ...(withTerms ? {} : { termCount: this.terms.length }),
      postings: this.fields.map((f) => f.docs.length),
      avgLength: [...this.avgLength],
    };
    const json = Buffer.from(JSON.stringify(header));
    const start = align(4 + json.length);
    const parts: ArrayBufferView[] = this.fields.flatMap((f) => [f.offsets, f.docs, f.lengths, f.freqs]);
    let size = start;
    for (const p of parts) size = align(size + p.byteLength);
    const out = new Uint8Array(size);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 4);
    let at = start;
    for (const p of parts) {
      out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
      at = align(at + p.byteLength);
    }
    return out;
  }

  /**
   * A hash of the terms in order: two indexes with the same hash number their terms alike (a
   * reload worker checks it before continuing the terms of the index a thread serves).
   */
  termsHash(): number {
    let h = fnv1a(String(this.terms.length));
    for (const term of this.terms) h = fnv1a(` ${term}`, h);
    return h;
  }

  /**
   * The terms as one string, separated by spaces (no index term holds one: documents are split on
   * them). Splitting it again is several times quicker than parsing them from JSON, and a string
   * crosses threads as one copy.
   */
  termsText(): string {
    return this.terms.join(' ');
  }

  /**
   * Reads what `encode` wrote; throws on another format so the caller rebuilds. `termsText`: the
   * terms of an index encoded without them (`encode(false)`, `termsText()`). With `known` (an
   * index whose terms the new one's begin with, as `update` numbers them), `termsText` holds only
   * the terms after those: the known ones are not split from text again, and the term → id map,
   * when `known` has made it, is extended and shared rather than made again for every term.
   */
  static decode(input: Uint8Array, termsText?: string, known?: PostingIndex): PostingIndex {
    const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const jsonLength = view.getUint32(0, true);
    const header = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset + 4, jsonLength).toString(),
    ) as Header;
    if (header.format !== POSTINGS_FORMAT) throw new Error(`PostingIndex: unknown format ${header.format}`);
    if (header.termCount !== undefined) {
      const tail = termsText ? termsText.split(' ') : [];
      header.terms = known ? known.terms.concat(tail) : tail;
      if (header.terms.length !== header.termCount)
        throw new Error('PostingIndex: terms do not match the index');
    }
    let at = align(4 + jsonLength);
    const take = <T>(
      Type: new (b: ArrayBufferLike, o: number, n: number) => T,
      bytesPer: number,
      n: number,
    ): T => {
      if (at + n * bytesPer > bytes.byteLength) throw new Error('PostingIndex: truncated buffer');
      const array = new Type(bytes.buffer, bytes.byteOffset + at, n);
      at = align(at + n * bytesPer);
      return array;
    };
    const fields = header.postings.map((n) => ({
      offsets: take(Uint32Array, 4, header.terms.length + 1),
      docs: take(Uint32Array, 4, n),
      lengths: take(Uint16Array, 2, header.docCount),
      freqs: take(Uint16Array, 2, n),
    }));
    const index = new PostingIndex(header.docCount, header.terms, fields, header.avgLength);
    const ids = known?.idsCache;
    // Only a map of exactly the known terms is extended: one another index extended already
    // holds terms the new index may lack or number otherwise.
    if (ids && header.termCount !== undefined && ids.size === known.terms.length) {
      for (let t = known.terms.length; t < header.terms.length; t++) ids.set(header.terms[t] as string, t);
      index.idsCache = ids;
    }
    return index;
  }
}

const align = (n: number) => (n + 3) & ~3;
