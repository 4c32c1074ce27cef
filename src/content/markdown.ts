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

/**
 * Parses a Markdown article with YAML front matter (title, date, url, language, topics, …).
 * Throws ContentError naming the field that is missing or wrong.
 */
export function parseMarkdownArticle(file: string, source: string): MarkdownArticle {
  const match = FRONT_MATTER.exec(source);
  if (!match)
    throw new ContentError(file, 'front matter', 'must start with a --- block of YAML (title, date, …)');
  let data: unknown;
  try {
    data = parseYaml(match[1] as string);
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
