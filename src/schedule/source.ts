/**
 * The engine seen as a DigestSource. Reads the engine through a getter at every call, so a content
 * reload (`briefings.setEngine`) is picked up by the next digest without restarting anything.
 */
import { SUMMARY_LENGTH, toCard } from '../commands/cards.ts';
import type { Engine } from '../search/engine.ts';
import type { DigestSource } from './digest.ts';

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
    themes: (topicOrQuery, language) =>
      current().brief(topicOrQuery, {
        limit: 1,
        ...(language === 'en' || language === 'es' ? { language } : {}),
      }).themes,
  };
}
