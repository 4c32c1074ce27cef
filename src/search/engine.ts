import { dateSortKey } from '../content/dates.ts';
import type { Content } from '../content/read.ts';
import type { TopicMatcher } from '../content/topics.ts';
import { inSlices } from '../slices.ts';
import { isFiller, isStopword, stem, typedWords, words } from '../text/analyze.ts';
import { detectLanguage, type TextLanguage } from '../text/language.ts';
import { nfc } from '../text/normalize.ts';
import { type Article, topicName } from '../types.ts';
import { type AnalysedDocs, docMoves, docRefs, indexDocs, sectionStarts } from './documents.ts';
import { type DictionaryParts, dictionaryParts } from './expand.ts';
import { idTable, lookUpId } from './id-table.ts';
import { Lru } from './lru.ts';
import { POSTINGS_FORMAT, PostingIndex } from './postings.ts';
import {
  type QueryGroup,
  type Ranking,
  type ScoreParts,
  Scorer,
  scoreParts,
  storyLinks,
  TOP_K_MIN_POSTINGS,
  type WarmParts,
} from './ranking.ts';
import { type FoldedTitles, foldedTitle, foldTitles, joinTitles, titlesWith } from './titles.ts';
import { NO_ARTICLES, TopicIndex, type TopicMembers, type TopicStat } from './topic-index.ts';

/** Bump when analysis or documents change, so cached indexes from older code are not reused. */
export const INDEX_FORMAT = `5.${POSTINGS_FORMAT}`;

/** Queries longer than this many words are cut: nobody types more, and each word costs a lookup. */
const MAX_QUERY_WORDS = 12;
/** A free-text `latest`/`brief` keeps hits scoring at least this share of the best one. */
const RELEVANT_SHARE = 0.2;

export interface Hit {
  article: Article;
  score: number;
  /** Matched every word of the query (or a topic it names), not just some. */
  strict: boolean;
  /** Section of a long article that matched best. */
  passage?: number;
  /** Index terms that matched, for choosing the snippet. */
  terms: string[];
}

export interface Page<T> {
  hits: T[];
  total: number;
  offset: number;
}

/** A page of search results, with what the archive does not hold. */
export interface SearchPage extends Page<Hit> {
  /** Words of the query (as typed) that no article contains, even loosely; [] when all matched. */
  unmatched: string[];
  /** The query was only question and filler words: nothing of substance to search for. */
  nothingToSearch: boolean;
}

export interface QueryOptions {
  offset?: number;
  limit?: number;
  /** The asker's language, for twin articles and for Spanish stemming of undetected queries. */
  language?: TextLanguage;
  /** Score every match instead of pruning to the page (the same answer, slower: for checks). */
  exhaustive?: boolean;
  /**
   * The text was sent whole (a command), not read as it is being typed (inline, autocomplete):
   * its last word is then a prefix only when the archive does not hold it as it is ("venezue"),
   * as a word typed so far always is. Ends in a space: the same. Read by `search` only: free text
   * in `latest` and `brief` is matched as subscriptions match it (`matching`), as typed.
   */
  complete?: boolean;
}

export interface LatestPage extends Page<Hit> {
  /** How the request was understood: everything, a gazetteer topic, or free text. */
  mode: 'all' | 'topic' | 'query';
  topic?: TopicStat;
  /** Free text only: words no article contains (see SearchPage). */
  unmatched: string[];
  nothingToSearch: boolean;
}

export interface Briefing extends LatestPage {
  /** Dates of the oldest and newest matching article. */
  range?: { from: Article; to: Article };
  /** Topics that recur across the matching articles, most frequent first. */
  themes: TopicStat[];
}

export interface Completion {
  label: string;
  value: string;
  kind: 'topic' | 'article';
}

/** An index and the articles it was built over (`Engine.earlier()`, or a snapshot's), for `Engine.build` to update. */
export interface EarlierIndex {
  articles: readonly Article[];
  /** Decoded only when it is used. */
  index(): PostingIndex;
}

/** What an engine's queries made on use: what the engine replacing it makes ahead (`prepare`, `handOver`). */
export interface Used {
  /** Terms whose per-term structures were made, each with whether as a topic, most recent first. */
  terms: [term: string, topic: boolean][];
  /** Topic lists made (`name:language`), each with whether its themes were counted. */
  lists: [key: string, themed: boolean][];
  /** Whether an article was asked for by id (the id table is then made ahead). */
  ids: boolean;
  /** Whether titles were searched (`suggest`: the folded titles are then made ahead). */
  titles: boolean;
}

/** What `Engine.handOver()` makes for an engine built on another thread. */
export interface HandOver {
  parts: ScoreParts;
  newest: Uint32Array;
  topics: TopicMembers;
  twin: Int32Array;
  /** First section document of each article (see `sectionStarts`). */
  passageStart: Uint32Array;
  /** The article of each document (articles, then their sections). */
  docArticle: Int32Array;
  /** Topic numbers of each article, flat (see `Engine.topicNumbers`). */
  topicNumbers: { start: Uint32Array; numbers: Uint16Array };
  /** The prefix and typo dictionary over the index's terms. */
  dictionary: DictionaryParts;
  /** The per-term structures of the terms the receiving thread's engine used (see `handOver`). */
  warm?: WarmParts;
  /** Article numbers by id (`idTable`), when the receiving thread's engine was asked for ids. */
  ids?: Int32Array;
  /** The folded titles in date order, when the receiving thread's engine searched titles. */
  titles?: FoldedTitles;
  /** The topic lists the receiving thread's engine made, and their themes (topic ids), by key. */
  lists?: { key: string; list: Uint32Array; themes?: string[] }[];
  /**
   * The index's terms (`PostingIndex.termsText`), for decoding `indexBytes(false)`; with
   * `termsFrom`, only those after the first `termsFrom`, which are the terms of the previous
   * hand-over (see `handOver`).
   */
  terms: string;
  termsFrom?: number;
}

