/**
 * Building blocks for Telegram's HTML parse mode that keep two promises by construction: every piece
 * of untrusted text is escaped, and the length Telegram will count (the visible text after entity
 * parsing, in UTF-16 code units) is known without re-parsing. Renderers compose `Fragment`s, never
 * raw strings, so a message can be cut by whole fragments and never mid-tag or mid-entity.
 */

/** A piece of valid Telegram HTML together with the length of its visible text. */
export interface Fragment {
  readonly html: string;
  /** Visible length in UTF-16 code units, as Telegram counts it against the 4096 limit. */
  readonly length: number;
}

/** Tags Telegram accepts without attributes that the renderers use. */
export type SimpleTag = 'b' | 'i' | 'u' | 's' | 'code' | 'blockquote';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes the four characters Telegram's HTML parser treats specially; safe in text and in attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/** Untrusted text as a fragment. Control characters other than newline and tab are dropped. */
export function text(value: string): Fragment {
  const clean = stripControl(value);
  return { html: escapeHtml(clean), length: clean.length };
}

/** Wraps fragments in a formatting tag; the visible length does not change. */
export function tag(name: SimpleTag, ...children: Fragment[]): Fragment {
  const inner = join(children);
  return { html: `<${name}>${inner.html}</${name}>`, length: inner.length };
}

/**
 * A link, or just the children when the URL is not one Telegram would accept (it refuses the whole
 * message over one bad `href`).
 */
export function link(url: string, ...children: Fragment[]): Fragment {
  const inner = join(children);
  if (!isLinkableUrl(url)) return inner;
  return { html: `<a href="${escapeHtml(url)}">${inner.html}</a>`, length: inner.length };
}

/** Concatenates fragments, optionally with a separator between them. */
export function join(parts: readonly Fragment[], separator = ''): Fragment {
  let html = '';
  let length = 0;
  parts.forEach((part, i) => {
    if (i > 0 && separator) {
      html += escapeHtml(separator);
      length += separator.length;
    }
    html += part.html;
    length += part.length;
  });
  return { html, length };
}

/** http(s) and tg:// URLs without whitespace or control characters, the ones Telegram links. */
export function isLinkableUrl(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (url.length === 0 || url.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (
      ['http:', 'https:', 'tg:'].includes(parsed.protocol) &&
      (parsed.protocol === 'tg:' || parsed.hostname !== '')
    );
  } catch {
    return false;
  }
}

const ELLIPSIS = '…';

/**
 * Shortens plain text to at most `max` UTF-16 units, cutting at the last word boundary and adding an
 * ellipsis. Cuts happen before escaping, so they can never split an entity, and never between the
 * halves of a surrogate pair. A single word longer than `max` is cut at a character boundary.
 */
export function shorten(value: string, max: number): string {
  const clean = stripControl(value);
  if (clean.length <= max) return clean;
  if (max <= ELLIPSIS.length) return safeSlice(clean, Math.max(0, max));
  const room = max - ELLIPSIS.length;
  const head = safeSlice(clean, room);
  const boundary = head.search(/\s+\S*$/);
  const cut = boundary > room / 3 ? head.slice(0, boundary) : head;
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}${ELLIPSIS}`;
}

/** Collapses runs of whitespace (including newlines) to one space: for one-line labels. */
export function oneLine(value: string): string {
  return stripControl(value).replace(/\s+/g, ' ').trim();
}

/** Slices to at most `max` UTF-16 units without leaving a lone high surrogate at the end. */
function safeSlice(value: string, max: number): string {
  const head = value.slice(0, max);
  const last = head.charCodeAt(head.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Drops characters Telegram refuses or mangles; replaces broken surrogate pairs. */
function stripControl(value: string): string {
  return (
    value
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffe\uffff]/g, '')
      .replace(LONE_SURROGATE, '\ufffd')
  );
}
