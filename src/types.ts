/**
 * The article record every part of the core shares. Built by `src/content`, indexed by
 * `src/search`, turned into cards by `src/commands`.
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
