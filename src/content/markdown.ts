import { parse as parseYaml } from 'yaml';
import { squash } from '../text/normalize.ts';
import type { Passage } from '../types.ts';
import { ContentError } from './errors.ts';
import { type FrontMatter, firstIssue, frontMatterSchema } from './metadata.ts';

export interface MarkdownArticle {
  meta: FrontMatter;
  /** Plain text of the body, paragraphs separated by blank lines. */
  text: string;
  /** `## Heading` sections, when the article has them. */
  passages: Passage[];
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** A link target in parentheses, which may itself hold one level of parentheses (`javascript:f(1)`). */
const TARGET = String.raw`\((?:[^()\n]|\([^()\n]*\))*\)`;
const IMAGE = new RegExp(String.raw`!\[[^\]]*\]${TARGET}`, 'g');
const LINK = new RegExp(String.raw`\[([^\]]+)\]${TARGET}`, 'g');

/** Markdown inline syntax to plain text: links keep their text (never their target), emphasis and code marks go. */
function plain(markdown: string): string {
  return squash(
    markdown
      .replace(IMAGE, '')
      .replace(LINK, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/(\*\*|__|\*|_|`|~~)(?=\S)([^\n]*?\S)\1/g, '$2')
      .replace(/^\s*(>+|[-*+]|\d+[.)])\s+/gm, ''),
  );
}

const KEY = /^([A-Za-z_][\w-]*):(?: +(.*))?$/;
/** Values YAML's core schema reads as something other than a string (numbers, booleans, null). */
const NOT_A_STRING =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$/;
/** A plain scalar that cannot mean anything but itself: no indicator first, no comment, no `: `. */
const PLAIN = /^[^-?:,[\]{}#&*!|>'"%@`\s](?:(?!: | #)[^\t])*$/;
const FLOW_ITEM = /^[A-Za-z0-9][\w-]*$/;

/**
 * Front matter written the simple way (`key: value` lines, JSON-style double quotes, `[a, b]` lists
 * of plain words) read without the YAML parser, which costs more than the rest of an article's
 * parsing; the same values YAML's core schema gives. Undefined for anything else (the caller then
 * uses the YAML parser).
 */
export function simpleFrontMatter(text: string): Record<string, unknown> | undefined {
  const data: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (trimmed === '') continue;
    const match = KEY.exec(trimmed);
    if (!match) return undefined;
    const [, key, raw] = match as unknown as [string, string, string | undefined];
    const value = raw?.trimEnd();
    if (!value || Object.hasOwn(data, key) || key === '__proto__') return undefined;
    if (value.startsWith('"')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (typeof parsed !== 'string') return undefined;
        data[key] = parsed;
      } catch {
        return undefined;
      }
    } else if (value.startsWith('[') && value.endsWith(']')) {
      const items = value
        .slice(1, -1)
        .split(',')
        .map((item) => item.trim());
      if (items.length === 1 && items[0] === '') data[key] = [];
      else if (items.every((item) => FLOW_ITEM.test(item) && !NOT_A_STRING.test(item))) data[key] = items;
      else return undefined;
    } else if (PLAIN.test(value) && !value.endsWith(':') && !NOT_A_STRING.test(value)) data[key] = value;
    else return undefined;
  }
  return data;
}

/**
 * Parses a Markdown article with YAML front matter (title, date, url, language, topics, …).
 * Throws ContentError naming the field that is missing or wrong.
 */
export function parseMarkdownArticle(file: string, source: string): MarkdownArticle {
  const match = FRONT_MATTER.exec(source);
  if (!match)
    throw new ContentError(file, 'front matter', 'must start with a --- block of YAML (title, date, …)');
  let data: unknown = simpleFrontMatter(match[1] as string);
  try {
    data ??= parseYaml(match[1] as string);
  } catch (error) {
    throw new ContentError(
      file,
      'front matter',
      `is not valid YAML (${(error as Error).message.split('\n')[0]})`,
    );
  }
  if (data === null || typeof data !== 'object') {
    throw new ContentError(file, 'front matter', 'must be a YAML mapping of fields');
  }
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const { field, reason } = firstIssue(parsed.error);
    throw new ContentError(file, field, reason);
  }

  const body = source.slice(match[0].length).replace(/\r\n?/g, '\n');
  const passages: Passage[] = [];
  const intro: string[] = [];
  let current: { heading: string; paras: string[] } | undefined;
  for (const block of body.split(/\n\s*\n/)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(block.trim());
    if (heading && !block.trim().includes('\n')) {
      if (current?.paras.length)
        passages.push({ heading: current.heading, text: current.paras.join('\n\n') });
      current = { heading: plain(heading[1] as string), paras: [] };
      continue;
    }
    const text = plain(block);
    if (!text) continue;
    (current ? current.paras : intro).push(text);
  }
  if (current?.paras.length) passages.push({ heading: current.heading, text: current.paras.join('\n\n') });

  const text = [...intro, ...passages.map((p) => p.text)].join('\n\n');
  if (!text && !parsed.data.summary)
    throw new ContentError(file, 'body', 'is empty; write at least a paragraph');
  return { meta: parsed.data, text, passages };
}
