import { type DictionaryParts, TermDictionary } from './expand.ts';
import { Lru } from './lru.ts';
import type { PostingIndex } from './postings.ts';
import { popcount, StoryCounter, type StoryParts } from './stories.ts';
import { type FieldList, type TermOrder, termOrder } from './term-order.ts';

/** One word of a query: the index terms it may match and how loosely. */
export interface QueryGroup {
  terms: string[];
  /** Gazetteer topics the word names, matched in the topics field. */
  topics: string[];
  /** Edit distance allowed (0: exact only), when the word reaches no term as it is (see `reachGroup`). */
  fuzzy: number;
  /** Also match index terms that start with it (the word being typed). */
  prefix: boolean;
  /** The word as typed (folded); `terms` holds it too while it is being typed. */
  typed: string;
}

/** Scoring constants: MiniSearch's BM25+ and the boosts and weights the engine always used. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const BOOST = { title: 2, text: 1, topics: 0.4 };
/** The boosts by field number. */
const FIELD_BOOST = [BOOST.title, BOOST.text, BOOST.topics];
const WEIGHT = { fuzzy: 0.35, prefix: 0.5 };
const TITLE = 0;
const TEXT = 1;
const TOPICS = 2;
/**
 * Below this many postings in all, `topK` leaves the query to the exhaustive `rank`. Measured at
 * 10k and 100k articles: from about 2,000 postings, pruning beats scoring and collecting every match.
 */
export const TOP_K_MIN_POSTINGS = 2_000;
/** Documents a one-word query reads best first before scanning in document order (see `bestOfOneWord`). */
const BEST_FIRST_READS = 32;
/** Terms whose best documents are kept (a few hundred bytes each). */
const TERM_ORDER_CACHE_SIZE = 4096;
/** Long lists' bitsets kept (a bit per document each, and a count per 32: 28 KB at 100k articles). */
const LIST_SET_CACHE_SIZE = 128;
/** Long lists of one query probed by rank at most (more would evict each other from that cache). */
const MAX_RANKED_LISTS = 32;
/** Postings the first page of `onlyThroughStrongLists` may read, per word of a bitset. */
const PILOT_SHARE = 0.25;
/** Queries reaching at most this many postings are ranked without per-document scratch arrays (see `scoreFew`). */
const FEW_POSTINGS = 4_000;
/** Distinct query terms tracked for MiniSearch's "more query terms matched" factor. */
const MAX_TRACKED_TERMS = 64;
/** Query terms whose expansions are kept: a few users typing at once. */
const EXPANSION_CACHE_SIZE = 512;

/** Puts `item` in `items`, kept best first by `bounds`, when its bound is among the best `n`. */
function keepBest(items: number[], bounds: number[], item: number, bound: number, n: number): void {
  if (items.length === n && bound <= (bounds[n - 1] as number)) return;
  let to = items.length;
  while (to > 0 && (bounds[to - 1] as number) < bound) to--;
  items.splice(to, 0, item);
  bounds.splice(to, 0, bound);
  if (items.length > n) {
    items.pop();
    bounds.pop();
  }
}

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
    /** For a top-k ranking (entries are only the best k): how many articles matched in all. */
    private readonly total?: number,
  ) {
    if (total !== undefined) this.order = Array.from(articles, (_, e) => e);
  }

  /** Whether this ranking holds only the best entries (from `Scorer.topK`), not every match. */
  get partial(): boolean {
    return this.total !== undefined;
  }

  get size(): number {
    return this.total ?? this.articles.length;
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
    if (this.total !== undefined) return this.order.slice(0, n);
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
  /** First section document of each article, and one past the last (article count + 1 entries). */
  passageStart: Uint32Array;
}

/**
 * Per field, each posting's BM25+ part (d + tf·(k+1)/(tf+norm)) beside the postings, and each
 * term's highest part (MaxScore bounds): a pass over every posting, made once per index.
 */
export interface ScoreParts {
  impacts: Float32Array[];
  maxPart: Float32Array[];
  /** Made with them where the corpus is known (the reload worker), else by the scorer. */
  stories?: StoryLinks;
}

/** Each article's story (the lower article number of it and its twin), each document's, and a bit per document whose article has a twin. */
export interface StoryLinks {
  storyOf: Int32Array;
  docStory: Int32Array;
  twinDocs: Int32Array;
}

/** A pass over every article and document: made by the reload worker, not the serving thread. */
export function storyLinks(corpus: Corpus): StoryLinks {
  const n = corpus.docArticle.length;
  // Loops, not `Int32Array.from` with a function: that is several times slower over every document.
  const storyOf = new Int32Array(corpus.articleCount);
  for (let a = 0; a < storyOf.length; a++) {
    const t = corpus.twin[a] as number;
    storyOf[a] = t >= 0 && t < a ? t : a;
  }
  const docStory = new Int32Array(n);
  for (let d = 0; d < n; d++) docStory[d] = storyOf[corpus.docArticle[d] as number] as number;
  const twinDocs = new Int32Array(Math.ceil(n / 32));
  for (let d = 0; d < n; d++)
    if ((corpus.twin[corpus.docArticle[d] as number] as number) >= 0)
      twinDocs[d >>> 5] = (twinDocs[d >>> 5] as number) | (1 << (d & 31));
  return { storyOf, docStory, twinDocs };
}

export function scoreParts(index: PostingIndex): ScoreParts {
  const n = index.docCount;
  const impacts: Float32Array[] = [];
  const maxPart = [TITLE, TEXT, TOPICS].map((f) => {
    // BM25's length normalisation per document, then each posting's part.
    const lengths = index.fieldLengths(f);
    const avg = index.avgLength[f] || 1;
    const norm = new Float32Array(n);
    for (let d = 0; d < n; d++) norm[d] = BM25.k * (1 - BM25.b + (BM25.b * (lengths[d] as number)) / avg);
    const out = new Float32Array(index.terms.length);
    const { offsets, docs, freqs } = index.fieldArrays(f);
    const impact = new Float32Array(docs.length);
    const k1 = BM25.k + 1;
    for (let t = 0; t < index.terms.length; t++) {
      let best = 0;
      for (let i = offsets[t] as number; i < (offsets[t + 1] as number); i++) {
        const tf = freqs[i] as number;
        const part = BM25.d + (tf * k1) / (tf + (norm[docs[i] as number] as number));
        impact[i] = part;
        if (part > best) best = part;
      }
      // Rounded up a hair: a bound must never fall below a score because of float32 storage.
      out[t] = best * (1 + 1e-6);
    }
    impacts.push(impact);
    return out;
  });
  return { impacts, maxPart };
}

/**
 * Scores queries over a PostingIndex exactly as the engine's MiniSearch query did (BM25+ per field,
 * boosts, prefix and fuzzy weights, the matched-terms factor, AND-then-OR), in one pass: a
 * document's score is the same under AND and OR, so AND is "matched every group", counted on the
 * way. Scratch arrays are reused between queries; only the touched entries are reset.
 */
