/**
 * Making untrusted text (article fields, user queries) safe and short enough for Discord. Every
 * string that reaches a message goes through here, so the escaping rule lives in one place.
 */
import { escapeMarkdown } from 'discord.js';

/**
 * Escapes Discord markdown, including headings, lists and masked links (off by default in
 * discord.js), and breaks mention syntax so text never even looks like a ping. Pings themselves
 * are blocked by `allowed_mentions`; this keeps `@everyone` in an article from alarming readers.
 */
export function escapeText(text: string): string {
  const escaped = escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return defuseMentions(escaped);
}

/** Inserts a zero-width space after `@` in `@everyone`, `@here` and `<@…>` / `<#…>` / `<@&…>` forms. */
export function defuseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<([@#])/g, '<$1\u200b');
}

/** Collapses runs of whitespace (including newlines) into single spaces: for one-line fields. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Shortens `text` to at most `max` UTF-16 units (the unit Discord's limits are checked against
 * by discord.js), ending with "…". Never splits a surrogate pair and never leaves a dangling
 * backslash that would escape the ellipsis; prefers a word boundary near the end.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - 1);
  const lastCode = cut.charCodeAt(cut.length - 1);
  if (lastCode >= 0xd800 && lastCode <= 0xdbff) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  if (space > 0 && space >= cut.length - 30) cut = cut.slice(0, space);
  cut = cut.replace(/\\+$/, (slashes) => (slashes.length % 2 === 0 ? slashes : slashes.slice(0, -1)));
  return `${cut.trimEnd()}…`;
}

/** Escapes, then truncates: the usual path for untrusted text going into a length-limited field. */
export function safe(text: string, max: number): string {
  return truncate(escapeText(text), max);
}

/** Is this a URL Discord accepts in an embed or a link button (http or https, within `max`)? */
export function isLinkable(url: string, max = 512): boolean {
  return url.length <= max && /^https?:\/\/[^\s]+$/i.test(url);
}
