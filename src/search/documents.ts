import { type Analysis, indexTerms } from '../text/analyze.ts';
import type { Article } from '../types.ts';

/** A text as it is indexed: itself (analysed there), or the analysis topic tagging already made of it. */
type Analysed = (text: string) => string | Analysis;
const asIs: Analysed = (text) => text;

/**
 * What MiniSearch indexes: one document per article (title + teaser, or the whole text for
 * listing items) and one per section of a long article, so a query can land on the section that
 * answers it. Fields hold pre-analysed terms joined by spaces; MiniSearch only splits them.
 */
export interface IndexDoc {
  /** Position in `docRefs`: small integers keep the index compact. */
  id: number;
  title: string;
  text: string;
  topics: string;
}

export interface DocRef {
  article: number;
  /** Section index for passage documents. */
  passage?: number;
}

export const INDEX_FIELDS = ['title', 'text', 'topics'] as const;

/**
 * How many sections an article has, without making its section objects: an article from the
 * start-up snapshot knows the count before its texts are decoded.
 */
export function passageCount(article: Article): number {
  return (article as { passageCount?: number }).passageCount ?? article.passages.length;
}

/** The documents for a list of articles, in a deterministic order (so a cached index matches). */
export function docRefs(articles: readonly Article[]): DocRef[] {
  const refs: DocRef[] = articles.map((_, article) => ({ article }));
  articles.forEach((a, article) => {
    for (let passage = 0; passage < passageCount(a); passage++) refs.push({ article, passage });
  });
  return refs;
}

export function toIndexDoc(id: number, ref: DocRef, articles: readonly Article[]): IndexDoc {
  const a = articles[ref.article] as Article;
  const doc = ref.passage === undefined ? articleDoc(a, asIs) : passageDoc(a, ref.passage, asIs);
  return { id, ...doc };
}

function articleDoc(a: Article, analysis: Analysed): AnalysedDocs[number] {
  return {
    title: indexTerms(analysis(a.title), a.language).join(' '),
    text: indexTerms(analysis(a.passages.length ? a.summary : a.body), a.language).join(' '),
    topics: a.topics.join(' '),
  };
}

function passageDoc(a: Article, passage: number, analysis: Analysed): AnalysedDocs[number] {
  const p = a.passages[passage] as Article['passages'][number];
  return {
    title: indexTerms(analysis(p.heading), a.language).join(' '),
    text: indexTerms(analysis(p.text), a.language).join(' '),
    topics: '',
  };
}

/** Analysed fields of an article's documents (the article, then its sections), without ids. */
export type AnalysedDocs = Omit<IndexDoc, 'id'>[];

/** An article's analysed documents (the article, then its sections), from `memo` when analysed before. */
function analysedDocs(
  articles: readonly Article[],
  article: number,
  memo?: WeakMap<Article, AnalysedDocs>,
): AnalysedDocs {
  const a = articles[article] as Article;
  let analysed = memo?.get(a);
  if (!analysed) {
    analysed = articleDocs(a);
    memo?.set(a, analysed);
  }
  return analysed;
}

/**
 * An article's documents (the article, then its sections), analysed through `analysis`: the
 * content reader hands over the analyses it tagged topics with, so no text is analysed twice.
 */
export function articleDocs(a: Article, analysis: Analysed = asIs): AnalysedDocs {
  return [articleDoc(a, analysis), ...a.passages.map((_, passage) => passageDoc(a, passage, analysis))];
}

/**
 * Every document of a list of articles, in `docRefs` order. With `memo`, an article analysed
 * before (the same object) is not analysed again: a reload re-indexes only what changed.
 */
export function indexDocs(
  articles: readonly Article[],
  refs: readonly DocRef[],
  memo?: WeakMap<Article, AnalysedDocs>,
): IndexDoc[] {
  if (!memo) return refs.map((ref, id) => toIndexDoc(id, ref, articles));
  return refs.map((ref, id) => ({
    ...(analysedDocs(articles, ref.article, memo)[(ref.passage ?? -1) + 1] as AnalysedDocs[number]),
    id,
  }));
}

/** First section document of each article, and the document count last (see `docRefs`). */
export function sectionStarts(articles: readonly Article[]): Uint32Array {
  const starts = new Uint32Array(articles.length + 1);
  let d = articles.length;
  for (let i = 0; i < articles.length; i++) {
    starts[i] = d;
    d += passageCount(articles[i] as Article);
  }
  starts[articles.length] = d;
  return starts;
}

/** What became of an earlier list's documents in a new one (see `PostingIndex.update`). */
export interface DocMoves {
  /** Per earlier document: its number now, or -1 (its article is gone or changed). */
  kept: Int32Array;
  /** The documents of articles that are new or changed, numbered as now, in order. */
  added: IndexDoc[];
  docCount: number;
}

/**
 * How the documents of `before` map onto `after`: an article that is the same object in both
 * keeps its documents, renumbered; the others are analysed (through `memo`). Undefined when the
 * kept articles are not in the same order (then the index is built afresh).
 */
export function docMoves(
  before: readonly Article[],
  after: readonly Article[],
  memo?: WeakMap<Article, AnalysedDocs>,
): DocMoves | undefined {
  const at = new Map<Article, number>();
  before.forEach((a, i) => {
    at.set(a, i);
  });
  const from = sectionStarts(before);
  const to = sectionStarts(after);
  const kept = new Int32Array(from[before.length] as number).fill(-1);
  const addedArticles: IndexDoc[] = [];
  const addedSections: IndexDoc[] = [];
  let last = -1;
  for (let i = 0; i < after.length; i++) {
    const j = at.get(after[i] as Article);
    if (j === undefined) {
      const [doc, ...sections] = analysedDocs(after, i, memo);
      addedArticles.push({ ...(doc as AnalysedDocs[number]), id: i });
      sections.forEach((s, p) => {
        addedSections.push({ ...s, id: (to[i] as number) + p });
      });
      continue;
    }
    if (j < last) return undefined;
    last = j;
    kept[j] = i;
    const sections = (from[j + 1] as number) - (from[j] as number);
    for (let p = 0; p < sections; p++) kept[(from[j] as number) + p] = (to[i] as number) + p;
  }
  return { kept, added: [...addedArticles, ...addedSections], docCount: to[after.length] as number };
}