/** A scorer's per-term structures for some terms (`Scorer.warmedParts`): typed arrays, by cache key. */
export interface WarmParts {
  orders: { key: number; docs: Uint32Array; values: Float64Array }[];
  lists: ({ key: number } & ListBits)[];
  stories: StoryParts;
}

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
  /**
   * Per field, each posting's BM25+ part (d + tf·(k+1)/(tf+norm)), beside the postings: scoring a
   * posting is one multiplication and one sequential read, not a lookup of the document's length.
   */
  private readonly impacts: Float32Array[];
  /** Per field, each term's highest part over its postings: MaxScore bounds. */
  private readonly maxPart: Float32Array[];
  /** Each article's story: the lower article number of it and its twin. */
  private readonly storyOf: Int32Array;
  /** Exact totals of top-k rankings. */
  private readonly stories: StoryCounter;
  /** A bit per document whose article has a twin. */
  private readonly twinDocs: Int32Array;
  /**
   * Index terms each query term reached, by term and looseness: a pruned query that falls back
   * to the full ranking, and every keystroke after a finished word, expand the same terms again.
   */
  private readonly expansions = new Lru<string, [string, number, number][]>(EXPANSION_CACHE_SIZE);
  /** Terms' documents best first, for one-word queries (see `termOrder`). */
  private readonly termOrders = new Lru<number, TermOrder>(TERM_ORDER_CACHE_SIZE);
  /** Bitsets of long lists (see `bestHoldingEvery`), by term and field. */
  private readonly longListSets = new Lru<number, ListBits>(LIST_SET_CACHE_SIZE);
  /** Scratch: a bound per word of 32 documents, the query terms it stands for, and the words holding a candidate (see `bestHoldingEvery`). */
  private readonly wordBound: Float64Array;
  private readonly wordHeld: Int32Array;
  private readonly holding: Int32Array;
  /** Scratch bitsets of documents (see `bestHoldingEvery`). */
  private readonly every: Int32Array;
  private readonly word: Int32Array;
  /** Scratch bitsets, one per list of a query (see `bestHoldingEvery`). */
  private listBits = new Int32Array(0);
  /** Rankings of at most this many postings are made by `scoreFew` (tests lower it to compare). */
  fewPostings = FEW_POSTINGS;
  /** Postings `onlyThroughStrongLists` reads for its first page, per word of a bitset (tests raise it). */
  pilotShare = PILOT_SHARE;
  /** Documents and twin stories the last top-k query of several words scored exactly (tests read it). */
  exactlyScored = 0;
  /** Queries whose candidates were narrowed to the strong lists' documents (tests read it). */
  narrowed = 0;
  /** Sorted terms and a bigram index for prefixes and typos, built by the first query that needs them. */
  private dictionary?: TermDictionary;

  /**
   * `parts`: made by `scoreParts(index)` here, or elsewhere (the reload worker makes them), as
   * `dictionaryParts` may be (`dictionaryParts(index.terms)`).
   */
  constructor(
    private readonly index: PostingIndex,
    private readonly corpus: Corpus,
    parts: ScoreParts = scoreParts(index),
    private dictionaryParts?: DictionaryParts,
  ) {
    const n = index.docCount;
    this.score = new Float64Array(n);
    this.groupMark = new Uint8Array(n);
    this.groupCount = new Uint8Array(n);
    this.maskLow = new Uint32Array(n);
    this.maskHigh = new Uint32Array(n);
    this.touched = new Uint32Array(n);
    this.every = new Int32Array(Math.ceil(n / 32));
    this.wordBound = new Float64Array(Math.ceil(n / 32));
    this.wordHeld = new Int32Array(Math.ceil(n / 32));
    this.holding = new Int32Array(Math.ceil(n / 32));
    this.word = new Int32Array(Math.ceil(n / 32));
    this.articleScore = new Float64Array(corpus.articleCount);
    this.articleDoc = new Int32Array(corpus.articleCount);
    this.articleState = new Uint8Array(corpus.articleCount);
    this.reachedArticles = new Int32Array(corpus.articleCount);
    this.impacts = parts.impacts;
    this.maxPart = parts.maxPart;
    const { storyOf, docStory, twinDocs } = parts.stories ?? storyLinks(corpus);
    this.storyOf = storyOf;
    this.twinDocs = twinDocs;
    this.stories = new StoryCounter(
      docStory,
      corpus.articleCount,
      (term, topic) =>
        topic
          ? [index.postings(TOPICS, term).docs]
          : [index.postings(TITLE, term).docs, index.postings(TEXT, term).docs],
      TOPICS,
    );
  }

  /** The prefix and typo dictionary, made (or wrapped, when made elsewhere) on first use. */
  termDictionary(): TermDictionary {
    if (!this.dictionary) {
      this.dictionary = new TermDictionary(this.index.terms, this.dictionaryParts);
      this.dictionaryParts = undefined;
    }
    return this.dictionary;
  }

  /**
   * The terms whose per-term structures (best-first orders, story sets, list bitsets) this scorer
   * made, least recently used first, each with whether it was as a topic: what a new scorer over
   * an updated index makes before it serves (`warmTerm`), so its first queries do not.
   */
  usedTerms(): [term: string, topic: boolean][] {
    const out = new Map<string, [string, boolean]>();
    const add = (term: number, topic: boolean) => {
      const text = this.index.terms[term] as string;
      out.delete(`${topic}:${text}`);
      out.set(`${topic}:${text}`, [text, topic]);
    };
    for (const [term, topic] of this.stories.cached()) add(term, topic);
    for (const key of this.termOrders.keys()) add(key >> 1, (key & 1) === 1);
    for (const key of this.longListSets.keys()) add(Math.floor(key / 3), key % 3 === TOPICS);
    return [...out.values()];
  }

  /**
   * Makes a term's structures as a query reaching it would (its best-first order, its story set
   * and its long lists' bitsets), or nothing when the index lacks it: the same, made ahead.
   */
  warmTerm(term: string, topic: boolean): void {
    const id = this.index.termId(term);
    if (id === undefined) return;
    const fields = topic ? [TOPICS] : [TITLE, TEXT];
    if (fields.every((f) => this.index.postings(f, id).docs.length === 0)) return;
    this.termOrderOf(id, topic);
    this.stories.warm(id, topic);
    const words = Math.ceil(this.index.docCount / 32);
    for (const f of fields)
      if (this.index.postings(f, id).docs.length >= words) this.longListBits(id, f, words);
  }

  /**
   * Makes the structures of `terms` (as `warmTerm` does, in order, until `performance.now()`
   * passes `until`) and gives every per-term structure this scorer holds, copied: for a scorer
   * over the same index and corpus on another thread to take (`adoptWarm`), so the reload worker
   * makes them rather than the serving thread.
   */
  warmedParts(terms: readonly [string, boolean][], until = Number.POSITIVE_INFINITY): WarmParts {
    for (const [term, topic] of terms) {
      if (performance.now() > until) break;
      this.warmTerm(term, topic);
    }
    return {
      orders: [...this.termOrders.keys()].map((key) => {
        const { docs, values } = this.termOrders.get(key) as TermOrder;
        return { key, docs: docs.slice(), values: values.slice() };
      }),
      lists: [...this.longListSets.keys()].map((key) => {
        const { set, before } = this.longListSets.get(key) as ListBits;
        return { key, set: set.slice(), before: before.slice() };
      }),
      stories: this.stories.parts(),
    };
  }

  /** Takes the structures another scorer over the same index and corpus made (`warmedParts`). */
  adoptWarm(parts: WarmParts): void {
    for (const { key, docs, values } of parts.orders) this.termOrders.set(key, { docs, values });
    for (const { key, set, before } of parts.lists) this.longListSets.set(key, { set, before });
    this.stories.adopt(parts.stories);
  }

  /** The BM25+ parts of one term's postings in a field, aligned with its documents. */
  private impactsOf(field: number, term: number): Float32Array {
    const { offsets } = this.index.fieldArrays(field);
    return (this.impacts[field] as Float32Array).subarray(
      offsets[term] as number,
      offsets[term + 1] as number,
    );
  }

  /** Whether any title or text holds the index term. */
  holds(term: string): boolean {
    const id = this.index.termId(term);
    return id !== undefined && this.holdsId(id);
  }

  private holdsId(id: number): boolean {
    return this.index.docsOf(TITLE, id).length > 0 || this.index.docsOf(TEXT, id).length > 0;
  }

  /** Forgets cached term expansions (a benchmark then measures what a new query costs). */
  forget(): void {
    this.expansions.clear();
  }

  /**
   * The best k articles for a query, exactly as `rank` would order them, without scoring every
   * posting. A one-word query runs as an OR over its terms, read best first and then by MaxScore
   * (as Lucene does): lists whose best possible contribution cannot lift a document into the
   * current top k are only probed for documents found through the others. A query of several
   * words runs over the documents that hold every word, each bounded by the lists that hold it
   * before any is searched (see `bestHoldingEvery`). `total` is still exact (a cheap counting
   * pass). Returns undefined when fewer than k articles hold every word (partial matches then
   * fill the page and the full `rank` is needed). When the lists are short enough that scoring
   * every posting costs no more, returns that full ranking (not `partial`), from the lists already
   * reached.
   */
  topK(
    groups: readonly QueryGroup[],
    k: number,
    prefer: (a: number, b: number) => boolean,
    minPostings = TOP_K_MIN_POSTINGS,
  ): Ranking | undefined {
    const { lists, reached, missing, found, sources } = this.reachLists(groups);
    // Short lists: scoring every posting is as quick as pruning, and needs no second pass. Past 32
    // distinct query terms, only the full ranking tracks which a document holds.
    let postings = 0;
    for (const l of lists) postings += l.docs.length;
    if (sources > 32 || postings < minPostings)
      return this.scoreEvery(lists, found, reached, missing, prefer);
    // Long lists are probed by rank rather than searched; a prefix reaching more of them than the
    // cache keeps would only churn it.
    const words = Math.ceil(this.index.docCount / 32);
    const long = lists.filter((l) => l.docs.length >= words);
    if (long.length <= MAX_RANKED_LISTS)
      for (const l of long) l.bits = this.longListBits(l.term, l.field, words);
    const { docArticle, twin } = this.corpus;
    const storyOf = this.storyOf;
    const story = (a: number) => storyOf[a] as number;

    // Exact total: every article (story) any list reaches, counted once.
    const total = this.stories.count(lists);
    if (found === 0)
      return new Ranking(
        new Int32Array(0),
        new Int32Array(0),
        new Float64Array(0),
        new Uint8Array(0),
        reached,
        this.index,
        missing,
        0,
      );

    let bits = 0;
    for (const l of lists) bits |= 1 << l.bit;
    const allGroups = found >= 31 ? -1 : (1 << found) - 1;
    if (found > 30) return undefined;
    const qualityBound = popcount(bits) || 1;
    const heap = new StoryHeap(k);
    const offer = (doc: number, score: number) => {
      heap.offer(story(docArticle[doc] as number), score);
    };
    /** Exact score of a document: its contributions, times the distinct query terms it holds. */
    const finish = (sum: number, docBits: number) =>
      (docBits & (docBits - 1)) === 0 ? sum : sum * popcount(docBits);

    // The winners, scored again exactly per article (its best document, all words first) and
    // merged with their twins as `collect` does.
    const { passageStart } = this.corpus;
    const exact = (a: number): { state: number; score: number; doc: number } => {
      let best = { state: 0, score: 0, doc: -1 };
      // The article's own document, then its sections'.
      const first = passageStart[a] as number;
      for (let i = first - 1; i < (passageStart[a + 1] as number); i++) {
        const doc = i < first ? a : i;
        let sum = 0;
        let docBits = 0;
        let groupBits = 0;
        for (const l of lists) {
          const at = find(l, doc);
          if (at >= 0) {
            sum += contribution(l, at);
            docBits |= 1 << l.bit;
            groupBits |= 1 << l.group;
          }
        }
        if (groupBits === 0) continue;
        const state = groupBits === allGroups ? 2 : 1;
        const score = finish(sum, docBits);
        if (state > best.state || (state === best.state && score > best.score)) best = { state, score, doc };
      }
      return best;
    };
    // Lists in ascending order of bound (MaxScore's order; `exact` sums a document's parts in it).
    lists.sort((a, b) => a.bound - b.bound);
    const several = found > 1;
    const sizes = new Float64Array(found);
    for (const l of lists) sizes[l.group] = (sizes[l.group] as number) + l.docs.length;
    // Scoring order: rarest word first, each word's lists strongest first (a document's parts are
    // summed in this order wherever it is scored, so every path offers the same sums).
    const probe = lists
      .slice()
      .sort(
        (a, b) =>
          (sizes[a.group] as number) - (sizes[b.group] as number) || a.group - b.group || b.bound - a.bound,
      );
    if (several) this.bestHoldingEvery(probe, k, heap, offer, finish, exact);
    // One word: read best first; when that takes long (flat scores over several terms), the page
    // found so far lifts the threshold the document-ordered scan below starts from.
    else if (!this.bestOfOneWord(probe, heap, qualityBound, offer, finish)) {
      // MaxScore: lists in ascending order of bound; once the page's threshold exceeds what the
      // weakest lists can add together, those are only probed for documents found through the rest.
      const count = lists.length;
      const prefix = new Float64Array(count + 1);
      for (let i = 0; i < count; i++) prefix[i + 1] = (prefix[i] as number) + (lists[i] as TopList).bound;
      const unread = new Float64Array(count + 1);
      for (let i = count - 1; i >= 0; i--)
        unread[i] = (unread[i + 1] as number) + (probe[i] as TopList).bound;
      let essential = -1;
      let candidates: TopList[] = lists;
      let from = 0;
      for (;;) {
        const theta = heap.threshold();
        const was = essential;
        if (essential < 0) essential = 0;
        while (essential < count && (prefix[essential + 1] as number) * qualityBound < theta) essential++;
        if (essential >= count) break;
        if (essential !== was) candidates = lists.slice(essential);
        let doc = Number.POSITIVE_INFINITY;
        for (let i = 0; i < candidates.length; i++) {
          const l = candidates[i] as TopList;
          if (l.pos < l.docs.length && (l.docs[l.pos] as number) < from) seek(l, from);
          if (l.pos < l.docs.length && (l.docs[l.pos] as number) < doc) doc = l.docs[l.pos] as number;
        }
        if (doc === Number.POSITIVE_INFINITY) break;
        from = doc + 1;
        let sum = 0;
        let docBits = 0;
        let dropped = false;
        for (let i = 0; i < count; i++) {
          if ((sum + (unread[i] as number)) * qualityBound < theta) {
            dropped = true;
            break;
          }
          const l = probe[i] as TopList;
          if (seek(l, doc)) {
            sum += contribution(l, l.pos);
            docBits |= 1 << l.bit;
          }
        }
        if (!dropped) offer(doc, finish(sum, docBits));
      }
    }
    if (several && heap.size < k) return undefined;

    const entries: { article: number; doc: number; score: number; strict: number }[] = [];
    for (const st of heap.stories()) {
      const t = twin[st] as number;
      const a = exact(st);
      const b = t >= 0 ? exact(t) : { state: 0, score: 0, doc: -1 };
      if (a.state === 0 && b.state === 0) throw new Error('topK: a winner matched nothing');
      let keep = a.state > 0 ? st : t;
      if (a.state > 0 && b.state > 0) keep = prefer(st, t) ? st : t;
      entries.push({
        article: keep,
        doc: keep === st ? a.doc : b.doc,
        score: Math.max(a.state > 0 ? a.score : 0, b.state > 0 ? b.score : 0),
        strict: Math.max(a.state, b.state) === 2 ? 1 : 0,
      });
    }
    entries.sort((x, y) => y.strict - x.strict || y.score - x.score || x.article - y.article);
    const n = entries.length;
    const out = {
      articles: new Int32Array(n),
      docs: new Int32Array(n),
      scores: new Float64Array(n),
      strict: new Uint8Array(n),
    };
    entries.forEach((e, i) => {
      out.articles[i] = e.article;
      out.docs[i] = e.doc;
      out.scores[i] = e.score;
      out.strict[i] = e.strict;
    });
    return new Ranking(out.articles, out.docs, out.scores, out.strict, reached, this.index, missing, total);
  }

  /**
   * The best documents holding every word of a query of several words. A bitset per list says
   * which lists hold a document, so its bound (those lists' bounds, times the distinct query
   * terms they stand for) is known before any list is searched: only documents whose bound
   * reaches the page are scored, by a search in the lists that hold them, in `probe` order. The
   * candidates are the set bits of the words' sets ANDed, in document order. A story told twice
   * ranks by the better of its two articles, even one holding only some words: both are scored
   * exactly, once per story, unless no document of either can reach the page.
   */
  private bestHoldingEvery(
    probe: readonly TopList[],
    k: number,
    heap: StoryHeap,
    offer: (doc: number, score: number) => void,
    finish: (sum: number, docBits: number) => number,
    exact: (article: number) => { state: number; score: number },
  ): void {
    const { docArticle, twin, passageStart } = this.corpus;
    const words = Math.ceil(this.index.docCount / 32);
    const count = probe.length;
    const scratch = this.listSets(count * words);
    /** Each list's bitset: a long list's is kept from query to query, a short one's is made here. */
    const sets: Int32Array[] = [];
    const every = this.every.fill(-1);
    const word = this.word;
    const bounds = new Float64Array(count);
    const flags = new Int32Array(count);
    for (let i = 0; i < count; ) {
      const g = (probe[i] as TopList).group;
      word.fill(0);
      for (; i < count && (probe[i] as TopList).group === g; i++) {
        const l = probe[i] as TopList;
        bounds[i] = l.bound;
        flags[i] = 1 << l.bit;
        const { docs } = l;
        // A list with more postings than its bitset has words is read faster as a kept bitset.
        if (docs.length >= words) {
          const { set } = this.longListBits(l.term, l.field, words);
          sets.push(set);
          for (let w = 0; w < words; w++) word[w] = (word[w] as number) | (set[w] as number);
          continue;
        }
        const set = scratch.subarray(i * words, (i + 1) * words);
        sets.push(set);
        for (let p = 0; p < docs.length; p++) {
          const d = docs[p] as number;
          const bit = 1 << (d & 31);
          set[d >>> 5] = (set[d >>> 5] as number) | bit;
          word[d >>> 5] = (word[d >>> 5] as number) | bit;
        }
      }
      for (let w = 0; w < words; w++) every[w] = (every[w] as number) & (word[w] as number);
    }
    /** A document's bound: the lists holding it, and the distinct query terms they stand for. */
    const boundOf = (doc: number) => {
      const w = doc >>> 5;
      const bit = 1 << (doc & 31);
      let bound = 0;
      let held = 0;
      for (let i = 0; i < count; i++) {
        if ((((sets[i] as Int32Array)[w] as number) & bit) !== 0) {
          bound += bounds[i] as number;
          held |= flags[i] as number;
        }
      }
      return finish(bound, held);
    };
    /** A document's exact score, its parts summed in `probe` order. */
    const scoreOf = (doc: number) => {
      const w = doc >>> 5;
      const bit = 1 << (doc & 31);
      let sum = 0;
      let held = 0;
      for (let i = 0; i < count; i++) {
        if ((((sets[i] as Int32Array)[w] as number) & bit) !== 0) {
          const l = probe[i] as TopList;
          sum += contribution(l, find(l, doc));
          held |= flags[i] as number;
        }
      }
      return finish(sum, held);
    };
    const twins = this.twinDocs;
    let scored = this.onlyThroughStrongLists(
      probe,
      k,
      sets,
      bounds,
      flags,
      words,
      heap,
      offer,
      finish,
      boundOf,
      scoreOf,
    );
    // A bound per word of 32 documents first: the lists holding any of its candidates. Of the
    // documents in the words with the highest bounds (four pages' worth of words, twins aside),
    // the page's worth with the highest bounds of their own are scored first; the threshold they
    // set skips most words whole, and within the rest, documents whose own bound cannot reach the
    // page. A twin is weighed by its story, whose other documents may lie in other words: twins
    // are never skipped with their word.
    const wordBound = this.wordBound;
    const wordHeld = this.wordHeld;
    // The words holding a candidate, and each one's bound summed list by list (in list order, as
    // a document's own bound is): a short list by its postings, a long one by those words only.
    const holding = this.holding;
    let holdingCount = 0;
    for (let w = 0; w < words; w++) {
      if (every[w] === 0) continue;
      holding[holdingCount++] = w;
      wordBound[w] = 0;
      wordHeld[w] = 0;
    }
    for (let i = 0; i < count; i++) {
      const set = sets[i] as Int32Array;
      const bound = bounds[i] as number;
      const flag = flags[i] as number;
      const { docs } = probe[i] as TopList;
      if (docs.length < holdingCount) {
        let last = -1;
        for (let p = 0; p < docs.length; p++) {
          const d = docs[p] as number;
          const w = d >>> 5;
          if (w === last || ((every[w] as number) & (1 << (d & 31))) === 0) continue;
          last = w;
          wordBound[w] = (wordBound[w] as number) + bound;
          wordHeld[w] = (wordHeld[w] as number) | flag;
        }
        continue;
      }
      for (let h = 0; h < holdingCount; h++) {
        const w = holding[h] as number;
        if (((set[w] as number) & (every[w] as number)) === 0) continue;
        wordBound[w] = (wordBound[w] as number) + bound;
        wordHeld[w] = (wordHeld[w] as number) | flag;
      }
    }
    const seedWords = 4 * k;
    const top: number[] = [];
    const topBounds: number[] = [];
    for (let h = 0; h < holdingCount; h++) {
      const w = holding[h] as number;
      const b = finish(wordBound[w] as number, wordHeld[w] as number);
      wordBound[w] = b;
      if (((every[w] as number) & ~(twins[w] as number)) === 0) continue;
      keepBest(top, topBounds, w, b, seedWords);
    }
    // The seeds: of the documents in those words, the page's worth with the highest bounds.
    const seeds: number[] = [];
    const seedBounds: number[] = [];
    for (const w of top) {
      let x = (every[w] as number) & ~(twins[w] as number);
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const doc = (w << 5) + 31 - Math.clz32(low);
        keepBest(seeds, seedBounds, doc, boundOf(doc), k);
      }
    }
    for (const doc of seeds) {
      offer(doc, scoreOf(doc));
      scored++;
    }
    const sums = new Float64Array(32);
    const helds = new Int32Array(32);
    const twinDone = new Set<number>();
    let theta = heap.threshold();
    for (let h = 0; h < holdingCount; h++) {
      const w = holding[h] as number;
      const all = every[w] as number;
      const pairs = all & (twins[w] as number);
      for (let x = pairs; x !== 0; ) {
        const low = x & -x;
        x ^= low;
        const doc = (w << 5) + 31 - Math.clz32(low);
        const article = docArticle[doc] as number;
        const t = twin[article] as number;
        const st = Math.min(article, t);
        if (twinDone.has(st)) continue;
        twinDone.add(st);
        let most = 0;
        for (const a of [article, t]) {
          most = Math.max(most, boundOf(a));
          for (let d = passageStart[a] as number; d < (passageStart[a + 1] as number); d++)
            most = Math.max(most, boundOf(d));
        }
        if (most < theta) continue;
        scored++;
        const a = exact(article);
        const b = exact(t);
        if (a.state === 2 || b.state === 2) heap.offer(st, Math.max(a.score, b.score));
        theta = heap.threshold();
      }
      const plain = all & ~pairs;
      if (plain === 0 || (wordBound[w] as number) < theta) continue;
      // Each document's own bound: the lists holding it, a bit at a time.
      for (let i = 0; i < count; i++) {
        let m = ((sets[i] as Int32Array)[w] as number) & plain;
        while (m !== 0) {
          const low = m & -m;
          m ^= low;
          const at = 31 - Math.clz32(low);
          sums[at] = (sums[at] as number) + (bounds[i] as number);
          helds[at] = (helds[at] as number) | (flags[i] as number);
        }
      }
      for (let x = plain; x !== 0; ) {
        const low = x & -x;
        x ^= low;
        const at = 31 - Math.clz32(low);
        const b = finish(sums[at] as number, helds[at] as number);
        sums[at] = 0;
        helds[at] = 0;
        if (b < theta) continue;
        const doc = (w << 5) + at;
        scored++;
        let sum = 0;
        let held = 0;
        for (let i = 0; i < count; i++) {
          if ((((sets[i] as Int32Array)[w] as number) & low) !== 0) {
            const l = probe[i] as TopList;
            seek(l, doc);
            sum += contribution(l, l.pos);
            held |= flags[i] as number;
          }
        }
        offer(doc, finish(sum, held));
        theta = heap.threshold();
      }
    }
    scratch.fill(0, 0, count * words);
    this.exactlyScored = scored;
  }

  /**
   * For `bestHoldingEvery`: a first page from the documents of the strongest short lists (those
   * holding every word, twins aside, the page's worth with the highest bounds, scored exactly)
   * sets a threshold. Lists too weak together to reach it (MaxScore's non-essential lists) cannot
   * lift a document onto the page by themselves, so candidates in no other list are dropped from
   * `this.every`: "general strike" then weighs the 1,400 words of 32 documents holding a title
   * match rather than the 2,900 holding the topic or the texts. Twins stay (their story may rank
   * by the other article). Returns the documents scored.
   */
  private onlyThroughStrongLists(
    probe: readonly TopList[],
    k: number,
    sets: readonly Int32Array[],
    bounds: Float64Array,
    flags: Int32Array,
    words: number,
    heap: StoryHeap,
    offer: (doc: number, score: number) => void,
    finish: (sum: number, docBits: number) => number,
    boundOf: (doc: number) => number,
    scoreOf: (doc: number) => number,
  ): number {
    const count = probe.length;
    const { every } = this;
    const twins = this.twinDocs;
    const order = Array.from({ length: count }, (_, i) => i).sort(
      (a, b) => (bounds[a] as number) - (bounds[b] as number),
    );
    // Strongest short lists first, until a page's worth of candidates; given up past a quarter of a
    // bitset's words in postings (as much as a quarter of one pass over the candidates' words).
    const seeds: number[] = [];
    const seedBounds: number[] = [];
    let read = 0;
    for (let o = count - 1; o >= 0 && seeds.length < k; o--) {
      const { docs } = probe[order[o] as number] as TopList;
      if (read + docs.length > words * this.pilotShare) break;
      read += docs.length;
      for (let p = 0; p < docs.length; p++) {
        const d = docs[p] as number;
        if (((every[d >>> 5] as number) & ~(twins[d >>> 5] as number) & (1 << (d & 31))) === 0) continue;
        keepBest(seeds, seedBounds, d, boundOf(d), k);
      }
    }
    for (const doc of seeds) offer(doc, scoreOf(doc));
    const theta = heap.threshold();
    if (theta === Number.NEGATIVE_INFINITY) return seeds.length;
    // The weakest lists, while what they add up to (times the query terms they stand for) stays
    // below the threshold: a document only they hold scores below it, ties included.
    let sum = 0;
    let held = 0;
    let weak = 0;
    for (; weak < count; weak++) {
      const i = order[weak] as number;
      if (finish(sum + (bounds[i] as number), held | (flags[i] as number)) >= theta) break;
      sum += bounds[i] as number;
      held |= flags[i] as number;
    }
    // Dropping candidates costs a pass over the words per strong list: worth it when most are weak.
    if (weak === 0 || weak === count || 2 * (count - weak) > count) return seeds.length;
    this.narrowed++;
    const strong = order.slice(weak).map((i) => sets[i] as Int32Array);
    for (let w = 0; w < words; w++) {
      const all = every[w] as number;
      if (all === 0) continue;
      let any = twins[w] as number;
      for (const set of strong) any |= set[w] as number;
      every[w] = all & any;
    }
    return seeds.length;
  }

  /** A long list's documents as a bitset (`words` words) with its rank directory, made on first use. */
  private longListBits(term: number, field: number, words: number): ListBits {
    const key = term * 3 + field;
    let bits = this.longListSets.get(key);
    if (!bits) {
      const set = new Int32Array(words);
      const docs = this.index.docsOf(field, term);
      for (let p = 0; p < docs.length; p++) {
        const d = docs[p] as number;
        set[d >>> 5] = (set[d >>> 5] as number) | (1 << (d & 31));
      }
      const before = new Uint32Array(words);
      for (let w = 1; w < words; w++) before[w] = (before[w - 1] as number) + popcount(set[w - 1] as number);
      bits = { set, before };
      this.longListSets.set(key, bits);
    }
    return bits;
  }

  /** Scratch bitsets for `bestHoldingEvery`, at least `size` words, left cleared. */
  private listSets(size: number): Int32Array {
    if (this.listBits.length < size) this.listBits = new Int32Array(Math.max(size, this.listBits.length * 2));
    return this.listBits;
  }

  /**
   * The best documents of a one-word query, read best first: each term it reaches has its
   * documents in the order of what the term adds to them (`termOrder`), and the threshold
   * algorithm takes the next document from the term whose next one adds the most, scores it
   * exactly (its parts summed in `probe` order, as the document-ordered scan sums them), and stops
   * once the terms' next documents together cannot reach the page: no document unread can.
   * Gives up after BEST_FIRST_READS reads (false): every document it offered is exactly scored,
   * so the scan that goes on from there only starts with a higher threshold.
   */
  private bestOfOneWord(
    probe: readonly TopList[],
    heap: StoryHeap,
    qualityBound: number,
    offer: (doc: number, score: number) => void,
    finish: (sum: number, docBits: number) => number,
  ): boolean {
    // A term's title and text together (each word reaching it scales it by its own weight); a
    // topic's list apart.
    const reached = new Map<number, { order: TermOrder; scales: Map<number, number> }>();
    for (const l of probe) {
      const key = l.field === TOPICS ? -1 - l.term : l.term;
      let entry = reached.get(key);
      if (!entry) {
        entry = { order: this.termOrderOf(l.term, l.field === TOPICS), scales: new Map() };
        reached.set(key, entry);
      }
      entry.scales.set(l.bit, l.scale);
    }
    const terms = [...reached.values()].map(({ order, scales }) => {
      let weight = 0;
      for (const scale of scales.values()) weight += scale;
      // Rounded up a hair: the bound must not fall below a score summed in another order.
      return { docs: order.docs, values: order.values, weight: weight * (1 + 1e-6), at: 0 };
    });
    // A term reached by two words of the query is one list read twice: searched once.
    const same = probe.map((l, i) =>
      probe.findIndex((o, j) => j < i && o.term === l.term && o.field === l.field),
    );
    const found = new Int32Array(probe.length);
    const seen = this.groupMark;
    const visited: number[] = [];
    let done = false;
    for (let reads = 0; reads < BEST_FIRST_READS; reads++) {
      let bound = 0;
      let next = -1;
      let most = -1;
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i] as (typeof terms)[number];
        if (t.at >= t.docs.length) continue;
        const value = t.weight * (t.values[t.at] as number);
        bound += value;
        if (value > most) {
          most = value;
          next = i;
        }
      }
      if (next < 0 || bound * qualityBound < heap.threshold()) {
        done = true;
        break;
      }
      const t = terms[next] as (typeof terms)[number];
      const doc = t.docs[t.at] as number;
      t.at++;
      if (seen[doc] === 1) continue;
      seen[doc] = 1;
      visited.push(doc);
      let sum = 0;
      let docBits = 0;
      for (let i = 0; i < probe.length; i++) {
        const l = probe[i] as TopList;
        const first = same[i] as number;
        const at = first >= 0 ? (found[first] as number) : find(l, doc);
        found[i] = at;
        if (at >= 0) {
          sum += contribution(l, at);
          docBits |= 1 << l.bit;
        }
      }
      offer(doc, finish(sum, docBits));
    }
    for (const doc of visited) seen[doc] = 0;
    return done;
  }

  /** A term's documents best first (its title and text, or its topic list), made on first use. */
  private termOrderOf(term: number, topic: boolean): TermOrder {
    const key = term * 2 + (topic ? 1 : 0);
    let order = this.termOrders.get(key);
    if (!order) {
      const fields: FieldList[] = [];
      for (const field of topic ? [TOPICS] : [TITLE, TEXT]) {
        const { docs } = this.index.postings(field, term);
        if (docs.length === 0) continue;
        const idf = Math.log(1 + (this.index.docCount - docs.length + 0.5) / (docs.length + 0.5));
        fields.push({
          docs,
          impact: this.impactsOf(field, term),
          factor: (FIELD_BOOST[field] as number) * idf,
        });
      }
      // A query reads at most BEST_FIRST_READS from a term: one more gives the bound after them.
      order = termOrder(fields, BEST_FIRST_READS + 1);
      this.termOrders.set(key, order);
    }
    return order;
  }

  /**
   * Every posting list a query group reaches, for both rankings: its words (expanded) in titles and
   * texts, and its topics. `add` scores or collects one list; `reached` records each term reached.
   */
  private reachGroup(
    g: QueryGroup,
    bitOf: (source: string) => number,
    add: (termId: number, field: number, weight: number, bit: number) => void,
    reached: Reached[],
  ): void {
    // Near spellings stand in for a word the archive does not hold. A word it holds (its stem, or
    // the start of a term while it may be unfinished) is not widened to words a letter or two away
    // ("factories" to "victories", "strike" to "strive"): they would count as holding the word.
    const held = () =>
      g.terms.some((source) => this.expand(source, g.prefix, 0).some(([, id]) => this.holdsId(id)));
    const widen = g.fuzzy > 0 && !held();
    // One query term however many spellings of the word are looked up (its stems, the form being
    // typed): a document holding "workers", reached through the stem "worker" as a prefix and
    // through the word as typed, holds one word of the query, not two.
    const bit = bitOf(g.terms[0] as string);
    const reachedBy = (source: string) => {
      const expanded = this.expand(source, g.prefix, widen ? g.fuzzy : 0);
      const passed = source === g.typed && g.prefix && !widen ? this.stemsPassed(source, g) : [];
      return [expanded, passed];
    };
    const addTerm = (term: string, id: number, weight: number) => {
      add(id, TITLE, weight * BOOST.title, bit);
      add(id, TEXT, weight * BOOST.text, bit);
      reached.push({ term, id, fields: [TITLE, TEXT] });
    };
    if (g.terms.length === 1) {
      // Two lists in turn, not one spread: a prefix of a few letters reaches thousands of terms.
      for (const list of reachedBy(g.terms[0] as string))
        for (const [term, id, weight] of list) addTerm(term, id, weight);
    } else {
      // A term reached by several spellings counts once, at its best weight ("workers" exactly,
      // not also as a longer form of "worker").
      const best = new Map<number, [string, number]>();
      for (const source of g.terms)
        for (const list of reachedBy(source))
          for (const [term, id, weight] of list) {
            const had = best.get(id);
            if (!had || weight > had[1]) best.set(id, [term, weight]);
          }
      for (const [id, [term, weight]] of best) addTerm(term, id, weight);
    }
    for (const topic of g.topics) {
      const id = this.index.termId(topic);
      if (id === undefined) continue;
      add(id, TOPICS, BOOST.topics, bitOf(topic));
      reached.push({ term: topic, id, fields: [TOPICS] });
    }
  }

  /** Ranks articles for a query; `prefer(a, b)` says whether to show twin `a` rather than `b`. */
  rank(groups: readonly QueryGroup[], prefer: (a: number, b: number) => boolean): Ranking {
    const { lists, reached, missing, found } = this.reachLists(groups);
    return this.scoreEvery(lists, found, reached, missing, prefer);
  }

  /**
   * Every posting list a query reaches, in query order (each word's terms, title before text, then
   * its topics), with its weight and bound; `missing`: the words that reach no document, whose
   * lists are left out. `group` numbers the words that reach something.
   */
  private reachLists(groups: readonly QueryGroup[]): {
    lists: TopList[];
    reached: Reached[];
    missing: number[];
    found: number;
    sources: number;
  } {
    const sourceBits = new Map<string, number>();
    const bitOf = (src: string) => {
      let bit = sourceBits.get(src);
      if (bit === undefined) {
        bit = sourceBits.size % MAX_TRACKED_TERMS;
        sourceBits.set(src, bit);
      }
      return bit;
    };
    const reached: Reached[] = [];
    const missing: number[] = [];
    const lists: TopList[] = [];
    let found = 0;
    groups.forEach((g, gi) => {
      const before = lists.length;
      const add = (termId: number, field: number, weight: number, bit: number) => {
        const docs = this.index.docsOf(field, termId);
        if (docs.length === 0) return;
        const w = weight * Math.log(1 + (this.index.docCount - docs.length + 0.5) / (docs.length + 0.5));
        lists.push({
          docs,
          impact: this.impactsOf(field, termId),
          w,
          bound: w * (this.maxPart[field]?.[termId] as number),
          scale: weight / (FIELD_BOOST[field] as number),
          bit,
          group: found,
          pos: 0,
          term: termId,
          field,
          bits: NO_BITS,
        });
      };
      this.reachGroup(g, bitOf, add, reached);
      if (lists.length === before) missing.push(gi);
      else found++;
    });
    return { lists, reached, missing, found, sources: sourceBits.size };
  }

  /**
   * Scores every posting of the lists, in their order (a document's parts summed as MiniSearch
   * sums them), and collects the articles: the exhaustive ranking.
   */
  private scoreEvery(
    lists: readonly TopList[],
    found: number,
    reached: Reached[],
    missing: number[],
    prefer: (a: number, b: number) => boolean,
  ): Ranking {
    let postings = 0;
    for (const l of lists) postings += l.docs.length;
    if (postings <= this.fewPostings) return this.scoreFew(lists, postings, found, reached, missing, prefer);
    const { score, groupMark, groupCount, touched } = this;
    let touchedCount = 0;
    for (const { docs, impact, w, bit, group } of lists) {
      // Marks count only words that reach something: a word no article contains is reported
      // (`missing`), and "all words" means all the words that exist in the archive.
      const mark = group + 1;
      if (bit >= 32) this.highUsed = true;
      const mask = bit < 32 ? this.maskLow : this.maskHigh;
      const flag = 1 << (bit & 31);
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] as number;
        const seen = groupMark[doc] as number;
        if (seen !== mark) {
          if (seen === 0) touched[touchedCount++] = doc;
          groupMark[doc] = mark;
          groupCount[doc] = (groupCount[doc] as number) + 1;
        }
        score[doc] = (score[doc] as number) + w * (impact[i] as number);
        mask[doc] = (mask[doc] as number) | flag;
      }
    }
    return this.collect(touchedCount, found, reached, prefer, missing);
  }

  /**
   * `scoreEvery` for a few postings, without the per-document scratch arrays (five scattered
   * reads and writes a posting, cache misses at 100k documents): every posting is one entry, in
   * list order, sorted by document, so a document's parts are summed in list order as there.
   * Documents are then folded into articles in the order `scoreEvery` first reaches them: by
   * their first entry.
   */
  private scoreFew(
    lists: readonly TopList[],
    postings: number,
    found: number,
    reached: Reached[],
    missing: number[],
    prefer: (a: number, b: number) => boolean,
  ): Ranking {
    const part = new Float64Array(postings);
    const listOf = new Uint16Array(postings);
    // A key: document · span + entry, exact in a double (entries take at most 12 bits).
    const span = 2 ** Math.ceil(Math.log2(postings + 1));
    const keys = new Float64Array(postings);
    let e = 0;
    lists.forEach(({ docs, impact, w }, i) => {
      for (let p = 0; p < docs.length; p++, e++) {
        part[e] = w * (impact[p] as number);
        listOf[e] = i;
        keys[e] = (docs[p] as number) * span + e;
      }
    });
    keys.sort();
    // Per document, at its first entry: its document, score and state (-1: no document starts there).
    const docAt = new Int32Array(postings).fill(-1);
    const scoreAt = new Float64Array(postings);
    const stateAt = new Uint8Array(postings);
    for (let r = 0; r < postings; ) {
      const doc = Math.floor((keys[r] as number) / span);
      const first = (keys[r] as number) - doc * span;
      let sum = 0;
      let low = 0;
      let high = 0;
      let groups = 0;
      let lastGroup = -1;
      for (; r < postings && Math.floor((keys[r] as number) / span) === doc; r++) {
        const at = (keys[r] as number) - doc * span;
        const l = lists[listOf[at] as number] as TopList;
        sum += part[at] as number;
        if (l.bit < 32) low |= 1 << l.bit;
        else high |= 1 << (l.bit & 31);
        // A word's lists are consecutive: its documents count it once.
        if (l.group !== lastGroup) {
          groups++;
          lastGroup = l.group;
        }
      }
      docAt[first] = doc;
      scoreAt[first] = sum * (popcount(low) + popcount(high) || 1);
      stateAt[first] = groups === found ? 2 : 1;
    }
    let n = 0;
    for (let at = 0; at < postings; at++) {
      const doc = docAt[at] as number;
      if (doc < 0) continue;
      const score = scoreAt[at] as number;
      const state = stateAt[at] as number;
      n = this.fold(doc, state, score, n);
    }
    return this.articlesRanking(n, reached, prefer, missing);
  }

  /**
   * A held word being typed, and not a term itself (so unfinished), may have run past the stem of
   * the word it will be ("revolutio", on the way to "revolution", stemmed "revolut"): the terms it
   * extends by up to `g.fuzzy` letters stay reached, weighted as the near spellings they are,
   * unless the word reaches them itself. A word that is a term may be finished: "quenanru" does not
   * reach "quenan", another name.
   */
  private stemsPassed(source: string, g: QueryGroup): [string, number, number][] {
    const out: [string, number, number][] = [];
    if (this.index.termId(source) !== undefined) return out;
    for (let cut = 1; cut <= g.fuzzy && cut < source.length; cut++) {
      const term = source.slice(0, -cut);
      const id = this.index.termId(term);
      if (id !== undefined && !g.terms.includes(term))
        out.push([term, id, (WEIGHT.fuzzy * term.length) / (term.length + cut)]);
    }
    return out;
  }

  /** The index terms a query term reaches, with MiniSearch's weights for prefix and fuzzy matches. */
  private expand(source: string, prefix: boolean, fuzzy: number): [string, number, number][] {
    const key = `${fuzzy}${prefix ? '*' : ''}:${source}`;
    const cached = this.expansions.get(key);
    if (cached) return cached;
    let out: [string, number, number][];
    if (fuzzy > 0) {
      // The word's own terms (kept under their own key: `reachGroup` asks for them first), then
      // its near spellings that are not among them.
      const own = this.expand(source, prefix, 0);
      const reached = new Set(own.map(([term]) => term));
      out = own.slice();
      for (const [term, id, distance] of this.termDictionary().near(source, fuzzy)) {
        if (reached.has(term)) continue;
        out.push([term, id, (WEIGHT.fuzzy * term.length) / (term.length + distance)]);
      }
    } else {
      out = [];
      const exact = this.index.termId(source);
      if (exact !== undefined) out.push([source, exact, 1]);
      if (prefix) {
        for (const [term, id] of this.termDictionary().withPrefix(source)) {
          const distance = term.length - source.length;
          if (distance) out.push([term, id, (WEIGHT.prefix * term.length) / (term.length + 0.3 * distance)]);
        }
      }
    }
    this.expansions.set(key, out);
    return out;
  }

  /**
   * Folds a document into its article: the article keeps its best document, one holding every
   * word before any other. Returns the count of articles reached, `n` plus one if this is new.
   */
  private fold(doc: number, state: number, score: number, n: number): number {
    const a = this.corpus.docArticle[doc] as number;
    const was = this.articleState[a] as number;
    if (state > was || (state === was && score > (this.articleScore[a] as number))) {
      this.articleState[a] = state;
      this.articleScore[a] = score;
      this.articleDoc[a] = doc;
    }
    if (was !== 0) return n;
    this.reachedArticles[n] = a;
    return n + 1;
  }

  /** Folds documents into articles (best strict document first), merges twins, resets scratch. */
  private collect(
    touchedCount: number,
    groupTotal: number,
    reached: Reached[],
    prefer: (a: number, b: number) => boolean,
    missing: number[],
  ): Ranking {
    const { score: docScore, groupMark, groupCount, maskLow, maskHigh } = this;
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
      n = this.fold(doc, state, score, n);
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
    return this.articlesRanking(n, reached, prefer, missing);
  }

  /**
   * The ranking of the `n` articles reached (in `reachedArticles`, in the order first reached),
   * each with its state, score and best document set: twins merged into one entry per story.
   * Leaves the article arrays cleared.
   */
  private articlesRanking(
    n: number,
    reached: Reached[],
    prefer: (a: number, b: number) => boolean,
    missing: number[],
  ): Ranking {
    const { twin } = this.corpus;
    const articles = this.reachedArticles;
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

/** One posting list of a top-k query: a term in a field, its weight, bound and cursor. */
interface TopList {
  docs: Uint32Array;
  /** BM25+ part of each posting (see `Scorer.impacts`). */
  impact: Float32Array;
  w: number;
  /** The most this list can add to any document's sum. */
  bound: number;
  /** The query word's own weight for this term (exact 1; prefix and fuzzy less): w without boost and idf. */
  scale: number;
  bit: number;
  /** The query word (among those found) the list belongs to. */
  group: number;
  pos: number;
  term: number;
  field: number;
  /**
   * A long list's bitset and rank directory: a document's position in one step (see `find`).
   * `NO_BITS` otherwise, rather than null, so the field keeps one type (no deoptimisation when
   * lists get theirs).
   */
  bits: ListBits;
}

/**
 * A long list's documents as a bitset, and before each word of it the number of documents in the
 * words before: a document's position in the list is that count plus the set bits below it in its
 * word, where a search in a list of tens of thousands takes 15 dependent reads.
 */
interface ListBits {
  set: Int32Array;
  before: Uint32Array;
}

const NO_BITS: ListBits = { set: new Int32Array(0), before: new Uint32Array(0) };

function contribution(l: TopList, at: number): number {
  return l.w * (l.impact[at] as number);
}

/** Position of doc in a list with a rank directory: the postings before it. */
function rank({ set, before }: ListBits, doc: number): number {
  const w = doc >>> 5;
  return (before[w] as number) + popcount((set[w] as number) & ~(-1 << (doc & 31)));
}

/** Position of doc in a list, or -1. */
function find(l: TopList, doc: number): number {
  const { bits } = l;
  if (bits === NO_BITS) return search(l.docs, doc);
  return ((bits.set[doc >>> 5] as number) & (1 << (doc & 31))) === 0 ? -1 : rank(bits, doc);
}

/**
 * Moves a list's cursor to the first posting at or after doc (galloping, or the rank of a long
 * list); true if doc is there. Cursors only move forward: doc is never before the cursor's.
 */
function seek(l: TopList, doc: number): boolean {
  l.pos = l.bits === NO_BITS ? lowerBound(l.docs, l.pos, doc) : rank(l.bits, doc);
  return l.docs[l.pos] === doc;
}

/** First position at or after `from` whose document is at least doc (galloping), or the list's length. */
function lowerBound(docs: Uint32Array, from: number, doc: number): number {
  if (from >= docs.length || (docs[from] as number) >= doc) return from;
  let lo = from;
  let step = 1;
  let hi = lo + 1;
  while (hi < docs.length && (docs[hi] as number) < doc) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > docs.length) hi = docs.length;
  let a = lo + 1;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((docs[mid] as number) < doc) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** Index of doc in a sorted list, or -1. */
function search(docs: Uint32Array, doc: number): number {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = docs[mid] as number;
    if (d === doc) return mid;
    if (d < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The k best stories (an article and its twin count once) by their best document score so far.
 * A small sorted array: k is a page or two, so insertion beats a binary heap's bookkeeping.
 */
class StoryHeap {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];
  constructor(private readonly k: number) {}

  get size(): number {
    return this.ids.length;
  }

  /** The score a new story must reach (ties included) to enter; -∞ until k are held. */
  threshold(): number {
    return this.ids.length < this.k ? Number.NEGATIVE_INFINITY : (this.scores[this.ids.length - 1] as number);
  }

  offer(id: number, score: number): void {
    const at = this.ids.indexOf(id);
    if (at >= 0) {
      if (score <= (this.scores[at] as number)) return;
      this.ids.splice(at, 1);
      this.scores.splice(at, 1);
    } else if (this.ids.length >= this.k) {
      const last = this.ids.length - 1;
      const ls = this.scores[last] as number;
      // Ties keep the lower article number, as the full ranking orders them.
      if (score < ls || (score === ls && id > (this.ids[last] as number))) return;
      this.ids.pop();
      this.scores.pop();
    }
    let i = this.ids.length;
    while (
      i > 0 &&
      ((this.scores[i - 1] as number) < score ||
        ((this.scores[i - 1] as number) === score && (this.ids[i - 1] as number) > id))
    )
      i--;
    this.ids.splice(i, 0, id);
    this.scores.splice(i, 0, score);
  }

  stories(): number[] {
    return [...this.ids];
  }
}
