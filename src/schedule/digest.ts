/**
 * What a scheduled post says. A digest or an alert is an ordinary CardsReply, so each platform
 * renders it with the renderer it already has for `/brief`, natively, within its limits.
 */

import { messagesFor } from '../i18n/query.ts';
import { subscriptionMessagesFor } from '../i18n/subscriptions.ts';
import type { Card, CardsReply } from '../reply.ts';
import { languageOfLocale } from '../text/language.ts';
import { type Article, topicName } from '../types.ts';

/**
 * The part of the engine the scheduler reads. An interface of its own so the scheduler can be
 * tested with a handful of articles, and so the engine can be swapped (content reloads) under it.
 */
export interface DigestSource {
  /** Every article id in the current index, to notice additions. */
  articleIds(): string[];
  /** The topic a user typed, canonicalised; undefined when no topic by that name exists. */
  resolveTopic(text: string): { id: string; name: string; nameEs?: string } | undefined;
  /**
   * Every clearly relevant article for a topic id or a free query, newest first. With a
   * `language`, a story present in both languages appears once, in that language.
   */
  matching(topicOrQuery: string, language?: string): Article[];
  /** The card shown for an article, its topics and date named in `language` (English by default). */
  card(article: Article, language?: string): Card;
  /**
   * The key themes of a briefing on this topic or query, weightiest first: the same themes `/brief`
   * names, so a digest and a briefing agree.
   */
  themes(topicOrQuery: string, language?: string): { id: string; name: string; nameEs?: string }[];
}

/**
 * A subscription's label (its topics as typed, stored in English) in `language`: each topic in it
 * by its name in that language, a free query as typed.
 */
export function localLabel(source: DigestSource, label: string, language: string | undefined): string {
  if (language !== 'es') return label;
  return label
    .split(', ')
    .map((part) => {
      const topic = source.resolveTopic(part);
      return topic ? topicName(topic, language) : part;
    })
    .join(', ');
}

/** Most cards in one scheduled post: Discord allows 10 embeds a message. */
export const ITEMS_PER_POST = 10;

export interface ScheduledPostInput {
  kind: 'digest' | 'alert' | 'latest';
  topic: string;
  topicLabel: string;
  /** Newest first; only the first ITEMS_PER_POST become cards, the rest are counted. */
  articles: readonly Article[];
  /** Alerts only: a Discord role to ping. */
  mentionRoleId?: string;
  /** The subscription's language: the post's own words and topic names are in it (English without). */
  language?: string;
}

/**
 * Builds the post for a digest, an alert, or (when nothing is new and the subscriber asked) the
 * latest: a briefing reply like `/brief`'s (its overview line and its themes to follow), in the
 * subscription's language.
 */
export function buildScheduledPost(source: DigestSource, input: ScheduledPostInput): CardsReply {
  const shown = input.articles.slice(0, ITEMS_PER_POST);
  const more = input.articles.length - shown.length;
  const language = languageOfLocale(input.language);
  const m = subscriptionMessagesFor(language);
  const q = messagesFor(language);
  const themes = source.themes(input.topic, language);
  const newest = input.articles[0];
  const oldest = input.articles.at(-1);
  const date = (a: Article | undefined) => a && source.card(a, language).dateLabel;
  const label = localLabel(source, input.topicLabel, language);
  const title =
    input.kind === 'alert'
      ? m.alertTitle(label)
      : input.kind === 'digest'
        ? m.digestTitle(label)
        : m.latestTitle(label);
  return {
    kind: 'cards',
    command: input.kind === 'latest' ? 'latest' : 'brief',
    query: input.topic,
    title,
    overview: q.overview(
      input.articles.length,
      date(oldest),
      date(newest),
      themes.map((t) => topicName(t, language)),
    ),
    items: shown.map((a) => source.card(a, language)),
    offset: 0,
    total: input.articles.length,
    ...(more > 0 ? { notice: m.moreNotShown(more, label) } : {}),
    ...(themes.length > 0
      ? { suggestions: themes.map((t) => ({ label: topicName(t, language), command: `/brief ${t.id}` })) }
      : {}),
    ...(input.kind === 'alert' && input.mentionRoleId ? { mention: { roleId: input.mentionRoleId } } : {}),
  };
}
