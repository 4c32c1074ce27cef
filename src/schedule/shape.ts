/**
 * What a subscription posts: the articles of its topics (one or several), in its language if it
 * has one (a story told in both languages comes in that one), mentioning one of its include words
 * if it has any and none of its exclude words. Words match whole, ignoring case and accents.
 */
import type { Subscription } from '../store/types.ts';
import { fold } from '../text/normalize.ts';
import type { Article } from '../types.ts';
import type { DigestSource } from './digest.ts';

/** The topic ids (or queries) a subscription follows. */
export function topicsOf(sub: Pick<Subscription, 'topic' | 'topics'>): string[] {
  return sub.topics && sub.topics.length > 0 ? sub.topics : [sub.topic];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A test for "the text mentions one of these words", on folded text. */
function mentionsAny(words: readonly string[]): ((text: string) => boolean) | undefined {
  if (words.length === 0) return undefined;
  const pattern = new RegExp(
    `(?:^|[^\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`,
    'u',
  );
  return (text) => pattern.test(text);
}

type Shape = Pick<Subscription, 'topic' | 'topics' | 'includeWords' | 'excludeWords' | 'language'>;

/** The articles of a subscription's topics in its language, newest first, before its words apply. */
export function topicArticles(source: DigestSource, sub: Shape): Article[] {
  const topics = topicsOf(sub);
  const language = sub.language;
  let list: Article[];
  if (topics.length === 1) list = source.matching(topics[0] as string, language);
  else {
    const byId = new Map<string, Article>();
    for (const t of topics) for (const a of source.matching(t, language)) byId.set(a.id, a);
    list = [...byId.values()].sort(
      (a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.id.localeCompare(b.id),
    );
    if (language) list = withoutTwins(list, language);
  }
  return language ? list.filter((a) => a.language === language) : list;
}

/**
 * Keeps the articles passing a subscription's include and exclude words. Reads whole texts, so the
 * scheduler applies it to the few unsent articles rather than to a topic's whole history.
 */
export function byWords(sub: Shape, list: Article[]): Article[] {
  const include = mentionsAny(sub.includeWords ?? []);
  const exclude = mentionsAny(sub.excludeWords ?? []);
  if (!include && !exclude) return list;
  return list.filter((a) => {
    const text = fold(`${a.title}\n${a.summary}\n${a.body}`);
    return (!include || include(text)) && !(exclude?.(text) ?? false);
  });
}

/** Every article a subscription would post, newest first, before "already sent" is considered. */
export function shapedArticles(source: DigestSource, sub: Shape): Article[] {
  return byWords(sub, topicArticles(source, sub));
}

/** Where both versions of a story are in the list (from two topics), keeps the one in `language`. */
function withoutTwins(list: Article[], language: string): Article[] {
  const ids = new Set(list.map((a) => a.id));
  return list.filter((a) => !(a.twinOf && ids.has(a.twinOf) && a.language !== language));
}
