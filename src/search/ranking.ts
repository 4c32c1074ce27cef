import type { PostingIndex } from './postings.ts';

/** One word of a query: the index terms it may match and how loosely. */
export interface QueryGroup {
  terms: string[];
  /** Gazetteer topics the word names, matched in the topics field. */
  topics: string[];
  /** Edit distance allowed (0: exact only). */
  fuzzy: number;
  /** Also match index terms that start with it (the word being typed). */
  prefix: boolean;
}

/** Scoring constants: MiniSearch's BM25+ and the boosts and weights the engine always used. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const BOOST = { title: 2, text: 1, topics: 0.4 };
const WEIGHT = { fuzzy: 0.35, prefix: 0.5 };
const TITLE = 0;
const TEXT = 1;
const TOPICS = 2;
/** Distinct query terms tracked for MiniSearch's "more query terms matched" factor. */
const MAX_TRACKED_TERMS = 64;

/** An index term a query reached, for explaining which words of a hit matched. */
interface Reached {
  term: string;
  id: number;
  fields: number[];
}

/**
 * Every article a query matched, strict (all words) before partial, best first within each,
 * one entry per story (twins merged). Keeps scores in flat arrays and sorts lazily: a page of
 * ten from 50,000 matches is one selection pass, not a sort.
 */
export class Ranking {
  private order: number[] = [];
  /** Words of the query (as typed) that no article contains: set by the engine from `missing`. */
  unmatched: readonly string[] = [];
  /** The query held only question and filler words ("what happened"): nothing was searched. */
  nothingToSearch = false;

  constructor(
    /** Article index per entry. */
    readonly articles: Int32Array,
    /** Best-scoring document per entry (article or one of its sections). */
    readonly docs: Int32Array,
    readonly scores: Float64Array,
    readonly strict: Uint8Array,
    private readonly reached: readonly Reached[],
    private readonly index: PostingIndex,
    /** Query groups (words) that reached no document at all, in query order. */
    readonly missing: readonly number[] = [],
  ) {}

  get size(): number {
    return this.articles.length;
  }

  private before(a: number, b: number): boolean {
    const sa = this.strict[a] as number;
    const sb = this.strict[b] as number;
    if (sa !== sb) return sa > sb;
    const ka = this.scores[a] as number;
    const kb = this.scores[b] as number;
    if (ka !== kb) return ka > kb;
    return (this.articles[a] as number) < (this.articles[b] as number);
  }

  /** Entry numbers of the first n in rank order. */
  top(n: number): number[] {
    const want = Math.min(n, this.size);
    if (this.order.length >= want) return this.order.slice(0, want);
    const best: number[] = [];
    for (let e = 0; e < this.size; e++) {
      if (best.length === want && !this.before(e, best[want - 1] as number)) continue;
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.before(best[mid] as number, e)) lo = mid + 1;
        else hi = mid;
      }
      best.splice(lo, 0, e);
      if (best.length > want) best.pop();
    }
    this.order = best;
    return best.slice();
  }

  /** Entry of an article, or -1. */
  entryOf(article: number): number {
    return this.articles.indexOf(article);
  }

  /** Articles matching every word and scoring at least `share` of the best such match. */
  strictAbove(share: number): number[] {
    let best = 0;
    for (let e = 0; e < this.size; e++)
      if (this.strict[e] && (this.scores[e] as number) > best) best = this.scores[e] as number;
    const floor = best * share;
    const out: number[] = [];
    for (let e = 0; e < this.size; e++) {
      if (this.strict[e] && (this.scores[e] as number) >= floor) out.push(this.articles[e] as number);
    }
    return out;
  }

  /** Index terms of the query found in an entry's document, in query order. */
  termsOf(entry: number): string[] {
    const doc = this.docs[entry] as number;
    const out: string[] = [];
    for (const r of this.reached) {
      if (!out.includes(r.term) && r.fields.some((f) => this.index.has(f, r.id, doc))) out.push(r.term);
    }
    return out;
  }
}

/** What the scorer needs to know about documents and articles. */
export interface Corpus {
  /** Article index of each document. */
  docArticle: Int32Array;
  articleCount: number;
  /** Article index of each article's twin, or -1. */
  twin: Int32Array;
}

/**
 * Scores queries over a PostingIndex exactly as the engine's MiniSearch query did (BM25+ per field,
 * boosts, prefix and fuzzy weights, the matched-terms factor, AND-then-OR), in one pass: a
 * document's score is the same under AND and OR, so AND is "matched every group", counted on the
 * way. Scratch arrays are reused between queries; only the touched entries are reset.
 */
