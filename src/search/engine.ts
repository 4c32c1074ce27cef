import MiniSearch, { type Options, type Query } from 'minisearch';
import { dateSortKey } from '../content/dates.ts';
import type { Content } from '../content/load.ts';
import type { TopicMatcher } from '../content/topics.ts';
import { isStopword, stem, words } from '../text/analyze.ts';
import { detectLanguage, type TextLanguage } from '../text/language.ts';
import type { Article } from '../types.ts';
import { type DocRef, docRefs, INDEX_FIELDS, type IndexDoc, toIndexDoc } from './documents.ts';
import { Lru } from './lru.ts';
import { TopicIndex, type TopicStat } from './topic-index.ts';

/** Bump when analysis or documents change, so cached indexes from older code are not reused. */
export const INDEX_FORMAT = 4;

/** Queries longer than this many words are cut: nobody types more, and each word costs a lookup. */
const MAX_QUERY_WORDS = 12;
/** A free-text `latest`/`brief` keeps hits scoring at least this share of the best one. */
const RELEVANT_SHARE = 0.2;

const splitTerms = (text: string) => (text ? text.split(' ') : []);

/** Terms are analysed before they reach MiniSearch (per language), so it only splits and scores. */
const MINISEARCH_OPTIONS: Options<IndexDoc> = {
  fields: [...INDEX_FIELDS],
  storeFields: [],
  tokenize: splitTerms,
  processTerm: (term) => term,
  searchOptions: {
    tokenize: splitTerms,
    processTerm: (term) => term,
    boost: { title: 2, topics: 0.4, text: 1 },
    weights: { fuzzy: 0.35, prefix: 0.5 },
  },
};

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

export interface QueryOptions {
  offset?: number;
  limit?: number;
  /** The asker's language, for twin articles and for Spanish stemming of undetected queries. */
  language?: TextLanguage;
}

export interface LatestPage extends Page<Hit> {
  /** How the request was understood: everything, a gazetteer topic, or free text. */
  mode: 'all' | 'topic' | 'query';
  topic?: TopicStat;
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

interface QueryGroup {
  terms: string[];
  topics: string[];
  fuzzy: number;
  prefix: boolean;
}

/**
 * The query engine: a MiniSearch index over articles and long-article sections, plus date order
 * and topic lists. Knows nothing of commands or platforms; answers with articles and scores.
 */
export class Engine {
  readonly articles: readonly Article[];
  readonly topicIndex: TopicIndex;
  /** Content fingerprint and index format: changes whenever answers could change. */
  readonly version: string;
  private readonly index: MiniSearch<IndexDoc>;
  private readonly refs: DocRef[];
  private readonly byId: Map<string, number>;
  private readonly matcher: TopicMatcher;
  /** Article indexes, newest first (ties keep listing order, where earlier means newer). */
  private readonly newest: number[];
  private readonly rankCache = new Lru<string, Hit[]>(512);
  private readonly listCache = new Lru<string, number[]>(256);

  private constructor(content: Content, index: MiniSearch<IndexDoc>, refs: DocRef[]) {
    this.articles = content.articles;
    this.matcher = content.matcher;
    this.index = index;
    this.refs = refs;
    this.version = `${INDEX_FORMAT}-${content.fingerprint.slice(0, 16)}`;
    this.byId = new Map(content.articles.map((a, i) => [a.id, i]));
    const keys = content.articles.map((a) => dateSortKey(a.publishedAt));
    this.newest = content.articles
      .map((_, i) => i)
      .sort((a, b) => (keys[b] as number) - (keys[a] as number) || a - b);
    this.topicIndex = new TopicIndex(content.topics, content.articles, this.newest);
  }

  /** Indexes content from scratch. */
  static build(content: Content): Engine {
    const refs = docRefs(content.articles);
    const index = new MiniSearch<IndexDoc>(MINISEARCH_OPTIONS);
    index.addAll(refs.map((ref, id) => toIndexDoc(id, ref, content.articles)));
    return new Engine(content, index, refs);
  }

