/**
 * Text folding shared by indexing, queries, topic matching and autocomplete, so that
 * "Tenochtitlán", "TENOCHTITLAN" and "tenochtitlan" meet, and typographic quotes and dashes
 * from pasted text behave like the plain ones people type.
 */

const NON_ASCII = /[\u0080-\uffff]/;
const COMBINING_MARKS = /\p{M}+/gu;
const QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
// Control and format characters (zero-width, bidi overrides) can hide or reorder text on screen;
// tabs and line breaks are kept for stripControl to turn into spaces.
const CONTROL = /(?![\t\n\r])[\p{Cc}\p{Cf}]/gu;

/**
 * Canonical composition (NFC): "e" + combining acute and "é" become the same string. Every query
 * and every content text goes through this first, so language detection, matching and ranking
 * never depend on how a keyboard or an editor encoded an accent.
 */
export function nfc(text: string): string {
  // Pure ASCII is already in NFC: skip ICU for the common case.
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}

/** Unifies quote and dash styles without changing letters. */
export function unifyPunctuation(text: string): string {
  return text.replace(QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, '-');
}

/** Whether a text is plain ASCII: nothing to decompose, and words fit a simpler pattern. */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Lowercase, accents removed (ñ becomes n), punctuation styles unified. */
export function fold(text: string): string {
  if (isAscii(text)) {
    // Nothing to decompose, and of the quote styles unified, ASCII has only the backtick.
    const lower = text.toLowerCase();
    return lower.includes('`') ? lower.replaceAll('`', "'") : lower;
  }
  return unifyPunctuation(text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase());
}

/** Removes control, zero-width and bidi-override characters; tabs and newlines become spaces. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '').replace(/[\t\n\r]+/g, ' ');
}

/**
 * Collapses runs of whitespace and trims. Only runs that change are replaced (two or more
 * characters, or one that is not a space): `/\s+/g` also matched every single space between two
 * words, building a new string of as many pieces, at 3-4× the time on article text.
 */
export function squash(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}
