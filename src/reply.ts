/**
 * Platform-neutral answers. Every front end (console, Telegram, Discord, scheduled posts) renders
 * these and nothing else, so what an answer holds is decided once, here in the core.
 */
import type { DatePrecision, DateSource, Passage, UrlKind } from './types.ts';

/** One article as a list item: everything a renderer needs, already summarised and dated. */
export interface Card {
  id: string;
  title: string;
  /** One or two whole sentences, within the length the caller asked for. */
  summary: string;
  /** For a hit inside a long article: the best-matching passage's text (also used as summary). */
  snippet?: string;
  /** Heading of the matching section of a long article. */
  section?: string;
  url: string;
  urlKind: UrlKind;
  publishedAt: string;
  datePrecision: DatePrecision;
  dateSource: DateSource;
  /** Human date; estimates carry a "~": "31 Oct 2006", "~Sep 2023", "~2022". */
  dateLabel: string;
  language: string;
  /** Topic display names, most salient first. */
  topics: string[];
  source: string;
  /** Id of the same story in another language, when one exists. */
  twinId?: string;
}

/** A card with the full text, for `/article <id>`. */
export interface ArticleView extends Card {
  body: string;
  passages: Passage[];
}

/** A follow-up the user can run with one tap: a suggested topic, a "did you mean". */
export interface Suggestion {
  label: string;
  /** The command text that runs it, e.g. `/latest mexico`. */
  command: string;
}

export interface TopicCount {
  id: string;
  name: string;
  kind: string;
  /** Stories, as `/latest <topic>` counts them: a story published in both languages counts once. */
  count: number;
  /** Articles, each language version counted (when it differs from `count`, the reply has a note). */
  articles?: number;
}

export type ListCommand = 'latest' | 'search' | 'brief';

/** A list of articles: answers to `/latest`, `/search`, `/brief`. */
export interface CardsReply {
  kind: 'cards';
  command: ListCommand;
  /** What the user asked for, cleaned ('' for `/latest` with no topic). */
  query: string;
  /** Heading line, e.g. "Latest on Mexico". */
  title: string;
  /** Briefings only: one line with the count, the date range and the key themes. */
  overview?: string;
  items: Card[];
  /** Position of `items[0]` in the whole result list (0 on the first page). */
  offset: number;
  /** How many articles match in all. */
  total: number;
  /** Opaque cursor for the next page (at most 48 bytes of [A-Za-z0-9_.~-]); absent on the last page. */
  next?: string;
  /** A remark shown above the list, e.g. that the query was shortened. */
  notice?: string;
  /** Related topics to try next. */
  suggestions?: Suggestion[];
  /** Scheduled alerts only: a Discord role to ping, and no one else. */
  mention?: { roleId: string };
  /**
   * Words of the query that no article contains, even loosely (searches always; free-text
   * `latest`/`brief` when any). The notice then says so: "No article mentions “atenco”."
   */
  unmatched?: string[];
}

export interface ArticleReply {
  kind: 'article';
  title: string;
  article: ArticleView;
}

export interface TopicsReply {
  kind: 'topics';
  title: string;
  topics: TopicCount[];
  /** Says how counts are made, when a story in both languages makes them differ from articles. */
  note?: string;
}

export interface HelpReply {
  kind: 'help';
  title: string;
  intro: string;
  commands: { usage: string; description: string }[];
  examples: string[];
}

/** Anything that is not a result: bad input, nothing found, an expired page. Shown to the user. */
export interface NoticeReply {
  kind: 'notice';
  tone: 'info' | 'error';
  message: string;
  suggestions?: Suggestion[];
  /** Subscriptions listed in the message, each with buttons to pause or resume, post now and remove. */
  manage?: ManagedSubscription[];
  /** When a search found nothing: the words no article contains ([] when none, e.g. only filler). */
  unmatched?: string[];
}

/** One subscription under a `/subscriptions` list, as its buttons need it. */
export interface ManagedSubscription {
  id: number;
  label: string;
  paused: boolean;
}

export type Reply = CardsReply | ArticleReply | TopicsReply | HelpReply | NoticeReply;