  /** Reuses an index serialized by `serialize()` for the same content. */
  static restore(content: Content, serialized: string): Engine {
    return new Engine(
      content,
      MiniSearch.loadJSON<IndexDoc>(serialized, MINISEARCH_OPTIONS),
      docRefs(content.articles),
    );
  }

  serialize(): string {
    return JSON.stringify(this.index);
  }

  /** Drops memoised answers, so a benchmark measures the work a new query costs. */
  forgetAnswers(): void {
    this.rankCache.clear();
    this.listCache.clear();
  }

  get size(): number {
    return this.articles.length;
  }

  article(id: string): Article | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.articles[i];
  }

  /** Articles by relevance: all query words first (AND), then articles matching only some. */
  search(query: string, options: QueryOptions = {}): Page<Hit> {
    return paginate(this.ranked(query, options.language), options);
  }

  /**
   * Newest first. No text: the whole archive. A topic name or alias: that topic's articles. Any
   * other text: the articles that clearly match it (every word, and a good score), by date.
   */
  latest(text = '', options: QueryOptions = {}): LatestPage {
    const { mode, topic, list } = this.matchingIndexes(text, options.language);
    const hits = paginate(list, options).hits.map((i) =>
      this.hitOf(i, mode === 'query' ? text : '', options.language),
    );
    return { hits, total: list.length, offset: options.offset ?? 0, mode, topic };
  }

  /** A briefing: the matching articles newest first, their date range and recurring themes. */
  brief(text: string, options: QueryOptions = {}): Briefing {
    const page = this.latest(text, options);
    const { list } = this.matchingIndexes(text, options.language);
    const oldest = list[list.length - 1];
    const newest = list[0];
    const range =
      oldest !== undefined && newest !== undefined
        ? { from: this.articles[oldest] as Article, to: this.articles[newest] as Article }
        : undefined;
    return { ...page, range, themes: this.themes(list, page.topic) };
  }

  /** Every article matching a topic or text, newest first (for digests and alerts). */
  matching(text: string, language?: TextLanguage): Article[] {
    return this.matchingIndexes(text, language).list.map((i) => this.articles[i] as Article);
  }

  resolveTopic(text: string): TopicStat | undefined {
    return this.topicIndex.resolve(text);
  }

  topics(): TopicStat[] {
    return this.topicIndex.stats();
  }

  /** The topic a misspelt topic name surely means ("hondras" → Honduras), if any. */
  correctTopic(text: string): TopicStat | undefined {
    return this.topicIndex.resolve(text) ? undefined : this.topicIndex.corrected(text);
  }

  /** Topics near an unknown or misspelt name, for "did you mean". */
  nearestTopics(text: string, limit = 3): TopicStat[] {
    const near = this.topicIndex.nearest(text, limit);
    if (near.length >= limit) return near;
    // Fall back to the topics of whatever the text finds, typo tolerance included.
    const seen = new Set(near.map((t) => t.id));
    for (const hit of this.ranked(text).slice(0, 5)) {
      for (const id of hit.article.topics) {
        const t = this.topicIndex.get(id);
        if (t && !seen.has(id) && t.kind !== 'theme') {
          seen.add(id);
          near.push(t);
        }
      }
    }
    return near.slice(0, limit);
  }

  /** Autocomplete: topics whose names start with the prefix, then article titles containing it. */
  suggest(prefix: string, limit = 25): Completion[] {
    const out: Completion[] = this.topicIndex
      .withPrefix(prefix, limit)
      .map((t) => ({ label: `${t.name} (${t.count})`, value: t.id, kind: 'topic' }));
    const p = words(prefix).join(' ');
    if (!p) return out;
    for (const i of this.newest) {
      if (out.length >= limit) break;
      const a = this.articles[i] as Article;
      const title = words(a.title).join(' ');
      if (title.startsWith(p) || title.includes(` ${p}`))
        out.push({ label: a.title, value: a.id, kind: 'article' });
    }
    return out;
  }

