import { fold, squash } from '../text/normalize.ts';
import type { Passage } from '../types.ts';
import { ContentError } from './errors.ts';
import type { SourceFile } from './metadata.ts';

/** One article as found in a raw seed file, before metadata is attached. */
export interface RawItem {
  /** The title line, for shapes that have one. */
  title?: string;
  /** The teaser, or for a long article its opening summary. */
  text: string;
  passages: Passage[];
}

/** Paragraphs: blocks separated by lines that are empty or only whitespace. */
function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00A0]*\n/)
    .map((p) => p.replace(/^\s*\n|\n\s*$/g, '').trimEnd())
    .filter((p) => p.trim() !== '');
}

/** Squashed text without the empty "( )" a removed link leaves behind. */
const clean = (p: string) => squash(p.replace(/\s*\(\s*\)/g, ''));

const startsWithWords = (text: string, prefix: string) => squash(fold(text)).startsWith(squash(fold(prefix)));

function withoutDropped(paras: string[], drop: string[]): string[] {
  return paras.filter((p) => p.trim() !== '---' && !drop.some((d) => startsWithWords(p, d)));
}

/** Splits a listing of the given shape into its articles. Throws ContentError on a shape mismatch. */
export function parseListing(file: string, text: string, meta: SourceFile): RawItem[] {
  const paras = withoutDropped(paragraphs(text), meta.drop);
  switch (meta.shape) {
    case 'teasers':
      return paras.map((p) => ({ text: clean(p), passages: [] }));
    case 'titled-teasers':
      return parseTitled(file, paras);
    case 'long-article':
      return [parseLongArticle(file, paras)];
  }
}

function parseTitled(file: string, paras: string[]): RawItem[] {
  if (paras.length % 2 !== 0) {
    throw new ContentError(
      file,
      'shape',
      `titled-teasers needs title/teaser pairs but found ${paras.length} paragraphs; is a footer missing from "drop"?`,
    );
  }
  const items: RawItem[] = [];
  for (let i = 0; i < paras.length; i += 2) {
    const title = squash(paras[i] as string);
    if (title.length > 300) {
      throw new ContentError(file, `paragraph ${i + 1}`, 'expected a title line but found a long paragraph');
    }
    items.push({ title, text: clean(paras[i + 1] as string), passages: [] });
  }
  return items;
}

/** A short line with no closing punctuation, followed by prose: a section heading. */
function isHeading(p: string, next: string | undefined): boolean {
  const line = p.trim();
  return (
    !line.includes('\n') &&
    line.length <= 80 &&
    !/[.!?:;,"”)]$/.test(line) &&
    !line.startsWith('(') &&
    !isTableRow(line) &&
    next !== undefined &&
    !isTableRow(next) &&
    next.trim().length > 120
  );
}

/** Lines of figures: several short lines, or one line with column gaps. Kept readable as one line. */
function isTableRow(p: string): boolean {
  const lines = p.trim().split('\n');
  return (lines.length > 1 && lines.every((l) => l.trim().length <= 80)) || /\S\s{3,}\S/.test(p.trim());
}

function tableText(blocks: string[]): string {
  const rows = blocks.flatMap((b) => b.split('\n')).map((l) => l.trim().replace(/\s{2,}/g, ' | '));
  const [head, ...rest] = rows.filter(Boolean);
  return `${head}: ${rest.join('; ')}.`;
}

function parseLongArticle(file: string, paras: string[]): RawItem {
  const [titleBlock, teaserBlock, ...rest] = paras;
  if (!titleBlock || !teaserBlock)
    throw new ContentError(file, 'shape', 'a long article needs a title and a teaser');
  const title = squash(titleBlock);
  const teaser = squash(teaserBlock);
  // The teaser is printed twice (the second time with the date appended): keep it once.
  const teaserStart = teaser.slice(0, 60);
  const body = rest.filter((p) => !startsWithWords(p, teaserStart));

  const passages: Passage[] = [];
  let heading = title;
  let texts: string[] = [];
  let table: string[] = [];
  const flushTable = () => {
    if (table.length) texts.push(tableText(table));
    table = [];
  };
  const flushSection = () => {
    flushTable();
    if (texts.length) passages.push({ heading, text: texts.join('\n\n') });
    texts = [];
  };
  body.forEach((p, i) => {
    if (isHeading(p, body[i + 1])) {
      flushSection();
      heading = squash(p);
    } else if (isTableRow(p)) {
      table.push(p);
    } else {
      flushTable();
      texts.push(clean(p));
    }
  });
  flushSection();
  if (passages.length === 0)
    throw new ContentError(file, 'shape', 'a long article needs at least one section');
  return { title, text: teaser, passages };
}