/** Longest `Engine.prepare` spends making the structures of terms the engine it replaces used. */
const WARM_TERMS_MS = 250;
/** Articles whose titles are folded per slice (an analysis each). */
const WARM_TITLES = 1000;

/** A ranking's cache key: the query, the languages it is read in, and whether it was sent whole. */
function rankKey(
  query: string,
  detected: TextLanguage | undefined,
  language: TextLanguage | undefined,
  complete: boolean,
): string {
  return `${complete ? '.' : ''}${detected ?? ''}:${language ?? ''}:${query}`;
}

/** Whether two lists hold the same articles in the same order (a topic's list in both languages). */
function sameOrder(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The article of each document, from the first section document of each article (`sectionStarts`). */
function docArticles(passageStart: Uint32Array, n: number): Int32Array {
  const docArticle = new Int32Array(passageStart[n] as number);
  // Plain loops: a call per article (`fill`) cost milliseconds at 100,000 articles.
  for (let i = 0; i < n; i++) {
    docArticle[i] = i;
    for (let doc = passageStart[i] as number; doc < (passageStart[i + 1] as number); doc++)
      docArticle[doc] = i;
  }
  return docArticle;
}

/** A snapshot's index (`indexBytes()`) over its articles, as an `EarlierIndex`. */
export function earlierIndex(articles: readonly Article[], bytes: Uint8Array): EarlierIndex {
  return { articles, index: () => PostingIndex.decode(bytes) };
}

/**
 * The query engine: a compact inverted index over articles and long-article sections (prefix and
 * typo expansion as MiniSearch's radix tree gives it, BM25+ scoring as MiniSearch does it), plus date order and
 * topic lists. Knows nothing of commands or platforms; answers with articles and scores.
 */
export class Engine {
  readonly articles: readonly Article[];
  private readonly topicsOwn: TopicIndex;
  /** Content fingerprint and index format: changes whenever answers could change. */
  readonly version: string;
  private readonly index: PostingIndex;
  /** Built on the first ranked query, or by `warm()` once the bot is up (see `scorer`). */
  private scorerBuilt?: Scorer;
  private readonly docArticle: Int32Array;
  /** Article numbers by id (see `idTable`): made on first use, or by the reload worker. */
  private idsBuilt?: Int32Array;
  /**
   * Whether an article was asked for by id, of this engine or of one it was readied from: only
   * then is the id table made ahead (the constructor makes one for twins, which no reload needs).
   */
  private idsAsked = false;
  /** Finds topics in text; a reload whose gazetteer is unchanged keeps the previous engine's. */
  readonly matcher: TopicMatcher;
  /** Article indexes, newest first (ties keep listing order, where earlier means newer). */
  private readonly newest: Uint32Array;
  /** Each article's twin (article index), or -1. */
  private readonly twin: Int32Array;
  /** Topic numbers of each article, flat, for counting themes without Maps (made on first use). */
  private topicNumbering?: { start: Uint32Array; numbers: Uint16Array };
  private readonly topicIds: string[];
  /** First section document of each article (sections of one article are numbered together). */
  private readonly passageStart: Uint32Array;
  /** Scratch membership marks, one per article, always left cleared. */
  private readonly marks: Uint8Array;
  /**
   * Newest-first lists per topic (and `all`) and language, twins resolved: `latest <topic>` is a
   * slice. Each topic's pair is made when first asked for (a few ms), not all at start-up.
   */
  private readonly topicLists = new Map<string, Uint32Array>();
  /** Themes of each topic list (see `themesOf`). */
  private readonly listThemes = new WeakMap<Uint32Array, TopicStat[]>();
  private foldedTitles?: FoldedTitles;
  private readonly rankCache = new Lru<string, Ranking>(64);
  /** Queries reaching at least this many postings are pruned to the page (tests lower it). */
  pruneFrom = TOP_K_MIN_POSTINGS;
  private readonly listCache = new Lru<string, Uint32Array>(256);

  /** The scorer's parts when made elsewhere (`fromIndexBytes`), until the scorer takes them. */
  private givenParts?: ScoreParts;
  private givenDictionary?: DictionaryParts;
  private givenWarm?: WarmParts;
  private givenLists?: HandOver['lists'];
  /** Once retired (`retire`): the engine serving, which answers this one's queries. */
  private serving?: () => Engine;

  /**
   * `made`: the scorer's parts and what is derived from the articles, made by the reload worker
   * for the same content (see `handOver`), or only what is derived from the articles, as a
   * snapshot kept it (see `derivedBytes`), so this thread makes none of it.
   */
  private constructor(content: Content, index: PostingIndex, made?: HandOver | Derived) {
    const handed = made && 'docArticle' in made ? made : undefined;
    this.givenParts = handed?.parts;
    this.givenDictionary = handed?.dictionary;
    this.givenWarm = handed?.warm;
    this.givenLists = handed?.lists;
    this.idsBuilt = handed?.ids;
    this.foldedTitles = handed?.titles;
    this.topicNumbering = handed?.topicNumbers;
    const { articles } = content;
    const n = articles.length;
    this.articles = articles;
    this.matcher = content.matcher;
    this.index = index;
    this.version = `${INDEX_FORMAT}-${content.fingerprint.slice(0, 16)}`;
    this.newest = made?.newest ?? newestFirst(articles);
    this.topicsOwn = new TopicIndex(
      content.topics,
      articles,
      this.newest,
      (i, language, twinListed) => this.shownBeside(i, language, twinListed),
      made?.topics,
    );
    if (made) this.twin = made.twin;
    else {
      this.twin = new Int32Array(n).fill(-1);
      for (let i = 0; i < n; i++) {
        const of = (articles[i] as Article).twinOf;
        if (of) this.twin[i] = this.indexOf(of) ?? -1;
      }
    }
    this.marks = new Uint8Array(n);
    this.topicIds = content.topics.map((t) => t.id);
    // Documents as docRefs numbers them: the articles, then each article's sections in turn.
    this.passageStart = handed?.passageStart ?? sectionStarts(articles);
    const d = this.passageStart[n] as number;
    if (index.docCount !== d) throw new Error(`Engine: index has ${index.docCount} documents, content ${d}`);
    if (handed && handed.docArticle.length !== d)
      throw new Error('Engine: hand-over documents do not match the index');
    this.docArticle = handed?.docArticle ?? docArticles(this.passageStart, n);
  }

  /**
   * The scorer's per-posting BM25+ parts and score bounds take a pass over every
   * posting: made when a query first needs them, not before the first answer of a start-up.
   */
  private get scorer(): Scorer {
    if (!this.scorerBuilt) {
      this.scorerBuilt = new Scorer(this.index, this.corpus(), this.givenParts, this.givenDictionary);
      if (this.givenWarm) this.scorerBuilt.adoptWarm(this.givenWarm);
      this.givenParts = undefined;
      this.givenDictionary = undefined;
      this.givenWarm = undefined;
    }
    return this.scorerBuilt;
  }

  private corpus() {
    return {
      docArticle: this.docArticle,
      articleCount: this.articles.length,
      twin: this.twin,
      passageStart: this.passageStart,
    };
  }

  /** The topics, their names and members. */
  get topicIndex(): TopicIndex {
    return (this.answering ?? this).topicsOwn;
  }

  /**
   * From now on, the engine `serving` returns (the one serving at the time) answers every query
   * asked of this engine. A reload retires the engine it replaces, so that the memory its arrays
   * are in can hold a later reload's (see content/arena.ts): whoever still holds it gets the
   * current archive's answers, never reads of memory rewritten under it. A function rather than
   * an engine, so that retired engines do not hold their successors (and every engine since).
   */
  retire(serving: () => Engine): void {
    this.serving = serving;
  }

  /** The engine answering for this one once it is retired; never one retired itself, so never a circle. */
  private get answering(): Engine | undefined {
    const engine = this.serving?.();
    return engine && engine !== this && !engine.serving ? engine : undefined;
  }

  /** What this engine's queries made on use (see `Used`). */
  used(): Used {
    return {
      terms: (this.scorerBuilt?.usedTerms() ?? []).reverse(),
      lists: [...this.topicLists].map(([key, list]) => [key, this.listThemes.has(list)]),
      ids: this.idsAsked,
      titles: this.foldedTitles !== undefined,
    };
  }

  /** Builds what is made on first use (the scorer), so the first search after start-up does not wait for it. */
  warm(): void {
    void (this.answering ?? this).scorer;
  }

  /**
   * Makes ahead what the first queries would make, in slices of about `sliceMs` with the event
   * loop free between them, so a new engine can be readied while `previous` (the one it replaces)
   * keeps serving: the scorer, the term numbering, the prefix and typo dictionary, then what
   * `previous` made on use: the per-term structures of the terms its queries reached (most
   * recent first, for at most WARM_TERMS_MS), its topic lists and their themes, its id map and
   * folded titles. All of it is made from this engine's own index and articles, as a query
   * would make it: only which structures were in use comes from `previous`.
   */
  async prepare(previous?: Engine, sliceMs = 2): Promise<void> {
    await inSlices(this.warmSteps(previous), sliceMs);
  }

  /** The work of `prepare`, yielding between pieces of a few milliseconds at most. */
  private *warmSteps(previous?: Engine): Generator<void> {
    const scorer = this.scorer;
    yield;
    // The term numbering, which every query's first word looks up.
    yield* this.index.termIdsInSlices();
    scorer.termDictionary();
    yield;
    if (!previous) return;
    const until = performance.now() + WARM_TERMS_MS;
    for (const [term, topic] of previous.used().terms) {
      if (performance.now() > until) break;
      scorer.warmTerm(term, topic);
      yield;
    }
    // Topic lists and themes the reload worker made (see `handOver`): only filed here.
    for (const { key, list, themes } of this.givenLists ?? []) {
      if (this.topicLists.has(key)) continue;
      const en = this.topicLists.get(`${key.slice(0, key.lastIndexOf(':'))}:en`);
      // One array when both languages agree, as `topicList` makes them.
      const mine = en && sameOrder(en, list) ? en : list;
      this.topicLists.set(key, mine);
      const stats = themes?.map((id) => this.topicsOwn.get(id));
      if (stats?.every((t): t is TopicStat => t !== undefined) && !this.listThemes.has(mine))
        this.listThemes.set(mine, stats);
      yield;
    }
    this.givenLists = undefined;
    for (const [key, list] of previous.topicLists) {
      const at = key.lastIndexOf(':');
      const name = key.slice(0, at);
      const mine = this.topicList(name, key.slice(at + 1) as TextLanguage);
      yield;
      const topic = this.topicsOwn.get(name);
      if (previous.listThemes.has(list) && !this.listThemes.has(mine)) {
        this.listThemes.set(mine, this.themes(mine, topic));
        yield;
      }
    }
    const n = this.articles.length;
    if (previous.idsAsked) this.idsAsked = true;
    // Made here (in one step) only when the worker did not make it: the engine was loaded on this thread.
    if (this.idsAsked) this.idsBuilt ??= idTable(this.articles);
    // Made here only when the worker did not make them (as for the id table).
    if (previous.foldedTitles && !this.foldedTitles) {
      const titles = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        titles[k] = foldedTitle(this.articles[this.newest[k] as number] as Article);
        if (k % WARM_TITLES === WARM_TITLES - 1) yield;
      }
      this.foldedTitles ??= joinTitles(titles);
    }
  }

  /**
   * Indexes content; with `analysed`, articles analysed by an earlier build are not analysed
   * again. With `earlier` (the index of an earlier load of the same directory, from a snapshot or
   * a previous engine), that index is updated instead: only new or changed articles are indexed
   * (see `PostingIndex.update`).
   */
  static build(content: Content, analysed?: WeakMap<Article, AnalysedDocs>, earlier?: EarlierIndex): Engine {
    const moves = earlier && docMoves(earlier.articles, content.articles, analysed);
    if (moves && moves.added.length < moves.docCount)
      return new Engine(content, earlier.index().update(moves.kept, moves.added, moves.docCount));
    const refs = docRefs(content.articles);
    const index = PostingIndex.build(indexDocs(content.articles, refs, analysed));
    return new Engine(content, index);
  }

  /**
   * An engine over an index encoded by `indexBytes()` for the same content (built on another
   * thread): decoding is a view over the buffer, not a rebuild.
   */
  static fromIndexBytes(content: Content, bytes: Uint8Array, made?: HandOver): Engine {
    return Engine.fromIndex(content, PostingIndex.decode(bytes, made?.terms), made);
  }

  /**
   * `fromIndexBytes` for a snapshot of the same content, with what it kept of `derivedBytes`
   * (ignored when written for other articles or topics, or by another version).
   */
  static fromSnapshotBytes(content: Content, index: Uint8Array, derived?: Uint8Array): Engine {
    const kept = derived && decodeDerived(derived, content.articles.length, content.topics.length);
    return new Engine(content, PostingIndex.decode(index), kept);
  }

  /**
   * What the engine works out from its articles before its first answer (the date order, twins and
   * each topic's members: a pass over every article each, a tenth of a warm start at 100,000
   * articles), as bytes a snapshot keeps for `fromSnapshotBytes`.
   */
  derivedBytes(): Uint8Array {
    const { starts, members } = this.topicsOwn.memberLists();
    const arrays = [this.newest, this.twin, starts, members];
    const head = Uint32Array.of(DERIVED_FORMAT, ...arrays.map((a) => a.length));
    const out = new Uint8Array(head.byteLength + arrays.reduce((sum, a) => sum + a.byteLength, 0));
    let at = 0;
    for (const a of [head, ...arrays]) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      at += a.byteLength;
    }
    return out;
  }

  /**
   * The index of a hand-over (`indexBytes(false)` and `handOver`), decoded; `previous`: the engine
   * made from the hand-over before, whose terms this one's begin with when `made.termsFrom` says
   * so (their term → id map is then extended and shared, not made again).
   */
  static handedIndex(bytes: Uint8Array, made: HandOver, previous?: Engine): PostingIndex {
    if (made.termsFrom === undefined) return PostingIndex.decode(bytes, made.terms);
    if (previous?.index.terms.length !== made.termsFrom)
      throw new Error('Engine: the hand-over continues terms this thread does not hold');
    return PostingIndex.decode(bytes, made.terms, previous.index);
  }

  /** `fromIndexBytes` with the index already decoded (`handedIndex`), a step of its own. */
  static fromIndex(content: Content, index: PostingIndex, made?: HandOver): Engine {
    return new Engine(content, index, made);
  }

  /** This engine's index and articles, for a later `build` to update. */
  earlier(): EarlierIndex {
    const { articles, index } = this;
    return { articles, index: () => index };
  }

  /**
   * For an engine made from `indexBytes()` over the same articles on another thread: the scorer's
   * per-posting parts (see `scoreParts`) and what is derived from the articles (date order, topic
   * members, twins), each a pass over every posting or article. The reload worker makes them, so
   * the serving thread does not; all are typed arrays, transferred rather than copied. `known`:
   * the terms of the previous hand-over, which the receiving thread holds; when this index's
   * terms begin with them (`PostingIndex.update` numbers new terms last), only the rest are sent.
   * `used`: what the receiving thread's engine made on use (`used`): the structures of its terms
   * are made here too (for at most WARM_TERMS_MS) by a scorer over the parts sent, and its topic
   * lists and their themes.
   */
  handOver(known?: readonly string[], used?: Used): HandOver {
    const numbers = this.topicNumbers();
    const { terms } = this.index;
    let termsFrom: number | undefined = known && known.length <= terms.length ? known.length : undefined;
    for (let t = 0; termsFrom !== undefined && t < termsFrom; t++)
      if (terms[t] !== known?.[t]) termsFrom = undefined;
    const parts = { ...scoreParts(this.index), stories: storyLinks(this.corpus()) };
    const warm = used?.terms.length
      ? new Scorer(this.index, this.corpus(), parts).warmedParts(
          used.terms,
          performance.now() + WARM_TERMS_MS,
        )
      : undefined;
    const lists = used?.lists.map(([key, themed]) => {
      const name = key.slice(0, key.lastIndexOf(':'));
      const list = this.topicList(name, key.slice(name.length + 1) as TextLanguage);
      const themes = themed ? this.themes(list, this.topicsOwn.get(name)).map((t) => t.id) : undefined;
      return { key, list: list.slice(), ...(themes ? { themes } : {}) };
    });
    return {
      parts,
      ...(warm ? { warm } : {}),
      ...(lists?.length ? { lists } : {}),
      ...(used?.ids ? { ids: idTable(this.articles) } : {}),
      ...(used?.titles ? { titles: foldTitles(this.articles, this.newest) } : {}),
      newest: this.newest.slice(),
      topics: this.topicsOwn.memberLists(),
      twin: this.twin.slice(),
      passageStart: this.passageStart.slice(),
      docArticle: this.docArticle.slice(),
      topicNumbers: { start: numbers.start.slice(), numbers: numbers.numbers.slice() },
      dictionary: dictionaryParts(terms),
      ...(termsFrom === undefined
        ? { terms: this.index.termsText() }
        : { terms: terms.slice(termsFrom).join(' '), termsFrom }),
    };
  }

  private indexOf(id: string): number | undefined {
    this.idsBuilt ??= idTable(this.articles);
    return lookUpId(this.idsBuilt, this.articles, id);
  }

  /** A hash of the index's terms in order (see `PostingIndex.termsHash`). */
  termsHash(): number {
    return this.index.termsHash();
  }

  /**
   * The binary index (see `PostingIndex.encode`), for handing an engine built elsewhere across
   * threads; `withTerms` false leaves the terms to `handOver().terms`.
   */
  indexBytes(withTerms = true): Uint8Array {
    return this.index.encode(withTerms);
  }

  /** Drops memoised answers and term expansions, so a benchmark measures the work a new query costs. */
  forgetAnswers(): void {
    if (this.answering) {
      this.answering.forgetAnswers();
      return;
    }
    this.rankCache.clear();
    this.listCache.clear();
    this.scorerBuilt?.forget();
  }

  get size(): number {
    return (this.answering ?? this).articles.length;
  }

  article(id: string): Article | undefined {
    if (this.answering) return this.answering.article(id);
    this.idsAsked = true;
    const i = this.indexOf(id);
    return i === undefined ? undefined : this.articles[i];
  }

  /** Articles by relevance: all query words first (AND), then articles matching only some. */
  search(raw: string, options: QueryOptions = {}): SearchPage {
    if (this.answering) return this.answering.search(raw, options);
    const { offset = 0, limit = 10, language, complete = false } = options;
    const ranking = options.exhaustive
      ? this.ranked(nfc(raw), language, complete)
      : this.bestRanked(nfc(raw), language, offset + limit, complete);
    const hits = ranking
      .top(offset + limit)
      .slice(offset)
      .map((entry) => this.hitAt(ranking, entry));
    return {
      hits,
      total: ranking.size,
      offset,
      unmatched: [...ranking.unmatched],
      nothingToSearch: ranking.nothingToSearch,
    };
  }

  /**
   * Newest first. No text: the whole archive. A topic name or alias: that topic's articles. Any
   * other text: the articles that clearly match it (every word, and a good score), by date.
   */
  latest(raw = '', options: QueryOptions = {}): LatestPage {
    if (this.answering) return this.answering.latest(raw, options);
    const text = nfc(raw);
    return this.pageOf(text, this.matchingIndexes(text, options.language), options);
  }

  /** A briefing: the matching articles newest first, their date range and recurring themes. */
  brief(raw: string, options: QueryOptions = {}): Briefing {
    if (this.answering) return this.answering.brief(raw, options);
    const text = nfc(raw);
    const match = this.matchingIndexes(text, options.language);
    const page = this.pageOf(text, match, options);
    const { list } = match;
    const oldest = list[list.length - 1];
    const newest = list[0];
    const range =
      oldest !== undefined && newest !== undefined
        ? { from: this.articles[oldest] as Article, to: this.articles[newest] as Article }
        : undefined;
    return { ...page, range, themes: this.themesOf(list, page) };
  }

  /** One page of the articles a text matches, newest first, as `latest` and `brief` show it. */
  private pageOf(
    text: string,
    { mode, topic, list }: ReturnType<Engine['matchingIndexes']>,
    options: QueryOptions,
  ): LatestPage {
    const { offset = 0, limit = 10 } = options;
    const hits = Array.from(list.subarray(offset, offset + limit), (i) =>
      this.hitOf(i, mode === 'query' ? text : '', options.language),
    );
    const ranking = mode === 'query' ? this.ranked(text.trim(), options.language) : undefined;
    return {
      hits,
      total: list.length,
      offset: options.offset ?? 0,
      mode,
      topic,
      unmatched: ranking ? [...ranking.unmatched] : [],
      nothingToSearch: ranking?.nothingToSearch ?? false,
    };
  }

  /** Every article matching a topic or text, newest first (for digests and alerts). */
  matching(text: string, language?: TextLanguage): Article[] {
    if (this.answering) return this.answering.matching(text, language);
    return Array.from(this.matchingIndexes(nfc(text), language).list, (i) => this.articles[i] as Article);
  }

  resolveTopic(text: string): TopicStat | undefined {
    if (this.answering) return this.answering.resolveTopic(text);
    return this.topicsOwn.resolve(nfc(text));
  }

  topics(): TopicStat[] {
    if (this.answering) return this.answering.topics();
    return this.topicsOwn.stats();
  }

  /** How many stories `latest <topic>` finds for a topic (a story in both languages once). */
  topicStories(id: string, language?: TextLanguage): number {
    if (this.answering) return this.answering.topicStories(id, language);
    return this.topicsOwn.stories(id, detectLanguage(id) ?? language ?? 'en');
  }

  /** The topic a misspelt topic name surely means ("hondras" → Honduras), if any. */
  correctTopic(raw: string): TopicStat | undefined {
    if (this.answering) return this.answering.correctTopic(raw);
    const text = nfc(raw);
    return this.topicsOwn.resolve(text) ? undefined : this.topicsOwn.corrected(text);
  }

  /** Topics near an unknown or misspelt name, for "did you mean". */
  nearestTopics(raw: string, limit = 3): TopicStat[] {
    if (this.answering) return this.answering.nearestTopics(raw, limit);
    const text = nfc(raw);
    const near = this.topicsOwn.nearest(text, limit);
    if (near.length >= limit) return near;
    // Fall back to the topics of whatever the text finds, typo tolerance included.
    const seen = new Set(near.map((t) => t.id));
    const ranking = this.ranked(text);
    for (const entry of ranking.top(5)) {
      for (const id of (this.articles[ranking.articles[entry] as number] as Article).topics) {
        const t = this.topicsOwn.get(id);
        if (t && !seen.has(id) && t.kind !== 'theme') {
          seen.add(id);
          near.push(t);
        }
      }
    }
    return near.slice(0, limit);
  }

  /**
   * Autocomplete: topics whose names start with the prefix (named in `language`), then article
   * titles containing it.
   */
  suggest(raw: string, limit = 25, language?: string): Completion[] {
    if (this.answering) return this.answering.suggest(raw, limit, language);
    const prefix = nfc(raw);
    const out: Completion[] = this.topicsOwn
      .withPrefix(prefix, limit)
      .map((t) => ({ label: `${topicName(t, language)} (${t.count})`, value: t.id, kind: 'topic' }));
    const p = words(prefix).join(' ');
    if (!p || out.length >= limit) return out;
    this.foldedTitles ??= foldTitles(this.articles, this.newest);
    for (const k of titlesWith(this.foldedTitles, p, limit - out.length)) {
      const a = this.articles[this.newest[k] as number] as Article;
      out.push({ label: a.title, value: a.id, kind: 'article' });
    }
    return out;
  }

  private matchingIndexes(
    text: string,
    language?: TextLanguage,
  ): { mode: LatestPage['mode']; topic?: TopicStat; list: Uint32Array } {
    const trimmed = text.trim();
    const preferred = detectLanguage(trimmed) ?? language ?? 'en';
    if (!trimmed) return { mode: 'all', list: this.topicList('all', preferred) };
    const topic = this.topicsOwn.resolve(trimmed);
    if (topic) {
      return {
        mode: 'topic',
        topic,
        list: this.topicList(topic.id, preferred),
      };
    }
    const key = `q:${preferred}:${language ?? ''}:${trimmed}`;
    let list = this.listCache.get(key);
    if (!list) {
      const relevant = this.ranked(trimmed, language).strictAbove(RELEVANT_SHARE);
      list = this.inDateOrder(relevant);
      this.listCache.set(key, list);
    }
    return { mode: 'query', list };
  }

  private topicList(name: string, language: TextLanguage): Uint32Array {
    if (name !== 'all' && !this.topicsOwn.get(name)) return NO_ARTICLES;
    const key = `${name}:${language}`;
    let list = this.topicLists.get(key);
    if (!list) {
      const all = name === 'all' ? this.newest : this.topicsOwn.articlesOf(name);
      const en = this.topicLists.get(`${name}:en`) ?? this.withoutTwins(all, 'en');
      const es = this.topicLists.get(`${name}:es`) ?? this.withoutTwins(all, 'es');
      // One array when both languages agree, as most topics without twins do.
      this.topicLists.set(`${name}:en`, en);
      this.topicLists.set(`${name}:es`, sameOrder(es, en) ? en : es);
      list = this.topicLists.get(key) as Uint32Array;
    }
    return list;
  }

  /** Drops the twin in the other language wherever both are present. */
  private withoutTwins(list: Uint32Array, preferred: TextLanguage): Uint32Array {
    for (const i of list) this.marks[i] = 1;
    const out = list.filter((i) => this.shownBeside(i, preferred, (twin) => this.marks[twin] === 1));
    for (const i of list) this.marks[i] = 0;
    return out;
  }

  /** Whether a list shows an article: yes unless its twin is listed too and preferred in the language. */
  private shownBeside(i: number, language: TextLanguage, twinListed: (twin: number) => boolean): boolean {
    const twin = this.twin[i] as number;
    return twin < 0 || !twinListed(twin) || this.preferIndex(i, twin, language);
  }

  /** Articles in newest-first order, by marking them and walking the date order once. */
  private inDateOrder(articles: readonly number[]): Uint32Array {
    for (const i of articles) this.marks[i] = 1;
    const out = new Uint32Array(articles.length);
    let k = 0;
    for (const i of this.newest) if (this.marks[i]) out[k++] = i;
    for (const i of articles) this.marks[i] = 0;
    return k === out.length ? out : out.slice(0, k);
  }

  private preferIndex(a: number, b: number, language: TextLanguage): boolean {
    const articleA = this.articles[a] as Article;
    return this.prefer(articleA, this.articles[b] as Article, language) === articleA;
  }

  private prefer(a: Article, b: Article, language: TextLanguage): Article {
    if (a.language === language) return a;
    if (b.language === language) return b;
    return a.language === 'en' ? a : b;
  }

  private hitOf(i: number, query: string, language?: TextLanguage): Hit {
    const article = this.articles[i] as Article;
    if (query) {
      const ranking = this.ranked(query, language);
      const entry = ranking.entryOf(i);
      if (entry >= 0) return this.hitAt(ranking, entry);
    }
    return { article, score: 0, strict: true, terms: [] };
  }

  private hitAt(ranking: Ranking, entry: number): Hit {
    const doc = ranking.docs[entry] as number;
    const article = this.docArticle[doc] as number;
    return {
      article: this.articles[ranking.articles[entry] as number] as Article,
      score: ranking.scores[entry] as number,
      strict: ranking.strict[entry] === 1,
      passage: doc < this.articles.length ? undefined : doc - (this.passageStart[article] as number),
      terms: ranking.termsOf(entry),
    };
  }

  /**
   * The best `k` matches for a query, as `ranked` orders them, with the exact total: top-k
   * pruning skips documents that cannot make the page (see `Scorer.topK`). Falls back to the full
   * ranking when fewer than k articles hold every word, or when the lists are short (the scorer
   * then ranks them in full at once). Cached like `ranked`.
   */
  private bestRanked(
    query: string,
    language: TextLanguage | undefined,
    k: number,
    complete = false,
  ): Ranking {
    const detected = detectLanguage(query);
    const key = rankKey(query, detected, language, complete);
    const full = this.rankCache.get(key);
    if (full) return full;
    const topKey = `${key}\u0000${k}`;
    const cached = this.rankCache.get(topKey);
    if (cached) return cached;
    const preferred = detected ?? language ?? 'en';
    const { groups, typed, nothingToSearch } = this.queryGroups(query, detected ?? language, complete);
    const ranking = this.scorer.topK(groups, k, (a, b) => this.preferIndex(a, b, preferred), this.pruneFrom);
    if (!ranking) return this.ranked(query, language, complete);
    ranking.unmatched = ranking.missing.map((g) => typed[g] as string);
    ranking.nothingToSearch = nothingToSearch;
    // Short lists are ranked in full: that ranking serves every page and `ranked` too.
    this.rankCache.set(ranking.partial ? topKey : key, ranking);
    return ranking;
  }

  /** Every match for a query, all words before some, twins merged into the asker's language. Cached. */
  private ranked(query: string, language?: TextLanguage, complete = false): Ranking {
    const detected = detectLanguage(query);
    const key = rankKey(query, detected, language, complete);
    const cached = this.rankCache.get(key);
    if (cached) return cached;
    const preferred = detected ?? language ?? 'en';
    const { groups, typed, nothingToSearch } = this.queryGroups(query, detected ?? language, complete);
    const ranking = this.scorer.rank(groups, (a, b) => this.preferIndex(a, b, preferred));
    ranking.unmatched = ranking.missing.map((g) => typed[g] as string);
    ranking.nothingToSearch = nothingToSearch;
    this.rankCache.set(key, ranking);
    return ranking;
  }

  /**
   * The words worth searching, each with its index terms. Question and filler words ("what
   * happened", "qué pasó", "according to") are dropped unless they are part of a topic name;
   * stopwords too, unless nothing else is left and no filler was asked ("ni una menos" still
   * searches, "what happened" does not). `typed` is each group's word as the user wrote it. The
   * last word is a prefix while it may be unfinished: as typed, or sent whole (`complete`) but not
   * held by the archive.
   */
  private queryGroups(
    query: string,
    language: TextLanguage | undefined,
    complete = false,
  ): { groups: QueryGroup[]; typed: string[]; nothingToSearch: boolean } {
    const tokens = words(query).slice(0, MAX_QUERY_WORDS * 2);
    const asTyped = typedWords(query);
    const display = asTyped.length === words(query).length ? asTyped : tokens;
    const stems = tokens.map((w) => stem(w, 'en'));
    const topicsAt = new Map<number, string[]>();
    for (const { topic, from, to } of this.matcher.spans(stems, true)) {
      for (let i = from; i < to; i++) topicsAt.set(i, [...(topicsAt.get(i) ?? []), topic]);
    }
    const isStop = (w: string) => isStopword(w, 'en') || (language === 'es' && isStopword(w, 'es'));
    const all = tokens.map((w, i) => ({ w, i }));
    const plain = all.filter(({ w, i }) => !isFiller(w) || topicsAt.has(i));
    let kept = plain.filter(({ w, i }) => !isStop(w) || topicsAt.has(i));
    if (kept.length === 0 && plain.length === all.length) kept = all;
    kept = kept.slice(0, MAX_QUERY_WORDS);
    const asYouType = !/\s$/.test(query);
    const groups = kept.map(({ w, i }, k) => {
      const terms = new Set([stems[i] as string]);
      if (language === 'es') terms.add(stem(w, 'es'));
      const numeric = /^\d+$/.test(w);
      const prefix =
        asYouType &&
        k === kept.length - 1 &&
        w.length >= 3 &&
        !numeric &&
        !(complete && [...terms].some((t) => this.scorer.holds(t)));
      // A half-typed word is matched as typed too: its stem ("revolutio" → "revolutio") may not prefix the index term.
      if (prefix) terms.add(w);
      return {
        terms: [...terms],
        topics: topicsAt.get(i) ?? [],
        fuzzy: numeric || w.length < 5 ? 0 : w.length < 8 ? 1 : 2,
        prefix,
        typed: w,
      };
    });
    return {
      groups,
      typed: kept.map(({ i }) => display[i] as string),
      nothingToSearch: tokens.length > 0 && kept.length === 0,
    };
  }

  private topicNumbers(): { start: Uint32Array; numbers: Uint16Array } {
    if (this.topicNumbering) return this.topicNumbering;
    const topicNumber = new Map(this.topicIds.map((id, n) => [id, n]));
    const start = new Uint32Array(this.articles.length + 1);
    const numbers: number[] = [];
    this.articles.forEach((a, i) => {
      for (const id of a.topics) {
        const n = topicNumber.get(id);
        if (n !== undefined) numbers.push(n);
      }
      start[i + 1] = numbers.length;
    });
    this.topicNumbering = { start, numbers: Uint16Array.from(numbers) };
    return this.topicNumbering;
  }

  /**
   * A topic's themes are counted over every article of it, which at a million articles is tens of
   * milliseconds for the largest topics (scattered reads): they are kept with the topic's list,
   * made on its first briefing, as the list itself is. A text query's are counted each time.
   */
  private themesOf(list: Uint32Array, page: LatestPage): TopicStat[] {
    if (page.mode === 'query') return this.themes(list, page.topic);
    let themes = this.listThemes.get(list);
    if (!themes) {
      themes = this.themes(list, page.topic);
      this.listThemes.set(list, themes);
    }
    return [...themes];
  }

  private themes(list: Uint32Array, topic: TopicStat | undefined): TopicStat[] {
    const counts = new Uint32Array(this.topicIds.length);
    // First appearance breaks ties, as the order in which the themes were met.
    const first = new Uint32Array(this.topicIds.length);
    let seen = 0;
    const { start, numbers } = this.topicNumbers();
    for (const i of list) {
      for (let k = start[i] as number; k < (start[i + 1] as number); k++) {
        const n = numbers[k] as number;
        if (counts[n] === 0) first[n] = seen++;
        counts[n] = (counts[n] as number) + 1;
      }
    }
    const min = list.length >= 6 ? 2 : 1;
    const max = list.length >= 5 ? list.length * 0.9 : Number.POSITIVE_INFINITY;
    const weight: Record<string, number> = {
      person: 0,
      organisation: 1,
      movement: 1,
      theme: 1,
      place: 2,
      country: 3,
    };
    const found: { topic: TopicStat; n: number; first: number }[] = [];
    counts.forEach((n, k) => {
      const t = this.topicsOwn.get(this.topicIds[k] as string);
      if (t && t.id !== topic?.id && n >= min && n <= max)
        found.push({ topic: t, n, first: first[k] as number });
    });
    return found
      .sort(
        (a, b) => b.n - a.n || (weight[a.topic.kind] ?? 9) - (weight[b.topic.kind] ?? 9) || a.first - b.first,
      )
      .slice(0, 4)
      .map(({ topic: t }) => t);
  }
}