  private matchingIndexes(
    text: string,
    language?: TextLanguage,
  ): { mode: LatestPage['mode']; topic?: TopicStat; list: number[] } {
    const trimmed = text.trim();
    const preferred = detectLanguage(trimmed) ?? language ?? 'en';
    if (!trimmed) return { mode: 'all', list: this.withoutTwins('all', this.newest, preferred) };
    const topic = this.topicIndex.resolve(trimmed);
    if (topic) {
      return {
        mode: 'topic',
        topic,
        list: this.withoutTwins(`t:${topic.id}`, this.topicIndex.articlesOf(topic.id), preferred),
      };
    }
    const key = `q:${preferred}:${language ?? ''}:${trimmed}`;
    let list = this.listCache.get(key);
    if (!list) {
      const hits = this.ranked(trimmed, language).filter((h) => h.strict);
      const floor = (hits[0]?.score ?? 0) * RELEVANT_SHARE;
      const relevant = new Set(
        hits.filter((h) => h.score >= floor).map((h) => this.byId.get(h.article.id) as number),
      );
      list = this.newest.filter((i) => relevant.has(i));
      this.listCache.set(key, list);
    }
    return { mode: 'query', list };
  }

  /** Drops the twin in the other language wherever both are present. Cached per list and language. */
  private withoutTwins(name: string, list: readonly number[], preferred: TextLanguage): number[] {
    const key = `${name}:${preferred}`;
    const cached = this.listCache.get(key);
    if (cached) return cached;
    const present = new Set(list);
    const out = list.filter((i) => {
      const a = this.articles[i] as Article;
      const twin = a.twinOf === undefined ? undefined : this.byId.get(a.twinOf);
      return (
        twin === undefined ||
        !present.has(twin) ||
        this.prefer(a, this.articles[twin] as Article, preferred) === a
      );
    });
    this.listCache.set(key, out);
    return out;
  }

  private prefer(a: Article, b: Article, language: TextLanguage): Article {
    if (a.language === language) return a;
    if (b.language === language) return b;
    return a.language === 'en' ? a : b;
  }

  private hitOf(i: number, query: string, language?: TextLanguage): Hit {
    const article = this.articles[i] as Article;
    if (query) {
      const ranked = this.ranked(query, language).find((h) => h.article === article);
      if (ranked) return ranked;
    }
    return { article, score: 0, strict: true, terms: [] };
  }

  /** All hits for a query, best first, twins merged into the asker's language. Cached. */
  private ranked(query: string, language?: TextLanguage): Hit[] {
    const detected = detectLanguage(query);
    const key = `${detected ?? ''}:${language ?? ''}:${query}`;
    const cached = this.rankCache.get(key);
    if (cached) return cached;

    const groups = this.queryGroups(query, detected ?? language);
    let hits: Hit[] = [];
    if (groups.length > 0) {
      const strict = this.run(groups, 'AND');
      hits = this.collect(strict, true);
      if (groups.length > 1) {
        const seen = new Set(hits.map((h) => h.article.id));
        hits.push(...this.collect(this.run(groups, 'OR'), false).filter((h) => !seen.has(h.article.id)));
      }
      hits = this.mergeTwins(hits, detected ?? language ?? 'en');
    }
    this.rankCache.set(key, hits);
    return hits;
  }

