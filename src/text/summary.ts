import { asciiSentences } from './ascii-sentences.ts';
import { isAscii, squash } from './normalize.ts';

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(language: string, granularity: 'sentence' | 'word'): Intl.Segmenter {
  const key = `${language}:${granularity}`;
  let s = segmenters.get(key);
  if (!s) {
    s = new Intl.Segmenter(language, { granularity });
    segmenters.set(key, s);
  }
  return s;
}

/** Sentences of a text, trimmed, by the Unicode sentence rules of its language, as they are found. */
function* eachSentence(text: string, language: string): Generator<string> {
  const clean = squash(text);
  for (const segment of isAscii(clean) ? asciiSentences(clean) : segments(clean, language)) {
    const s = segment.trim();
    if (s) yield s;
  }
}

function* segments(text: string, language: string): Generator<string> {
  for (const { segment } of segmenter(language, 'sentence').segment(text)) yield segment;
}

/** Sentences of a text, trimmed, by the Unicode sentence rules of its language. */
export function sentences(text: string, language = 'en'): string[] {
  return [...eachSentence(text, language)];
}

const ELLIPSIS = '…';

/**
 * Shortens text to at most `max` characters at a word boundary, adding "…". Never cuts a word;
 * a single word longer than `max` is the only thing ever cut, at a code point boundary.
 */
export function truncateWords(text: string, max: number): string {
  const clean = squash(text);
  if (clean.length <= max) return clean;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  const room = max - 1;
  let end = 0;
  for (const { index, segment, isWordLike } of segmenter('en', 'word').segment(clean)) {
    const stop = index + segment.length;
    if (stop > room) break;
    if (isWordLike || /\S/.test(segment)) end = stop;
  }
  if (end === 0)
    return (
      [...clean]
        .slice(0, room)
        .join('')
        .replace(/[\uD800-\uDBFF]$/, '') + ELLIPSIS
    );
  return clean.slice(0, end).replace(/[\s,;:\-–—(]+$/u, '') + ELLIPSIS;
}

/**
 * The first two sentences of a text (fewer if it has fewer), found in its start: an article's
 * body is often many times longer than a summary, and all of it was squashed before segmenting.
 * Sentences found in a start are those of the whole text when a later one there holds a letter:
 * the rules that place a sentence's end look ahead past spaces, digits and punctuation, up to a
 * letter. Otherwise (a sentence running to the end of that start) the whole text is segmented;
 * the start is long enough for a summary of `max` characters that this is rare.
 */
export function firstSentences(text: string, language: string, max: number): string[] {
  const cut = 4 * max + 256;
  if (text.length > cut) {
    const found: string[] = [];
    for (const s of eachSentence(text.slice(0, cut), language)) {
      if (found.length < 2) found.push(s);
      else if (/\p{L}/u.test(s)) return found;
    }
  }
  const found: string[] = [];
  for (const s of eachSentence(text, language)) if (found.push(s) === 2) break;
  return found;
}

/**
 * One or two whole sentences within `max` characters: as many leading sentences as fit (at most
 * two). If even the first is too long, it is cut at a word boundary with "…".
 */
export function summarize(text: string, max = 280, language = 'en'): string {
  const all = firstSentences(text, language, max);
  let out = '';
  for (const s of all) {
    const next = out ? `${out} ${s}` : s;
    if (next.length > max) break;
    out = next;
  }
  return out || truncateWords(all[0] ?? text, max);
}

/**
 * The sentence(s) of a passage that best match the query terms, for showing why a long article
 * matched. `matches(sentence)` scores a sentence; the best one is kept, with its neighbour when
 * there is room.
 */
export function bestSentences(
  text: string,
  score: (sentence: string) => number,
  max = 280,
  language = 'en',
): string {
  const all = sentences(text, language);
  let best = 0;
  let bestScore = -1;
  all.forEach((s, i) => {
    const sc = score(s);
    if (sc > bestScore) {
      best = i;
      bestScore = sc;
    }
  });
  const first = all[best] ?? '';
  if (first.length > max) return truncateWords(first, max);
  const second = all[best + 1];
  return second && first.length + 1 + second.length <= max ? `${first} ${second}` : first;
}

// Words a long sentence can be cut before and still read as a headline.
const HEADLINE_BREAK =
  / (?:in|as|with|by|for|after|to|that|which|where|who|when|while|called|and|but|because|since|from|at|on|over|against|through|into|during) /g;

/**
 * A short headline from a teaser when the publisher's title is unknown: the first sentence if it
 * is short, else its first clause, else the sentence cut before a linking word ("… took to the
 * streets" rather than "… took to the streets in…"), and only as a last resort at a word with "…".
 */
export function headline(teaser: string, max = 90, language = 'en'): string {
  const first = (sentences(teaser, language)[0] ?? teaser).replace(/\.+$/, '');
  if (first.length <= max) return first;
  const clause = first.split(/(?<=[,;:])\s|\s[-–—]\s/)[0]?.replace(/[,;:]$/, '') ?? '';
  if (clause.length >= 30 && clause.length <= max) return clause;
  let cut = 0;
  for (const m of first.matchAll(HEADLINE_BREAK)) {
    if (m.index > max) break;
    if (m.index >= 35) cut = m.index;
  }
  return cut ? first.slice(0, cut).replace(/[,;:]$/, '') : truncateWords(first, max);
}
