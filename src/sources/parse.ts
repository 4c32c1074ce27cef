/**
 * RSS 2.0 (and RSS 1.0/RDF), Atom and JSON Feed → one neutral item shape. Parsing is feedsmith's;
 * this module only picks, per format, the fields an article needs.
 */
import { XMLValidator } from 'fast-xml-parser';
import { DetectError, MalformedError, parseFeed as parseAnyFeed } from 'feedsmith';

/** One entry of a feed, whatever the format. HTML fields are HTML; everything else is plain text. */
export interface FeedItem {
  guid?: string;
  link?: string;
  /** Plain text or HTML (see `titleIsHtml`). */
  title?: string;
  titleIsHtml: boolean;
  /** The teaser (RSS description, Atom summary, JSON Feed summary), as HTML. */
  summaryHtml?: string;
  /** The full text (content:encoded, Atom content, content_html), as HTML. */
  contentHtml?: string;
  /** The publication date as written in the feed (RFC 822 or ISO 8601). */
  date?: string;
  /** Language declared for this item. */
  language?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json' | 'rdf';
  title?: string;
  language?: string;
  items: FeedItem[];
}

/** The document is not a feed, or not a well-formed one. The message says which. */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
}

type Loose = Record<string, unknown>;

const str = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && 'value' in v) return str((v as Loose).value);
  return undefined;
};
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const arr = (v: unknown): Loose[] => (Array.isArray(v) ? (v as Loose[]) : []);
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An Atom text construct (`type` text, html or xhtml) as HTML. */
function atomHtml(v: unknown): string | undefined {
  const value = str(v);
  if (value === undefined) return undefined;
  const type = str(obj(v).type) ?? 'text';
  return type === 'text' ? escapeHtml(value) : value;
}

function rssItem(item: Loose): FeedItem {
  const guid = obj(item.guid);
  const guidValue = str(guid.value) ?? str(item.guid);
  const permalink = guid.isPermaLink !== false && guidValue && /^https?:\/\//i.test(guidValue);
  const dc = obj(item.dc);
  const atomLinks = arr(obj(item.atom).links);
  return {
    guid: guidValue,
    link:
      str(item.link) ??
      (permalink ? guidValue : undefined) ??
      str(atomLinks.find((l) => !l.rel || l.rel === 'alternate')?.href),
    title: str(item.title) ?? str(arr(dc.titles)[0]) ?? str(dc.title),
    titleIsHtml: true,
    summaryHtml: str(item.description),
    contentHtml: str(obj(item.content).encoded),
    date: str(item.pubDate) ?? str(arr(dc.dates)[0]) ?? str(dc.date),
    language: str(arr(dc.languages)[0]) ?? str(dc.language),
  };
}

function atomEntry(entry: Loose): FeedItem {
  const links = arr(entry.links);
  const alternate = links.find((l) => !l.rel || l.rel === 'alternate') ?? links[0];
  const title = obj(entry.title);
  return {
    guid: str(entry.id),
    link: str(alternate?.href),
    title: str(entry.title),
    titleIsHtml: str(title.type) === 'html' || str(title.type) === 'xhtml',
    summaryHtml: atomHtml(entry.summary),
    contentHtml: atomHtml(entry.content),
    date: str(entry.published) ?? str(entry.updated) ?? str(arr(obj(entry.dc).dates)[0]),
    language: str(obj(entry.xml).lang),
  };
}

function jsonItem(item: Loose): FeedItem {
  const text = str(item.content_text);
  return {
    guid: str(item.id),
    link: str(item.url) ?? str(item.external_url),
    title: str(item.title),
    titleIsHtml: false,
    summaryHtml: str(item.summary) ? escapeHtml(str(item.summary) as string) : undefined,
    contentHtml:
      str(item.content_html) ??
      (text
        ? text
            .split(/\n\s*\n/)
            .map((p) => `<p>${escapeHtml(p)}</p>`)
            .join('')
        : undefined),
    date: str(item.date_published) ?? str(item.date_modified),
    language: str(item.language),
  };
}

/** Parses a feed document. Throws FeedParseError naming what is wrong with it. */
export function parseFeed(text: string): ParsedFeed {
  if (!text.trim()) throw new FeedParseError('the answer is empty, not a feed');
  // The parser forgives unclosed tags by guessing; a feed that broken is reported instead of half-read.
  if (/^\uFEFF?\s*(<!doctype html|<html)/i.test(text))
    throw new FeedParseError('not a feed: an HTML page (is the URL the feed, not the site?)');
  if (/^\uFEFF?\s*</.test(text)) {
    const valid = XMLValidator.validate(text);
    if (valid !== true)
      throw new FeedParseError(
        `malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
      );
  }
  let parsed: ReturnType<typeof parseAnyFeed>;
  try {
    parsed = parseAnyFeed(text);
  } catch (error) {
    if (error instanceof MalformedError)
      throw new FeedParseError(`malformed feed (${error.message}); is the XML or JSON well-formed?`);
    if (error instanceof DetectError)
      throw new FeedParseError(
        /^\s*</.test(text)
          ? 'not a feed: neither RSS, Atom nor RDF (an HTML page, or malformed XML?)'
          : 'not a feed: neither XML nor a JSON Feed',
      );
    throw new FeedParseError(`unreadable feed (${(error as Error).message})`);
  }
  const feed = obj(parsed.feed);
  switch (parsed.format) {
    case 'rss':
    case 'rdf':
      return {
        format: parsed.format,
        title: str(feed.title),
        language: str(feed.language) ?? str(arr(obj(feed.dc).languages)[0]) ?? str(obj(feed.dc).language),
        items: arr(feed.items).map(rssItem),
      };
    case 'atom':
      return {
        format: 'atom',
        title: str(feed.title),
        language: str(obj(feed.xml).lang),
        items: arr(feed.entries).map(atomEntry),
      };
    case 'json':
      return {
        format: 'json',
        title: str(feed.title),
        language: str(feed.language),
        items: arr(feed.items).map(jsonItem),
      };
  }
  throw new FeedParseError('unknown feed format');
}
