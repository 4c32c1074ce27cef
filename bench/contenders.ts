/**
 * The engines compared on the same corpus and queries: ours, MiniSearch with default options (what
 * a user of the library gets out of the box) and FlexSearch's default document index. Each answers
 * the same four kinds of request with article ids, so latency and quality compare like with like.
 */
import FlexSearch from 'flexsearch';
import MiniSearch from 'minisearch';
import { dateSortKey } from '../src/content/dates.ts';
import type { Content } from '../src/content/load.ts';
import { Engine } from '../src/search/engine.ts';
import type { TextLanguage } from '../src/text/language.ts';
import type { Article } from '../src/types.ts';

export interface Contender {
  readonly name: string;
  /** Best articles for a query, best first. */
  search(text: string, limit: number, language?: TextLanguage): string[];
  /** As-you-type: the last word may be unfinished (what inline mode sends on each keystroke). */
  prefix(text: string, limit: number, language?: TextLanguage): string[];
  /** `latest <topic>`: the topic's newest articles. */
  latest(topic: string, limit: number): string[];
  /** `brief <topic>`: newest articles (ours also finds the date range and recurring themes). */
  brief(topic: string, limit: number): string[];
  /** Size of what would be cached on disk, in bytes. */
  serializedBytes(): number;
  /** Forgets memoised answers, so each measured query does the real work. */
  forget(): void;
}

export type ContenderName = 'ours' | 'minisearch-default' | 'flexsearch-default';
export const CONTENDERS: ContenderName[] = ['ours', 'minisearch-default', 'flexsearch-default'];

/** Builds a contender over content (the caller times this). */
export function buildContender(name: ContenderName, content: Content): Contender {
  if (name === 'ours') return ours(Engine.build(content));
  if (name === 'minisearch-default') return miniSearchDefault(content.articles);
  return flexSearchDefault(content.articles);
}

/** Our engine, through the same calls the command layer makes. */
export function ours(engine: Engine): Contender {
  const ids = (hits: { article: Article }[]) => hits.map((h) => h.article.id);
  return {
    name: 'ours',
    // A search is sent whole, as a command is (its last word a prefix only when the archive lacks
    // it); as you type, the last word may be unfinished and is always a prefix too.
    search: (text, limit, language) => ids(engine.search(text, { limit, language, complete: true }).hits),
    prefix: (text, limit, language) => ids(engine.search(text, { limit, language }).hits),
    latest: (topic, limit) => ids(engine.latest(topic, { limit }).hits),
    brief: (topic, limit) => ids(engine.brief(topic, { limit }).hits),
    serializedBytes: () => engine.indexBytes().byteLength,
    forget: () => engine.forgetAnswers(),
  };
}

/** Newest first: what a library user does for "latest" (search, then sort every match by date). */
function byDate(articles: readonly Article[], matches: number[], limit: number): string[] {
  const key = (i: number) => dateSortKey((articles[i] as Article).publishedAt);
  return [...matches]
    .sort((a, b) => key(b) - key(a))
    .slice(0, limit)
    .map((i) => (articles[i] as Article).id);
}

function miniSearchDefault(articles: readonly Article[]): Contender {
  const index = new MiniSearch<{ id: number; title: string; text: string }>({ fields: ['title', 'text'] });
  index.addAll(articles.map((a, id) => ({ id, title: a.title, text: a.body })));
  const ids = (results: { id: number }[], limit: number) =>
    results.slice(0, limit).map((r) => (articles[r.id] as Article).id);
  const all = (text: string) => index.search(text).map((r) => r.id as number);
  return {
    name: 'minisearch-default',
    search: (text, limit) => ids(index.search(text) as { id: number }[], limit),
    // As-you-type with MiniSearch means turning on prefix search, as its documentation shows.
    prefix: (text, limit) => ids(index.search(text, { prefix: true }) as { id: number }[], limit),
    latest: (topic, limit) => byDate(articles, all(topic), limit),
    brief: (topic, limit) => byDate(articles, all(topic), limit),
    serializedBytes: () => Buffer.byteLength(JSON.stringify(index)),
    forget: () => {},
  };
}

type FlexResult = { field: string; result: number[] }[];

function flexSearchDefault(articles: readonly Article[]): Contender {
  const index = new FlexSearch.Document({ document: { id: 'id', index: ['title', 'text'] } });
  articles.forEach((a, id) => {
    index.add({ id, title: a.title, text: a.body });
  });
  const merged = (text: string, limit: number): number[] => {
    const seen = new Set<number>();
    for (const { result } of index.search(text, { limit }) as unknown as FlexResult) {
      for (const id of result) seen.add(id);
    }
    return [...seen];
  };
  const ids = (list: number[], limit: number) => list.slice(0, limit).map((i) => (articles[i] as Article).id);
  return {
    name: 'flexsearch-default',
    search: (text, limit) => ids(merged(text, limit), limit),
    prefix: (text, limit) => ids(merged(text, limit), limit),
    latest: (topic, limit) => byDate(articles, merged(topic, articles.length), limit),
    brief: (topic, limit) => byDate(articles, merged(topic, articles.length), limit),
    serializedBytes: () => {
      let bytes = 0;
      index.export((_key: string, data: string) => {
        bytes += Buffer.byteLength(data ?? '');
      });
      return bytes;
    },
    forget: () => {},
  };
}
