/**
 * Reply → Telegram payloads, with no I/O, so every limit can be checked by property tests: HTML
 * messages within 4096 visible characters (cut by whole items, never mid-tag or mid-word), inline
 * keyboards whose callback data fits in 64 bytes, and at most 50 inline results.
 */
import type {
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  InlineQueryResultArticle,
  LinkPreviewOptions,
} from 'grammy/types';
import {
  type ArticleReply,
  type Card,
  type CardsReply,
  type Chrome,
  cardMeta,
  chromeFor,
  type HelpReply,
  type NoticeReply,
  type Reply,
  type Suggestion,
  type TopicsReply,
} from '../../src/index.ts';
import { encodeAction } from './callback-data.ts';
import { type Fragment, isLinkableUrl, join, link, oneLine, shorten, tag, text } from './html.ts';

/** Telegram's limit on a message's visible text, in UTF-16 code units. */
export const MAX_MESSAGE_LENGTH = 4096;
/** Telegram's limit on results in one answerInlineQuery. */
export const MAX_INLINE_RESULTS = 50;

/** Everything `sendMessage`/`editMessageText` need besides the chat. */
export interface TelegramMessage {
  text: string;
  parse_mode: 'HTML';
  link_preview_options: LinkPreviewOptions;
  reply_markup?: InlineKeyboardMarkup;
}

export interface RenderOptions {
  /** The reader's Telegram `language_code`; picks the language of buttons and notices. */
  locale?: string;
  /** Visible-length budget; Telegram's 4096 unless a caller needs room for something else. */
  maxLength?: number;
}

const NL = text('\n');
const BLANK = text('\n\n');
const MAX_SUGGESTION_BUTTONS = 4;
/** Titles, notices and meta lines are short by nature; bounding them keeps room for the items. */
const MAX_HEADER_PART = 300;
const OPEN_BUTTONS_PER_ROW = 5;

/** Renders any reply as one HTML message with its keyboard and link preview. */
export function renderReply(reply: Reply, options: RenderOptions = {}): TelegramMessage {
  const labels = chromeFor(options.locale);
  const max = options.maxLength ?? MAX_MESSAGE_LENGTH;
  switch (reply.kind) {
    case 'cards':
      return renderCards(reply, labels, max);
    case 'article':
      return renderArticle(reply, labels, max);
    case 'topics':
      return renderTopics(reply, max);
    case 'help':
      return renderHelp(reply, max);
    case 'notice':
      return renderNotice(reply, max, labels);
  }
}

function renderCards(reply: CardsReply, labels: Chrome, max: number): TelegramMessage {
  const head = [heading(reply.title)];
  if (reply.overview) head.push(NL, tag('i', text(shorten(reply.overview, MAX_HEADER_PART))));
  if (reply.notice) head.push(BLANK, text(shorten(reply.notice, MAX_HEADER_PART)));
  const header = join(head);
  const shown = (count: number) =>
    count === 0
      ? text('')
      : tag('i', text(labels.range(reply.offset + 1, reply.offset + count, reply.total)));

  const blocks = reply.items.map(
    (card, i) => (budget: number) => cardBlock(card, reply.offset + i + 1, budget),
  );
  const footerRoom = shown(reply.items.length).length + BLANK.length;
  const body = fitBlocks(blocks, max - header.length - BLANK.length - footerRoom, BLANK.length);
  const count = body.length;
  const parts = [header];
  for (const block of body) parts.push(BLANK, block);
  if (count > 0) parts.push(BLANK, shown(count));

  const shownCards = reply.items.slice(0, count);
  const rows: InlineKeyboardButton[][] = chunk(
    shownCards.flatMap((card, i) =>
      callbackButton(labels.open(reply.offset + i + 1), { kind: 'article', id: card.id }),
    ),
    OPEN_BUTTONS_PER_ROW,
  );
  // Items cut for length are skipped by the core's cursor; a next page still beats a dead end.
  if (reply.next) {
    rows.push(callbackButton(`${labels.more} ▸`, { kind: 'more', cursor: reply.next }));
  }
  rows.push(...suggestionRows(reply.suggestions));
  return message(join(parts), rows, shownCards[0]?.url);
}

/** One list item: number, linked bold title, date and source, summary shortened to the budget. */
function cardBlock(card: Card, n: number, budget: number): Fragment | undefined {
  const title = join([text(`${n}. `), link(card.url, heading(card.title))]);
  const meta = tag('i', text(metaLine(card)));
  const summary = card.snippet ?? card.summary;
  const fixed = title.length + NL.length + meta.length;
  const full = join([title, NL, meta, ...(summary ? [NL, text(summary)] : [])]);
  if (full.length <= budget) return full;
  const room = budget - fixed - NL.length;
  if (room >= 20 && summary) return join([title, NL, meta, NL, text(shorten(summary, room))]);
  if (fixed <= budget) return join([title, NL, meta]);
  const titleRoom = budget - `${n}. `.length;
  if (titleRoom < 10) return undefined;
  return join([text(`${n}. `), link(card.url, tag('b', text(shorten(oneLine(card.title), titleRoom))))]);
}