export class Scorer {
  private readonly score: Float64Array;
  private readonly groupMark: Uint8Array;
  private readonly groupCount: Uint8Array;
  private readonly maskLow: Uint32Array;
  private readonly maskHigh: Uint32Array;
  /** Whether the current query has more than 32 distinct terms (rare: then maskHigh is in use). */
  private highUsed = false;
  private readonly touched: Uint32Array;
  private readonly articleScore: Float64Array;
  private readonly articleDoc: Int32Array;
  /** 0: not reached, 1: some words, 2: all words. */
  private readonly articleState: Uint8Array;
  /** Articles reached by the current query, in the order first reached. */
  private readonly reachedArticles: Int32Array;
  private readonly norms: Float32Array[];

  constructor(
    private readonly index: PostingIndex,
    private readonly corpus: Corpus,
  ) {
    const n = index.docCount;
    this.score = new Float64Array(n);
    this.groupMark = new Uint8Array(n);
    this.groupCount = new Uint8Array(n);
    this.maskLow = new Uint32Array(n);
    this.maskHigh = new Uint32Array(n);
    this.touched = new Uint32Array(n);
    this.articleScore = new Float64Array(corpus.articleCount);
    this.articleDoc = new Int32Array(corpus.articleCount);
    this.articleState = new Uint8Array(corpus.articleCount);
    this.reachedArticles = new Int32Array(corpus.articleCount);
    // BM25's length normalisation per document and field, computed once.
    this.norms = [TITLE, TEXT, TOPICS].map((f) => {
      const lengths = index.fieldLengths(f);
      const avg = index.avgLength[f] || 1;
      const norm = new Float32Array(n);
      for (let d = 0; d < n; d++) norm[d] = BM25.k * (1 - BM25.b + (BM25.b * (lengths[d] as number)) / avg);
      return norm;
    });
  }

  /** Ranks articles for a query; `prefer(a, b)` says whether to show twin `a` rather than `b`. */
  rank(groups: readonly QueryGroup[], prefer: (a: number, b: number) => boolean): Ranking {
    const sourceBits = new Map<string, number>();
    const bitOf = (s: string) => {
      let bit = sourceBits.get(s);
      if (bit === undefined) {
        bit = sourceBits.size % MAX_TRACKED_TERMS;
        sourceBits.set(s, bit);
      }
      return bit;
    };
    const reached: Reached[] = [];
    const missing: number[] = [];
    let touchedCount = 0;
    let mark = 0;
    groups.forEach((g, gi) => {
      // Marks count only groups that reach something: a word no article contains is reported
      // (`missing`), and "all words" means all the words that exist in the archive.
      let found = false;
      const add = (termId: number, field: number, weight: number, bit: number) => {
        const { docs, freqs } = this.index.postings(field, termId);
        const df = docs.length;
        if (df === 0) return;
        if (!found) {
          found = true;
          mark++;
        }
        const w = weight * Math.log(1 + (this.index.docCount - df + 0.5) / (df + 0.5));
        const norm = this.norms[field] as Float32Array;
        const { score, groupMark, groupCount, touched } = this;
        if (bit >= 32) this.highUsed = true;
        const mask = bit < 32 ? this.maskLow : this.maskHigh;
        const flag = 1 << (bit & 31);
        const k1 = BM25.k + 1;
        for (let i = 0; i < df; i++) {
          const doc = docs[i] as number;
          const tf = freqs[i] as number;
          const seen = groupMark[doc] as number;
          if (seen !== mark) {
            if (seen === 0) touched[touchedCount++] = doc;
            groupMark[doc] = mark;
            groupCount[doc] = (groupCount[doc] as number) + 1;
          }
          score[doc] = (score[doc] as number) + w * (BM25.d + (tf * k1) / (tf + (norm[doc] as number)));
          mask[doc] = (mask[doc] as number) | flag;
        }
      };
      for (const source of g.terms) {
        const bit = bitOf(source);
        for (const [term, id, weight] of this.expand(source, g)) {
          add(id, TITLE, weight * BOOST.title, bit);
          add(id, TEXT, weight * BOOST.text, bit);
          reached.push({ term, id, fields: [TITLE, TEXT] });
        }
      }
      for (const topic of g.topics) {
        const id = this.index.termId(topic);
        if (id === undefined) continue;
        add(id, TOPICS, BOOST.topics, bitOf(topic));
        reached.push({ term: topic, id, fields: [TOPICS] });
      }
      if (!found) missing.push(gi);
    });
    return this.collect(touchedCount, mark, reached, prefer, missing);
  }

