/**
 * A feed item → a Markdown article with front matter, in the format hand-written articles use
 * (see src/content/markdown.ts), so the loader, index, briefings and alerts treat both alike.
 * Rendering is deterministic: the same item renders to the same bytes, so "changed" is a hash.
 */
import { createHash } from 'node:crypto';
import { compile } from 'html-to-text';
import { stringify } from 'yaml';
import { detectLanguage } from '../text/language.ts';
import { squash } from '../text/normalize.ts';
import { headline, summarize, truncateWords } from '../text/summary.ts';
import { normalizeLink } from './link.ts';
import type { FeedItem } from './parse.ts';

/** Summary length in characters, the same as hand-written articles get from the loader. */
export const SUMMARY_CHARS = 400;
/** Longest body kept: far above an article, far below a runaway feed. */
const MAX_BODY_CHARS = 200_000;
const MAX_TITLE_CHARS = 300;

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
}));

// Compiled once: html-to-text builds its selector matcher per call otherwise (milliseconds each).
const convert = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'figure', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    ...HEADINGS,
  ],
});

/**
 * HTML → plain paragraphs separated by blank lines: entities decoded, tags, scripts, images and
 * link targets dropped, no hard wrapping. Lines that Markdown would read as syntax (a heading, a
 * quote, a list marker) are given back as the words they are.
 */
export function htmlToText(html: string): string {
  const text = convert(html);
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((para) =>
      para
        .split('\n')
        .map((line) => squash(line).replace(/^(?:#+\s+|>+\s*)+/, ''))
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean)
    .join('\n\n');
}

/** Text of something that may be HTML (titles); plain text comes back squashed. */
export function inlineText(value: string, isHtml: boolean): string {
  return squash(isHtml && /[<&]/.test(value) ? htmlToText(value).replace(/\n+/g, ' ') : value);
}

const OFFSET = /(?:([+-])(\d{2}):?(\d{2})|\b(Z|GMT|UT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT))\s*$/i;
const NAMED: Record<string, number> = {
  Z: 0,
  GMT: 0,
  UT: 0,
  UTC: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/**
 * The publication day as the publisher wrote it (an item stamped "Fri, 20 Nov 2026 22:00 -0600"
 * is from the 20th, though it was already the 21st in UTC). Undefined when absent, unreadable, or
 * more than a day in the future (a wrong clock is not a date to trust).
 */
export function feedDate(raw: string | undefined, now: number): string | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms) || ms > now + 86_400_000 || ms < Date.UTC(1990, 0, 1)) return undefined;
  // A bare date ("2026-11-20") is that day wherever the publisher is.
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw.trim())) return raw.trim();
  const m = OFFSET.exec(raw.trim());
  let offsetMinutes = 0;
  if (m?.[1]) offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  else if (m?.[4]) offsetMinutes = NAMED[m[4].toUpperCase()] ?? 0;
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

const hash = (text: string, length: number) =>
  createHash('sha256').update(text).digest('base64url').replace(/[-_]/g, '').slice(0, length);

/**
 * The article id of an item: the source id and a hash of its guid (or link, for items without one).
 * Deterministic, so an item re-imported after its state was lost keeps its id: the scheduler
 * decides "new" by id, and an id it has seen is never alerted twice.
 */
export function articleIdFor(sourceId: string, key: string): string {
  return `${sourceId}-${hash(key, 10)}`;
}

/** What identifies an item: its guid, else its normalised link. */
export function itemKey(item: FeedItem): string | undefined {
  if (item.guid) return `guid:${item.guid}`;
  const link = item.link && normalizeLink(item.link);
  return link ? `link:${link}` : undefined;
}

/** The first primary language subtag we can use ("en-US" → "en"), if the tag is sane. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

export interface RenderInput {
  id: string;
  item: FeedItem;
  /** The publisher's name, shown on every card. */
  sourceName: string;
  /** Topics the operator gave the source (gazetteer ids); the loader adds what the text mentions. */
  topics: string[];
  /** The source's forced language, if any. */
  language?: string;
  feedLanguage?: string;
  /** When the item was first seen: its date when the feed gives none. */
  firstSeenAt: string;
  now: number;
}

export interface RenderedArticle {
  text: string;
  hash: string;
  title: string;
  date: string;
  dateSource: 'seen' | 'estimate';
  language: string;
  url: string;
}

/** Why an item cannot become an article. */
export class ItemSkipped extends Error {
  override name = 'ItemSkipped';
}

/** Renders one item as a Markdown article file. Throws ItemSkipped when it cannot be one. */
export function renderArticle(input: RenderInput): RenderedArticle {
  const { item } = input;
  const url = item.link?.trim();
  if (!url || !normalizeLink(url)) throw new ItemSkipped('no http(s) link to the article');
  const summaryText = item.summaryHtml ? htmlToText(item.summaryHtml) : '';
  const contentText = item.contentHtml ? htmlToText(item.contentHtml) : '';
  let body = (contentText.length >= summaryText.length ? contentText : summaryText).slice(0, MAX_BODY_CHARS);
  const rawTitle = item.title ? inlineText(item.title, item.titleIsHtml) : '';
  if (!rawTitle && !body) throw new ItemSkipped('neither a title nor any text');

  const language =
    primaryLanguage(input.language) ??
    primaryLanguage(item.language) ??
    detectLanguage(`${rawTitle}. ${summaryText || body.slice(0, 2000)}`) ??
    primaryLanguage(input.feedLanguage) ??
    'en';
  // A teaser of only punctuation has no headline; its text is then the title.
  const title = truncateWords(rawTitle || headline(body, 90, language) || body, MAX_TITLE_CHARS);
  if (!title.trim()) throw new ItemSkipped('neither a title nor any text');
  if (!body) body = title;
  const summary = summarize(summaryText || body, SUMMARY_CHARS, language);
  const seen = feedDate(item.date, input.now);
  const date = seen ?? input.firstSeenAt.slice(0, 10);

  const front: Record<string, unknown> = {
    id: input.id,
    title,
    date,
    dateSource: seen ? 'seen' : 'estimate',
    url,
    language,
    source: input.sourceName,
    ...(input.topics.length ? { topics: input.topics } : {}),
    summary,
  };
  const yaml = stringify(front, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
  const text = `---\n${yaml}---\n\n${body}\n`;
  return {
    text,
    hash: hash(text, 16),
    title,
    date,
    dateSource: seen ? 'seen' : 'estimate',
    language,
    url,
  };
}

/** A file name for an article: its date, a few words of its title, and its id's hash. */
export function articleFileName(id: string, title: string, date: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const suffix = id.slice(id.lastIndexOf('-') + 1);
  return `${date}-${slug || 'article'}-${suffix}.md`;
}
