/**
 * What a scheduled post says. A digest or an alert is an ordinary CardsReply, so each platform
 * renders it with the renderer it already has for `/brief`, natively, within its limits.
 */
import type { Card, CardsReply } from '../commands/reply.ts';
import type { Article } from '../types.ts';

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
  /** The card shown for an article. */
  card(article: Article): Card;
  /** One line on a set of articles: count, date range, key themes. */
  overview(topicOrQuery: string, articles: readonly Article[]): string;
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
}

/** Builds the post for a digest, an alert, or (when nothing is new and the subscriber asked) the latest. */
export function buildScheduledPost(source: DigestSource, input: ScheduledPostInput): CardsReply {
  const shown = input.articles.slice(0, ITEMS_PER_POST);
  const more = input.articles.length - shown.length;
  const title =
    input.kind === 'alert'
      ? `New on ${input.topicLabel}`
      : input.kind === 'digest'
        ? `Briefing: ${input.topicLabel}`
        : `Latest on ${input.topicLabel} (nothing new since the last briefing)`;
  return {
    kind: 'cards',
    command: input.kind === 'latest' ? 'latest' : 'brief',
    query: input.topic,
    title,
    overview: source.overview(input.topic, input.articles),
    items: shown.map((a) => source.card(a)),
    offset: 0,
    total: input.articles.length,
    ...(more > 0
      ? { notice: `${more} more not shown here; ask for /latest ${input.topicLabel} to see them.` }
      : {}),
    ...(input.kind === 'alert' && input.mentionRoleId ? { mention: { roleId: input.mentionRoleId } } : {}),
  };
}