  private queryGroups(query: string, language: TextLanguage | undefined): QueryGroup[] {
    const tokens = words(query).slice(0, MAX_QUERY_WORDS * 2);
    const stems = tokens.map((w) => stem(w, 'en'));
    const topicsAt = new Map<number, string[]>();
    for (const { topic, from, to } of this.matcher.spans(stems, true)) {
      for (let i = from; i < to; i++) topicsAt.set(i, [...(topicsAt.get(i) ?? []), topic]);
    }
    const isStop = (w: string) => isStopword(w, 'en') || (language === 'es' && isStopword(w, 'es'));
    let kept = tokens.map((w, i) => ({ w, i })).filter(({ w, i }) => !isStop(w) || topicsAt.has(i));
    if (kept.length === 0) kept = tokens.map((w, i) => ({ w, i }));
    kept = kept.slice(0, MAX_QUERY_WORDS);
    const asYouType = !/\s$/.test(query);
    return kept.map(({ w, i }, k) => {
      const terms = new Set([stems[i] as string]);
      if (language === 'es') terms.add(stem(w, 'es'));
      const numeric = /^\d+$/.test(w);
      const prefix = asYouType && k === kept.length - 1 && w.length >= 3 && !numeric;
      // A half-typed word is matched as typed too: its stem ("revolutio" → "revolutio") may not prefix the index term.
      if (prefix) terms.add(w);
      return {
        terms: [...terms],
        topics: topicsAt.get(i) ?? [],
        fuzzy: numeric || w.length < 5 ? 0 : w.length < 8 ? 1 : 2,
        prefix,
      };
    });
  }

  private run(groups: QueryGroup[], combineWith: 'AND' | 'OR') {
    const query: Query = {
      combineWith,
      queries: groups.map((g) => ({
        combineWith: 'OR',
        queries: [
          { queries: g.terms, fields: ['title', 'text'], fuzzy: g.fuzzy, prefix: g.prefix },
          ...(g.topics.length
            ? [{ queries: g.topics, fields: ['topics'], fuzzy: false, prefix: false }]
            : []),
        ],
      })),
    };
    return this.index.search(query);
  }

  /** Folds document hits into article hits: best document wins, remembering a matching section. */
  private collect(results: ReturnType<MiniSearch<IndexDoc>['search']>, strict: boolean): Hit[] {
    const byArticle = new Map<number, Hit>();
    for (const r of results) {
      const ref = this.refs[r.id as number];
      if (!ref) continue;
      const existing = byArticle.get(ref.article);
      if (existing && existing.score >= r.score) continue;
      byArticle.set(ref.article, {
        article: this.articles[ref.article] as Article,
        score: r.score,
        strict,
        passage: ref.passage,
        terms: r.terms,
      });
    }
    return [...byArticle.values()].sort((a, b) => b.score - a.score);
  }

  /** One entry per story: the twin in the asker's language takes the better score of the two. */
  private mergeTwins(hits: Hit[], language: TextLanguage): Hit[] {
    const byId = new Map(hits.map((h) => [h.article.id, h]));
    const out: Hit[] = [];
    const done = new Set<string>();
    for (const h of hits) {
      if (done.has(h.article.id)) continue;
      const twin = h.article.twinOf ? byId.get(h.article.twinOf) : undefined;
      if (!twin) {
        out.push(h);
        continue;
      }
      done.add(twin.article.id);
      const keep = this.prefer(h.article, twin.article, language) === h.article ? h : twin;
      out.push({ ...keep, score: Math.max(h.score, twin.score), strict: h.strict || twin.strict });
    }
    return out;
  }

  private themes(list: readonly number[], topic: TopicStat | undefined): TopicStat[] {
    const skip = new Set<string>(topic ? [topic.id] : []);
    const counts = new Map<string, number>();
    for (const i of list) {
      for (const id of (this.articles[i] as Article).topics) {
        if (!skip.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
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
    return [...counts.entries()]
      .filter(([, n]) => n >= min && n <= max)
      .map(([id, n]) => ({ topic: this.topicIndex.get(id) as TopicStat, n }))
      .filter(({ topic: t }) => t !== undefined)
      .sort((a, b) => b.n - a.n || (weight[a.topic.kind] ?? 9) - (weight[b.topic.kind] ?? 9))
      .slice(0, 4)
      .map(({ topic: t }) => t);
  }
}

function paginate<T>(list: readonly T[], { offset = 0, limit = 10 }: QueryOptions): Page<T> {
  return { hits: list.slice(offset, offset + limit), total: list.length, offset };
}