function metaLine(card: Card): string {
  return shorten(oneLine([cardMeta(card), card.section].filter(Boolean).join(' · ')), MAX_HEADER_PART);
}

/** A bold one-line heading, never empty (Telegram refuses empty messages) and never overlong. */
function heading(title: string): Fragment {
  return tag('b', text(shorten(oneLine(title), MAX_HEADER_PART) || '…'));
}

function renderArticle(reply: ArticleReply, labels: Chrome, max: number): TelegramMessage {
  const a = reply.article;
  const header = join([link(a.url, heading(a.title || reply.title)), NL, tag('i', text(metaLine(a)))]);
  const sections =
    a.passages.length > 0
      ? a.passages.map((p) => ({ heading: p.heading, text: p.text }))
      : a.body.split(/\n\s*\n/).map((para) => ({ heading: '', text: para }));
  const blocks = sections
    .filter((s) => s.text.trim() || s.heading.trim())
    .map((s) => (budget: number) => {
      const heading = s.heading.trim() ? join([tag('b', text(oneLine(s.heading))), NL]) : text('');
      const whole = join([heading, text(s.text.trim())]);
      if (whole.length <= budget) return whole;
      const room = budget - heading.length;
      return room >= 20 ? join([heading, text(shorten(s.text.trim(), room))]) : undefined;
    });
  const body = fitBlocks(blocks, max - header.length - BLANK.length, BLANK.length, true);
  const parts = [header];
  for (const block of body) parts.push(BLANK, block);

  const rows: InlineKeyboardButton[][] = [];
  if (isButtonUrl(a.url)) rows.push([{ text: `${labels.readLink(a.urlKind)} ↗`, url: a.url }]);
  if (a.twinId)
    rows.push(callbackButton(`🌐 ${labels.readTwin(a.language)}`, { kind: 'article', id: a.twinId }));
  return message(join(parts), rows, a.url);
}

function renderTopics(reply: TopicsReply, max: number): TelegramMessage {
  const header = join([
    heading(reply.title),
    ...(reply.note ? [NL, tag('i', text(shorten(reply.note, MAX_HEADER_PART)))] : []),
  ]);
  const lines = reply.topics.map(
    (t) => (budget: number) =>
      fitOrDrop(join([text('• '), tag('b', text(oneLine(t.name))), text(` (${t.count})`)]), budget),
  );
  const body = fitBlocks(lines, max - header.length - BLANK.length, NL.length);
  const parts = [header, ...(body.length ? [BLANK, join(body, '\n')] : [])];
  const suggestions = reply.topics
    .slice(0, 6)
    .map((t) => ({ label: oneLine(t.name), command: `/latest ${t.id}` }));
  return message(join(parts), chunk(suggestions.flatMap(suggestionButton), 3));
}

function renderHelp(reply: HelpReply, max: number): TelegramMessage {
  const header = join([
    heading(reply.title),
    ...(reply.intro ? [NL, text(shorten(reply.intro, MAX_HEADER_PART))] : []),
  ]);
  const commands = reply.commands.map(
    (c) => (budget: number) =>
      fitOrDrop(join([tag('code', text(oneLine(c.usage))), text(` — ${oneLine(c.description)}`)]), budget),
  );
  const examples = reply.examples.map(
    (e) => (budget: number) => fitOrDrop(join([text('• '), tag('code', text(oneLine(e)))]), budget),
  );
  const listed = fitBlocks(commands, max - header.length - BLANK.length, NL.length);
  const parts = [header, ...(listed.length ? [BLANK, join(listed, '\n')] : [])];
  const used = join(parts).length;
  const tried = fitBlocks(examples, max - used - BLANK.length, NL.length);
  if (tried.length) parts.push(BLANK, join(tried, '\n'));
  const buttons = reply.examples
    .filter((e) => e.startsWith('/'))
    .slice(0, MAX_SUGGESTION_BUTTONS)
    .flatMap((e) => suggestionButton({ label: e, command: e }));
  return message(join(parts), chunk(buttons, 2));
}

/** Most subscriptions given buttons under one `/subscriptions` list (Telegram allows 100 buttons). */
const MAX_MANAGED = 20;

function renderNotice(reply: NoticeReply, max: number, labels: Chrome): TelegramMessage {
  const prefix = reply.tone === 'error' ? '⚠️ ' : 'ℹ️ ';
  const body = text(shorten(`${prefix}${reply.message.trim() || '…'}`, max));
  // One row per subscription: pause or resume, post now, unsubscribe.
  const manage = (reply.manage ?? []).slice(0, MAX_MANAGED).map((s) => [
    ...callbackButton(s.paused ? labels.resume(s.id) : labels.pause(s.id), {
      kind: 'manage',
      action: s.paused ? 'resume' : 'pause',
      id: s.id,
    }),
    ...(s.paused ? [] : callbackButton(labels.postNow(s.id), { kind: 'manage', action: 'post', id: s.id })),
    ...callbackButton(labels.unsubscribe(s.id), { kind: 'manage', action: 'remove', id: s.id }),
  ]);
  return message(body, [...manage.filter((row) => row.length > 0), ...suggestionRows(reply.suggestions)]);
}