/** Bump when the date order, twins or topic members are worked out differently (see `derivedBytes`). */
const DERIVED_FORMAT = 1;

/** What `derivedBytes` holds. */
type Derived = Pick<HandOver, 'newest' | 'twin' | 'topics'>;

/** `derivedBytes` read back, as views of `bytes`; undefined when they do not fit `articles` articles and `topics` topics. */
function decodeDerived(bytes: Uint8Array, articles: number, topics: number): Derived | undefined {
  // Views need 4-byte alignment; a snapshot's sections have it.
  const words = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (words.byteLength < 20 || words.byteLength % 4 !== 0) return undefined;
  const all = new Uint32Array(words.buffer, words.byteOffset, words.byteLength / 4);
  const [format, newest, twin, starts, members] = all;
  if (format !== DERIVED_FORMAT || newest !== articles || twin !== articles || starts !== topics + 1)
    return undefined;
  if (5 + articles * 2 + starts + (members as number) !== all.length) return undefined;
  let at = 5;
  const take = <T>(View: new (b: ArrayBufferLike, o: number, n: number) => T, n: number): T => {
    const view = new View(all.buffer, all.byteOffset + at * 4, n);
    at += n;
    return view;
  };
  const derived = {
    newest: take(Uint32Array, articles),
    twin: take(Int32Array, articles),
    topics: { starts: take(Uint32Array, starts), members: take(Uint32Array, members as number) },
  };
  return derived.topics.starts[topics] === members ? derived : undefined;
}

