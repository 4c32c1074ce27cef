import { badRequest } from '../errors.ts';
import { checkMessageText, checkReplyMarkup } from '../limits.ts';
import type { StoredMessage } from '../state.ts';
import { requireChat, requireInteger } from './params.ts';
import { toApiMessage } from './send-message.ts';
import type { MethodHandler } from './types.ts';

/**
 * editMessageText: only the bot's own messages, and Telegram's "message is not modified" when
 * neither text nor keyboard changes.
 */
export const editMessageText: MethodHandler = (params, state) => {
  if (params.inline_message_id !== undefined) throw badRequest('this fake does not keep inline messages');
  const chat = requireChat(state, params.chat_id);
  const message = state.findMessage(chat.id, requireInteger(params.message_id, 'message_id'));
  if (!message) throw badRequest('message to edit not found');
  if (!message.fromBot) throw badRequest("message can't be edited");
  const parsed = checkMessageText(params.text, params.parse_mode);
  checkReplyMarkup(params.reply_markup);
  const markup = params.reply_markup as StoredMessage['replyMarkup'];
  if (parsed.text === message.text && JSON.stringify(markup) === JSON.stringify(message.replyMarkup)) {
    throw badRequest(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  }
  Object.assign(message, {
    text: parsed.text,
    raw: params.text,
    entities: parsed.entities,
    replyMarkup: markup,
    edits: message.edits + 1,
  });
  return toApiMessage(message, state.bot, chat);
};