/** Renders a single card as a stand-alone message: what an inline result posts into a chat. */
export function renderCardMessage(card: Card, options: RenderOptions = {}): TelegramMessage {
  const max = options.maxLength ?? MAX_MESSAGE_LENGTH;
  const header = join([link(card.url, heading(card.title)), NL, tag('i', text(metaLine(card)))]);
  const summary = card.snippet ?? card.summary;
  const room = max - header.length - BLANK.length;
  const parts = [header];
  if (summary.trim() && room >= 20) parts.push(BLANK, text(shorten(summary.trim(), room)));
  const body = join(parts);
  return message(body.length <= max ? body : text(shorten(oneLine(card.title), max)), [], card.url);
}

/** Longest text Telegram shows on the button above inline results. */
const MAX_INLINE_BUTTON = 64;

/**
 * The line shown on the button above inline results when the query names something no article
 * mentions ("No article mentions “atenco”."), in the language the core chose; undefined otherwise.
 */
export function renderInlineNotice(reply: CardsReply): string | undefined {
  // Telegram shows one line above inline results: the notice, then what to try instead.
  const tries = reply.items.length === 0 ? (reply.suggestions ?? []).map((s) => s.label) : [];
  const notice = oneLine(
    [reply.notice, tries.length ? `→ ${tries.join(', ')}` : ''].filter(Boolean).join(' '),
  );
  return notice ? shorten(notice, MAX_INLINE_BUTTON) : undefined;
}

/**
 * Inline-mode answers: one article result per card (title, one-line description with the date),
 * which posts the card when chosen. Ids are the article ids, unique within the answer.
 */
export function renderInlineResults(
  reply: CardsReply,
  options: RenderOptions = {},
): InlineQueryResultArticle[] {
  const seen = new Set<string>();
  const results: InlineQueryResultArticle[] = [];
  for (const card of reply.items) {
    if (results.length >= MAX_INLINE_RESULTS) break;
    if (seen.has(card.id) || Buffer.byteLength(card.id, 'utf8') > 64 || !card.id) continue;
    seen.add(card.id);
    const content = renderCardMessage(card, options);
    results.push({
      type: 'article',
      id: card.id,
      title: shorten(oneLine(card.title), 120) || '…',
      description: shorten(oneLine(`${card.dateLabel} · ${card.snippet ?? card.summary}`), 160),
      ...(isButtonUrl(card.url) ? { url: card.url } : {}),
      input_message_content: {
        message_text: content.text,
        parse_mode: 'HTML',
        link_preview_options: content.link_preview_options,
      },
    });
  }
  return results;
}

/**
 * Picks blocks in order while they fit; the first block may shrink to fit (`shrinkLast` lets any
 * block that no longer fits whole be shortened, for long articles). Returns the chosen fragments.
 */
function fitBlocks(
  blocks: readonly ((budget: number) => Fragment | undefined)[],
  budget: number,
  separator: number,
  shrinkLast = false,
): Fragment[] {
  const chosen: Fragment[] = [];
  let left = budget;
  for (const build of blocks) {
    const room = chosen.length === 0 ? left : left - separator;
    if (room <= 0) break;
    const block = build(room);
    if (!block || block.length > room) break;
    const isWhole = build(Number.POSITIVE_INFINITY)?.length === block.length;
    if (!isWhole && chosen.length > 0 && !shrinkLast) break;
    chosen.push(block);
    left = room - block.length;
    if (!isWhole) break;
  }
  return chosen;
}

function fitOrDrop(fragment: Fragment, budget: number): Fragment | undefined {
  return fragment.length <= budget ? fragment : undefined;
}

function message(body: Fragment, rows: InlineKeyboardButton[][], previewUrl?: string): TelegramMessage {
  const keyboard = rows.filter((row) => row.length > 0);
  return {
    text: body.html,
    parse_mode: 'HTML',
    link_preview_options:
      previewUrl && isButtonUrl(previewUrl)
        ? { url: previewUrl, prefer_small_media: true }
        : { is_disabled: true },
    ...(keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {}),
  };
}

function callbackButton(label: string, action: Parameters<typeof encodeAction>[0]): InlineKeyboardButton[] {
  const data = encodeAction(action);
  return data ? [{ text: label, callback_data: data }] : [];
}

function suggestionButton(s: Suggestion): InlineKeyboardButton[] {
  return callbackButton(shorten(oneLine(s.label), 40) || s.command, { kind: 'run', command: s.command });
}

function suggestionRows(suggestions: readonly Suggestion[] | undefined): InlineKeyboardButton[][] {
  return chunk((suggestions ?? []).slice(0, MAX_SUGGESTION_BUTTONS).flatMap(suggestionButton), 2);
}

function isButtonUrl(url: string): boolean {
  return isLinkableUrl(url) && /^https?:/i.test(url);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}