/**
 * Article indexes, newest first, ties in listing order: a counting sort over the distinct dates
 * (a few thousand), not a comparison sort of every article, which took a large part of start-up.
 * Dates are looked up by their text, each distinct one parsed once: a date's number as a map key
 * is a boxed double, which cost a million articles half a second.
 */
function newestFirst(articles: readonly Article[]): Uint32Array {
  const n = articles.length;
  const keyOf = new Map<string, number>();
  for (const { publishedAt } of articles)
    if (!keyOf.has(publishedAt)) keyOf.set(publishedAt, dateSortKey(publishedAt));
  // Descending; an unreadable date (NaN) sorts last.
  const distinct = Float64Array.from(new Set(keyOf.values())).sort().reverse();
  if (distinct.length > 0 && Number.isNaN(distinct[0])) distinct.copyWithin(0, 1).fill(Number.NaN, -1);
  const bucketOfKey = new Map<number, number>();
  for (let b = 0; b < distinct.length; b++) bucketOfKey.set(distinct[b] as number, b);
  const bucketOf = new Map<string, number>();
  for (const [date, key] of keyOf) bucketOf.set(date, bucketOfKey.get(key) as number);
  const buckets = new Uint32Array(n);
  const starts = new Uint32Array(distinct.length + 1);
  for (let i = 0; i < n; i++) {
    const b = bucketOf.get((articles[i] as Article).publishedAt) as number;
    buckets[i] = b;
    starts[b + 1] = (starts[b + 1] as number) + 1;
  }
  for (let b = 0; b < distinct.length; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const b = buckets[i] as number;
    out[starts[b] as number] = i;
    starts[b] = (starts[b] as number) + 1;
  }
  return out;
}
