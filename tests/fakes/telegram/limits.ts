/**
 * The Bot API's documented limits, checked the way Telegram checks them (see
 * docs/PLATFORM-LIMITS.md). Each check throws the 400 Telegram would answer.
 */
import { badRequest } from './errors.ts';
import { isValidUrl, type ParsedText, parseTelegramHtml } from './html.ts';

export const MAX_TEXT = 4096;
export const MAX_CALLBACK_DATA_BYTES = 64;
export const MAX_INLINE_RESULTS = 50;
export const MAX_INLINE_ID_BYTES = 64;
export const MAX_NEXT_OFFSET_BYTES = 64;
export const MAX_CALLBACK_ANSWER = 200;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Message text: parsed per `parse_mode`, 1–4096 visible UTF-16 units after trimming. */
export function checkMessageText(text: unknown, parseMode: unknown): ParsedText {
  if (typeof text !== 'string') throw badRequest('message text is empty');
  if (
    parseMode !== undefined &&
    parseMode !== 'HTML' &&
    parseMode !== 'MarkdownV2' &&
    parseMode !== 'Markdown'
  ) {
    throw badRequest(`unsupported parse_mode "${String(parseMode)}"`);
  }
  if (parseMode !== undefined && parseMode !== 'HTML') throw badRequest('this fake only parses HTML');
  const parsed = parseMode === 'HTML' ? parseTelegramHtml(text) : { text, entities: [] };
  if (parsed.text.trim().length === 0) throw badRequest('message text is empty');
  if (parsed.text.length > MAX_TEXT) throw badRequest('message is too long');
  return parsed;
}

/** Inline keyboards: rows of buttons, each with text and exactly one valid action. */
export function checkReplyMarkup(markup: unknown): void {
  if (markup === undefined) return;
  const keyboard = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(keyboard))
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array');
  let total = 0;
  for (const row of keyboard) {
    if (!Array.isArray(row))
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    if (row.length > 8) throw badRequest('too many buttons in a row');
    for (const button of row as Record<string, unknown>[]) {
      total += 1;
      checkButton(button);
    }
  }
  if (total > 100) throw badRequest('reply markup is too long');
}

function checkButton(button: Record<string, unknown>) {
  if (typeof button.text !== 'string' || button.text.trim() === '')
    throw badRequest('text buttons are unallowed in the inline keyboard');
  const actions = ['callback_data', 'url', 'switch_inline_query', 'switch_inline_query_current_chat'].filter(
    (k) => button[k] !== undefined,
  );
  if (actions.length !== 1)
    throw badRequest("can't parse inline keyboard button: exactly one action expected");
  const data = button.callback_data;
  if (data !== undefined) {
    if (typeof data !== 'string' || bytes(data) < 1 || bytes(data) > MAX_CALLBACK_DATA_BYTES) {
      throw badRequest('BUTTON_DATA_INVALID');
    }
  }
  if (button.url !== undefined && (typeof button.url !== 'string' || !isValidUrl(button.url))) {
    throw badRequest('BUTTON_URL_INVALID');
  }
}

/** answerInlineQuery: ≤ 50 results, unique ids of 1–64 bytes, valid content, next_offset ≤ 64 bytes. */
export function checkInlineResults(results: unknown, nextOffset: unknown): void {
  if (!Array.isArray(results)) throw badRequest('results must be an Array');
  if (results.length > MAX_INLINE_RESULTS) throw badRequest('RESULTS_TOO_MUCH');
  if (
    nextOffset !== undefined &&
    (typeof nextOffset !== 'string' || bytes(nextOffset) > MAX_NEXT_OFFSET_BYTES)
  ) {
    throw badRequest('NEXT_OFFSET_INVALID');
  }
  const ids = new Set<string>();
  for (const result of results as Record<string, unknown>[]) {
    const id = result.id;
    if (typeof id !== 'string' || bytes(id) < 1 || bytes(id) > MAX_INLINE_ID_BYTES)
      throw badRequest('RESULT_ID_INVALID');
    if (ids.has(id)) throw badRequest('RESULT_ID_DUPLICATE');
    ids.add(id);
    if (result.type !== 'article')
      throw badRequest(`this fake serves article results only, got "${String(result.type)}"`);
    if (typeof result.title !== 'string' || result.title.trim() === '')
      throw badRequest('RESULT_TITLE_EMPTY');
    if (result.url !== undefined && (typeof result.url !== 'string' || !isValidUrl(result.url))) {
      throw badRequest('RESULT_URL_INVALID');
    }
    const content = result.input_message_content as Record<string, unknown> | undefined;
    if (!content) throw badRequest('input_message_content is required');
    checkMessageText(content.message_text, content.parse_mode);
    checkReplyMarkup(result.reply_markup);
  }
}

/** setMyCommands: ≤ 100 commands, names of [a-z0-9_]{1,32}, descriptions of 1–256 characters. */
export function checkCommands(commands: unknown): void {
  if (!Array.isArray(commands) || commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  for (const c of commands as Record<string, unknown>[]) {
    if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command))
      throw badRequest('BOT_COMMAND_INVALID');
    if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
  }
}