  /** The index terms a query term reaches, with MiniSearch's weights for prefix and fuzzy matches. */
  private expand(source: string, g: QueryGroup): [string, number, number][] {
    const out: [string, number, number][] = [];
    const exact = this.index.termId(source);
    if (exact !== undefined) out.push([source, exact, 1]);
    const prefixed = new Set<string>();
    if (g.prefix) {
      for (const [term, id] of this.index.withPrefix(source)) {
        const distance = term.length - source.length;
        if (!distance) continue;
        prefixed.add(term);
        out.push([term, id, (WEIGHT.prefix * term.length) / (term.length + 0.3 * distance)]);
      }
    }
    if (g.fuzzy > 0) {
      for (const [term, [id, distance]] of this.index.near(source, g.fuzzy)) {
        if (!distance || prefixed.has(term)) continue;
        out.push([term, id, (WEIGHT.fuzzy * term.length) / (term.length + distance)]);
      }
    }
    return out;
  }

  /** Folds documents into articles (best strict document first), merges twins, resets scratch. */
  private collect(
    touchedCount: number,
    groupTotal: number,
    reached: Reached[],
    prefer: (a: number, b: number) => boolean,
    missing: number[],
  ): Ranking {
    const { docArticle, twin } = this.corpus;
    const {
      score: docScore,
      groupMark,
      groupCount,
      maskLow,
      maskHigh,
      articleState,
      articleScore,
      articleDoc,
    } = this;
    const articles = this.reachedArticles;
    const bulkReset = touchedCount > docScore.length / 8;
    const highUsed = this.highUsed;
    this.highUsed = false;
    let n = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i] as number;
      const low = maskLow[doc] as number;
      // Usually one query term matched (a single bit): skip counting bits.
      const quality = highUsed
        ? popcount(low) + popcount(maskHigh[doc] as number) || 1
        : (low & (low - 1)) === 0
          ? 1
          : popcount(low);
      const score = (docScore[doc] as number) * quality;
      const state = groupCount[doc] === groupTotal ? 2 : 1;
      const a = docArticle[doc] as number;
      const was = articleState[a] as number;
      if (was === 0) articles[n++] = a;
      if (state > was || (state === was && score > (articleScore[a] as number))) {
        articleState[a] = state;
        articleScore[a] = score;
        articleDoc[a] = doc;
      }
      if (!bulkReset) {
        docScore[doc] = 0;
        groupMark[doc] = 0;
        groupCount[doc] = 0;
        maskLow[doc] = 0;
        if (highUsed) maskHigh[doc] = 0;
      }
    }
    if (bulkReset) {
      // Most documents were reached: clearing whole arrays beats scattered writes.
      docScore.fill(0);
      groupMark.fill(0);
      groupCount.fill(0);
      maskLow.fill(0);
      if (highUsed) maskHigh.fill(0);
    }
    const outArticles = new Int32Array(n);
    const outDocs = new Int32Array(n);
    const outScores = new Float64Array(n);
    const outStrict = new Uint8Array(n);
    let size = 0;
    for (let i = 0; i < n; i++) {
      const a = articles[i] as number;
      const state = this.articleState[a] as number;
      if (state === 0) continue; // Already merged into its twin.
      const t = twin[a] as number;
      let keep = a;
      let best = state;
      let score = this.articleScore[a] as number;
      if (t >= 0 && (this.articleState[t] as number) > 0) {
        // One entry per story: the better strictness and score of the two, shown in the asker's language.
        best = Math.max(state, this.articleState[t] as number);
        score = Math.max(score, this.articleScore[t] as number);
        keep = prefer(a, t) ? a : t;
        this.articleState[t] = 0;
      }
      outArticles[size] = keep;
      outDocs[size] = this.articleDoc[keep] as number;
      outScores[size] = score;
      outStrict[size] = best === 2 ? 1 : 0;
      size++;
      this.articleState[a] = 0;
    }
    return new Ranking(
      outArticles.subarray(0, size),
      outDocs.subarray(0, size),
      outScores.subarray(0, size),
      outStrict.subarray(0, size),
      reached,
      this.index,
      missing,
    );
  }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
