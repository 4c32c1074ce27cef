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
  const docs: IndexDoc[] = new Array(refs.length);
  articles.forEach((a, article) => {
    let analysed = memo.get(a);
    if (!analysed) {
      analysed = articleDocs(a);
      memo.set(a, analysed);
    }
    docs[article] = { ...(analysed[0] as AnalysedDocs[number]), id: article };
  });
  // Sections follow all articles, numbered article by article (see docRefs).
  refs.forEach((ref, id) => {
    if (ref.passage !== undefined)
      docs[id] = {
        ...((memo.get(articles[ref.article] as Article) as AnalysedDocs)[
          ref.passage + 1
        ] as AnalysedDocs[number]),
        id,
      };
  });
  return docs;
}
