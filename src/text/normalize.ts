/**
 * Text folding shared by indexing, queries, topic matching and autocomplete, so that
 * "Tenochtitlán", "TENOCHTITLAN" and "tenochtitlan" meet, and typographic quotes and dashes
 * from pasted text behave like the plain ones people type.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
// C0/C1 controls except tab and newline, plus bidi overrides and zero-width characters that can
// hide text or reorder it on screen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Unifies quote and dash styles without changing letters. */
export function unifyPunctuation(text: string): string {
  return text.replace(QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, '-');
}

/** Lowercase, accents removed (ñ becomes n), punctuation styles unified. */
export function fold(text: string): string {
  return unifyPunctuation(text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase());
}

/** Removes control, zero-width and bidi-override characters; tabs and newlines become spaces. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '').replace(/[\t\n\r]+/g, ' ');
}

/** Collapses runs of whitespace and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
