/**
 * A DigestSource over a plain list of articles and topics, with no search index: topic match is
 * "the article is tagged with it". For tests and for trying schedules on a handful of articles.
 */
import type { Card } from '../reply.ts';
import { type Article, type Topic, topicName } from '../types.ts';
import type { DigestSource } from './digest.ts';

export interface FixedSource extends DigestSource {
  /** Replaces the article list, as a content reload would. */
  setArticles(articles: readonly Article[]): void;
}

/** Builds a source answering from `articles` (any order; answers come newest first). */
export function fixedDigestSource(articles: readonly Article[], topics: readonly Topic[]): FixedSource {
  let sorted: Article[] = [];
  const setArticles = (list: readonly Article[]) => {
    sorted = [...list].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.id.localeCompare(b.id));
  };
  setArticles(articles);
  const byName = (text: string) => {
    const key = text.trim().toLowerCase();
    return topics.find(
      (t) =>
        t.id === key ||
        t.name.toLowerCase() === key ||
        t.nameEs?.toLowerCase() === key ||
        t.aliases.includes(key),
    );
  };
  return {
    setArticles,
    articleIds: () => sorted.map((a) => a.id),
    resolveTopic(text) {
      const topic = byName(text);
      return topic
        ? { id: topic.id, name: topic.name, ...(topic.nameEs ? { nameEs: topic.nameEs } : {}) }
        : undefined;
    },
    matching(topicOrQuery, language) {
      const topic = byName(topicOrQuery);
      const words = topicOrQuery.toLowerCase().split(/\s+/);
      const list = sorted.filter((a) =>
        topic ? a.topics.includes(topic.id) : words.every((w) => a.title.toLowerCase().includes(w)),
      );
      if (!language) return list;
      // Both versions of a story matched: keep the one in the asked language.
      const ids = new Set(list.map((a) => a.id));
      return list.filter((a) => !(a.twinOf && ids.has(a.twinOf) && a.language !== language));
    },
    card(article, language): Card {
      return {
        id: article.id,
        title: article.title,
        summary: article.summary,
        url: article.url,
        urlKind: article.urlKind,
        publishedAt: article.publishedAt,
        datePrecision: article.datePrecision,
        dateSource: article.dateSource,
        dateLabel: article.publishedAt,
        language: article.language,
        topics: article.topics.map((id) => {
          const topic = topics.find((t) => t.id === id);
          return topic ? topicName(topic, language) : id;
        }),
        source: article.source,
      };
    },
    // No index to weigh themes: the topics most often tagged alongside, as a stand-in.
    themes(topicOrQuery) {
      const topic = byName(topicOrQuery);
      const counts = new Map<string, number>();
      for (const a of sorted)
        if (topic && a.topics.includes(topic.id))
          for (const id of a.topics) if (id !== topic.id) counts.set(id, (counts.get(id) ?? 0) + 1);
      return [...counts.entries()]
        .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
        .slice(0, 3)
        .flatMap(([id]) => topics.filter((t) => t.id === id));
    },
  };
}
