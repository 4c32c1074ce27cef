import { words } from '../text/analyze.ts';
import type { Article } from '../types.ts';

/**
 * Article titles folded to their words (as `words` gives them, joined by spaces), in date order,
 * as one string: `\n` before each title, `starts[k]` where title k begins (`starts[n]` one past the
 * end). One string crosses threads as one copy, so the reload worker makes it; 100,000 strings
 * would be revived one by one, and folded on the serving thread they cost a pass of analysis.
 */
export interface FoldedTitles {
  text: string;
  starts: Uint32Array;
}

/** The folded titles of `articles` in the order of `order` (article numbers). */
export function foldTitles(articles: readonly Article[], order: ArrayLike<number>): FoldedTitles {
  const titles = new Array<string>(order.length);
  for (let k = 0; k < order.length; k++) titles[k] = foldedTitle(articles[order[k] as number] as Article);
  return joinTitles(titles);
}

/**
 * Each article's folded title, kept as long as the article: a reload worker folds again only the
 * titles of new or changed articles (the others are the same objects from load to load).
 */
const folded = new WeakMap<Article, string>();

export function foldedTitle(article: Article): string {
  let title = folded.get(article);
  if (title === undefined) {
    title = words(article.title).join(' ');
    folded.set(article, title);
  }
  return title;
}

export function joinTitles(titles: readonly string[]): FoldedTitles {
  const starts = new Uint32Array(titles.length + 1);
  let at = 1;
  for (let k = 0; k < titles.length; k++) {
    starts[k] = at;
    at += (titles[k] as string).length + 1;
  }
  starts[titles.length] = at;
  return { text: `\n${titles.join('\n')}`, starts };
}

/**
 * Positions (in the titles' order) of the titles that start with `prefix` (folded) or hold it at
 * the start of a later word, in order, at most `limit`.
 */
export function titlesWith({ text, starts }: FoldedTitles, prefix: string, limit: number): number[] {
  const out: number[] = [];
  if (!prefix || prefix.includes('\n')) return out;
  // One scan for both, in text order: a title's start follows its `\n`, a later word's a space.
  const at = new RegExp(`[\\n ]${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g');
  while (out.length < limit) {
    const found = at.exec(text);
    if (!found) break;
    const k = titleAt(starts, found.index + 1);
    out.push(k);
    // On to the next title: its `\n` is just before where it starts.
    at.lastIndex = (starts[k + 1] as number) - 1;
  }
  return out;
}

/** The title holding text position `at`: the last k with starts[k] <= at. */
function titleAt(starts: Uint32Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid;
  }
  return lo;
}
