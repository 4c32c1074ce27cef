/**
 * What a user can ask for, whatever the front end. `parseCommand` turns typed text into one of
 * these; adapters that get structured input (Discord slash options, inline queries) build them
 * directly.
 */
export type Command =
  | { kind: 'latest'; topic: string }
  | { kind: 'search'; query: string }
  | { kind: 'brief'; topic: string }
  | { kind: 'topics' }
  | { kind: 'article'; id: string }
  | { kind: 'help' }
  /** `/start` (Telegram) with an optional deep-link payload naming an article. */
  | { kind: 'start'; payload: string }
  /** The next page of an earlier list, from `CardsReply.next`. */
  | { kind: 'more'; cursor: string }
  /** Channel subscriptions (see src/schedule); arguments are parsed there. */
  | { kind: 'subscribe'; args: string }
  | { kind: 'unsubscribe'; args: string }
  | { kind: 'subscriptions' }
  | { kind: 'unknown'; name: string };

export type CommandKind = Command['kind'];

/** Per-request facts about who asks and how much room the answer has. */
export interface RequestContext {
  /** The user's language (Telegram `language_code`, Discord `locale`, or a detected one): `es-MX`, `en`. */
  locale?: string;
  /** Items per page; default 5, at most 50. */
  limit?: number;
  /** Longest summary in characters; default 280. Summaries end on a sentence or word boundary. */
  summaryLength?: number;
}
