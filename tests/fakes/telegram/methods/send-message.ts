import { badRequest } from '../errors.ts';
import { checkMessageText, checkReplyMarkup } from '../limits.ts';
import type { StoredMessage } from '../state.ts';
import { requireChat } from './params.ts';
import type { MethodHandler } from './types.ts';

/** sendMessage: validates text, markup and the replied-to message, stores and returns the message. */
export const sendMessage: MethodHandler = (params, state) => {
  const chat = requireChat(state, params.chat_id);
  const parsed = checkMessageText(params.text, params.parse_mode);
  checkReplyMarkup(params.reply_markup);
  const replyTo =
    (params.reply_parameters as { message_id?: number; allow_sending_without_reply?: boolean } | undefined) ??
    undefined;
  if (
    replyTo?.message_id !== undefined &&
    !state.findMessage(chat.id, replyTo.message_id) &&
    !replyTo.allow_sending_without_reply
  ) {
    throw badRequest('message to be replied not found');
  }
  const stored = state.addMessage({
    chatId: chat.id,
    fromBot: true,
    text: parsed.text,
    raw: params.text as string,
    entities: parsed.entities,
    ...(params.reply_markup ? { replyMarkup: params.reply_markup as StoredMessage['replyMarkup'] } : {}),
    ...(params.link_preview_options
      ? { linkPreview: params.link_preview_options as Record<string, unknown> }
      : {}),
    ...(replyTo?.message_id !== undefined ? { replyTo: replyTo.message_id } : {}),
  });
  return toApiMessage(stored, state.bot, chat);
};

/** The Bot API `Message` object for a stored bot message. */
export function toApiMessage(m: StoredMessage, bot: object, chat: object) {
  return {
    message_id: m.messageId,
    from: bot,
    chat,
    date: Math.floor(Date.now() / 1000),
    text: m.text,
    ...(m.entities.length ? { entities: m.entities } : {}),
    ...(m.replyMarkup ? { reply_markup: m.replyMarkup } : {}),
    ...(m.edits > 0 ? { edit_date: Math.floor(Date.now() / 1000) } : {}),
  };
}
