/**
 * The engine seen as a DigestSource. Reads the engine through a getter at every call, so a content
 * reload (`briefings.setEngine`) is picked up by the next digest without restarting anything.
 */
import { SUMMARY_LENGTH, toCard } from '../commands/cards.ts';
import { dateLabel } from '../content/dates.ts';
import type { Engine } from '../search/engine.ts';
import { type Article, topicName } from '../types.ts';
import type { DigestSource } from './digest.ts';
import { subscriptionMessagesFor } from './messages.ts';

/** Topic names recurring across a post's articles, most frequent first. */
function themes(
  engine: Engine,
  topic: string,
  articles: readonly Article[],
  language: string | undefined,
  max = 3,
): string[] {
  const counts = new Map<string, number>();
  for (const a of articles)
    for (const id of a.topics) if (id !== topic) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([id]) => {
      const t = engine.topicIndex.get(id);
      return t && topicName(t, language);
    })
    .filter((n): n is string => n !== undefined)
    .slice(0, max);
}

/** Adapts the engine (whichever is current) to what the scheduler reads. */
export function engineDigestSource(current: () => Engine): DigestSource {
  return {
    articleIds: () => current().articles.map((a) => a.id),
    resolveTopic(text) {
      const topic = current().resolveTopic(text);
      return topic
        ? { id: topic.id, name: topic.name, ...(topic.nameEs ? { nameEs: topic.nameEs } : {}) }
        : undefined;
    },
    matching: (topicOrQuery, language) =>
      current().matching(topicOrQuery, language === 'en' || language === 'es' ? language : undefined),
    card: (article, language) => toCard(article, current().topicIndex, SUMMARY_LENGTH.default, language),
    overview(topic, articles, language) {
      const m = subscriptionMessagesFor(language === 'es' ? 'es' : 'en');
      const newest = articles[0];
      const oldest = articles.at(-1);
      const label = (a: Article) => dateLabel(a.publishedAt, a.dateSource, language);
      const count = m.articles(articles.length);
      const dates =
        newest && oldest
          ? newest === oldest
            ? ` (${label(newest)})`
            : `, ${label(oldest)} – ${label(newest)}`
          : '';
      const recurring = themes(current(), topic, articles, language);
      return `${count}${dates}.${recurring.length ? m.alsoAbout(recurring) : ''}`;
    },
  };
}
