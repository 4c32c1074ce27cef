/**
 * The records every part of the core shares, below everything else (the store included): the
 * article, built by `src/content`, indexed by `src/search`, turned into cards by `src/commands`;
 * where posts go; when a subscription posts.
 */

/** How a publication date is known: read on the page, derived (e.g. from a URL code), or guessed. */
export type DateSource = 'seen' | 'inferred' | 'estimate';
/** How precise `publishedAt` is; estimates are often only a month or a year. */
export type DatePrecision = 'day' | 'month' | 'year';
/** `article`: the article's own page; `listing`: the page it was listed on (no own URL known). */
export type UrlKind = 'article' | 'listing';

/** A section of a long article, searchable on its own so a hit can point at it. */
export interface Passage {
  heading: string;
  text: string;
}

export interface Article {
  /** Stable across restarts and re-imports; safe for URLs, deep links and callback data. */
  id: string;
  title: string;
  /** `seen`: the publisher's title; `derived`: a headline made from the teaser. */
  titleSource: 'seen' | 'derived';
  /** The teaser or opening: what a card shows when nothing more specific matched. */
  summary: string;
  /** The whole text (teaser for listing items, all sections for long articles). */
  body: string;
  passages: Passage[];
  url: string;
  urlKind: UrlKind;
  /** ISO 8601 at the precision known: `2006-10-31`, `2023-09` or `2022`. */
  publishedAt: string;
  datePrecision: DatePrecision;
  dateSource: DateSource;
  /** Why the date is what it is, for people correcting metadata. */
  dateNote?: string;
  /** BCP 47 primary tag: `en`, `es`. */
  language: string;
  /** Gazetteer topic ids, most salient first. */
  topics: string[];
  /** Publisher name. */
  source: string;
  /** The content file the article came from, relative to the content directory. */
  file: string;
  /** Id of the same story in another language. */
  twinOf?: string;
}

/** A place, person, organisation or movement people ask about, with the words that name it. */
export interface Topic {
  id: string;
  name: string;
  /** The name in Spanish where it differs ("Perú", "Huelgas"); `name` otherwise. */
  nameEs?: string;
  kind: 'country' | 'place' | 'person' | 'organisation' | 'movement' | 'theme';
  /** Other names, demonyms and spellings in English and Spanish (accents optional). */
  aliases: string[];
}

/** A topic's display name in an interface language: Spanish where the gazetteer has one. */
export function topicName(topic: Pick<Topic, 'name' | 'nameEs'>, language: string | undefined): string {
  return language === 'es' && topic.nameEs ? topic.nameEs : topic.name;
}

/**
 * A platform's name as registered (`telegram`, `discord`, `console`, ...). A string, not a union:
 * a new platform is added by registering it (see src/platform.ts), not by editing the core.
 */
export type PlatformName = string;

/** A place answers and scheduled posts can go: a Telegram chat or channel, a Discord channel. */
export interface ChatTarget {
  platform: PlatformName;
  /** Platform id of the chat or channel, as a string (Telegram ids exceed 2^53 only in theory). */
  chatId: string;
  title?: string;
}

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a subscription posts (parsed and stepped through in src/schedule/cadence.ts). */
export type Cadence =
  /** A digest every day at `time` (HH:MM, 24 h). */
  | { kind: 'daily'; time: string }
  /** A digest once a week. */
  | { kind: 'weekly'; day: Weekday; time: string }
  /** A digest at every match of a five-field cron expression. */
  | { kind: 'cron'; expression: string }
  /** A post as soon as matching articles are added, instead of digests. */
  | { kind: 'alerts' };
