/**
 * Telegram's HTML parse mode, as strict as the real parser: only the documented tags, proper
 * nesting, only `&lt; &gt; &amp; &quot;` and numeric entities, a valid URL in every `<a href>`, and
 * every bare `<`, `>` or `&` refused. Returns the visible text and its entities (UTF-16 offsets), so
 * length limits are checked on what Telegram would count.
 */
import { badRequest } from './errors.ts';

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

const TAG_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  'tg-emoji': 'custom_emoji',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  name: string;
  offset: number;
  attrs: Record<string, string>;
}

function fail(reason: string, at: number): never {
  throw badRequest(`can't parse entities: ${reason} at byte offset ${at}`);
}

/** Parses `html` like Telegram does, or throws the 400 Telegram would answer. */
export function parseTelegramHtml(html: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i] as string;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) fail('Unexpected end of name token', i);
      const raw = html.slice(i + 1, end);
      if (raw.startsWith('/')) {
        const name = raw.slice(1).trim().toLowerCase();
        const top = stack.pop();
        if (!top) fail(`Unexpected end tag "${name}"`, i);
        if (top.name !== name) fail(`Can't find end tag corresponding to start tag "${top.name}"`, i);
        closeEntity(top, text.length, entities);
      } else {
        const open = parseStartTag(raw, i);
        checkNesting(open.name, stack, i);
        stack.push({ ...open, offset: text.length });
      }
      i = end + 1;
    } else if (c === '&') {
      const end = html.indexOf(';', i);
      const name = end < 0 ? '' : html.slice(i + 1, end);
      text += decodeEntity(name, i);
      i = end + 1;
    } else if (c === '>') {
      fail('Character ">" is reserved and must be escaped as "&gt;"', i);
    } else {
      text += c;
      i += 1;
    }
  }
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`, html.length);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

function decodeEntity(name: string, at: number): string {
  const named = NAMED_ENTITIES[name];
  if (named) return named;
  const numeric = /^#(\d{1,7})$/.exec(name) ?? /^#x([0-9a-fA-F]{1,6})$/.exec(name);
  if (numeric?.[1]) {
    const code = Number.parseInt(numeric[1], name.startsWith('#x') ? 16 : 10);
    if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff))
      return String.fromCodePoint(code);
  }
  return fail(`Unsupported HTML entity "&${name.slice(0, 20)}"`, at);
}

function parseStartTag(raw: string, at: number): Omit<Open, 'offset'> {
  const match = /^([a-zA-Z][a-zA-Z0-9-]*)(.*)$/s.exec(raw);
  if (!match?.[1]) fail('Empty tag name', at);
  const name = match[1].toLowerCase();
  if (!(name in TAG_TYPES)) fail(`Unsupported start tag "${name}"`, at);
  const attrs: Record<string, string> = {};
  let rest = (match[2] ?? '').trim();
  while (rest) {
    const attr = /^([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?\s*/.exec(rest);
    if (!attr?.[1]) fail('Expected equal sign in declaration of an attribute', at);
    const value = attr[2] ?? attr[3] ?? attr[4] ?? '';
    attrs[attr[1].toLowerCase()] = decodeAttribute(value, at);
    rest = rest.slice(attr[0].length);
  }
  if (name === 'a') {
    const href = attrs.href;
    if (href === undefined) fail('Tag "a" must have attribute "href"', at);
    if (!isValidUrl(href)) fail(`Wrong HTTP URL "${href.slice(0, 50)}"`, at);
  }
  if (name === 'span' && attrs.class !== 'tg-spoiler') fail('Tag "span" must have class "tg-spoiler"', at);
  if (name === 'tg-emoji' && !/^\d+$/.test(attrs['emoji-id'] ?? ''))
    fail('Tag "tg-emoji" must have "emoji-id"', at);
  return { name, attrs };
}

function decodeAttribute(value: string, at: number): string {
  return value.replace(/&([^;]*);|&/g, (_whole, name: string | undefined) =>
    name === undefined ? fail('Unescaped "&" in attribute', at) : decodeEntity(name, at),
  );
}

function checkNesting(name: string, stack: readonly Open[], at: number) {
  const top = stack[stack.length - 1];
  if (top && (top.name === 'code' || (top.name === 'pre' && name !== 'code'))) {
    fail(`Entity "${name}" can't be nested inside "${top.name}"`, at);
  }
  if (name === 'a' && stack.some((o) => o.name === 'a')) fail('Nested links are not allowed', at);
  if (name === 'blockquote' && stack.some((o) => o.name === 'blockquote'))
    fail('Nested blockquotes are not allowed', at);
}

function closeEntity(open: Open, end: number, entities: MessageEntity[]) {
  const length = end - open.offset;
  if (length === 0) return;
  const type =
    open.name === 'blockquote' && 'expandable' in open.attrs ? 'expandable_blockquote' : TAG_TYPES[open.name];
  entities.push({
    type: type ?? open.name,
    offset: open.offset,
    length,
    ...(open.name === 'a' ? { url: open.attrs.href } : {}),
    ...(open.name === 'code' && open.attrs.class?.startsWith('language-')
      ? { language: open.attrs.class.slice(9) }
      : {}),
  });
}

/** The URLs Telegram links: http(s) with a host, tg:// and mailto:, without whitespace. */
export function isValidUrl(url: string): boolean {
  if (!url || /\s/.test(url)) return false;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.hostname.length > 0;
    return parsed.protocol === 'tg:' || parsed.protocol === 'mailto:';
  } catch {
    return false;
  }
}
