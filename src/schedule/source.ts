/**
 * The engine seen as a DigestSource. Reads the engine through a getter at every call, so a content
 * reload (`briefings.setEngine`) is picked up by the next digest without restarting anything.
 */
import { SUMMARY_LENGTH, toCard } from '../commands/cards.ts';
import type { Engine } from '../search/engine.ts';
import type { TopicStat } from '../search/topic-index.ts';
import type { DigestSource } from './digest.ts';

/** As many themes as a briefing names. */
const MAX_THEMES = 4;

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
    themes(topicOrQuery, language) {
      // A subscription on several topics ("general-strike,mexico"): each one's themes, weightiest
      // first, without the subscription's own topics; as many as one briefing names.
      const parts = topicOrQuery
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const own = new Set(parts);
      const found = new Map<string, TopicStat>();
      for (const part of parts) {
        const brief = current().brief(part, {
          limit: 1,
          ...(language === 'en' || language === 'es' ? { language } : {}),
        });
        if (brief.topic) own.add(brief.topic.id);
        for (const theme of brief.themes) if (!found.has(theme.id)) found.set(theme.id, theme);
      }
      return [...found.values()].filter((t) => !own.has(t.id)).slice(0, MAX_THEMES);
    },
  };
}
