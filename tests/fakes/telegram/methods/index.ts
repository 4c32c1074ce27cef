/** The Bot API methods the fake serves; anything else is answered 404 "method not found", as Telegram does. */
import { answerCallbackQuery } from './answer-callback-query.ts';
import { answerInlineQuery } from './answer-inline-query.ts';
import { getMyCommands, setMyCommands } from './commands.ts';
import { editMessageText } from './edit-message-text.ts';
import { getChat } from './get-chat.ts';
import { getChatMember } from './get-chat-member.ts';
import { getMe } from './get-me.ts';
import { getUpdates } from './get-updates.ts';
import { sendMessage } from './send-message.ts';
import type { MethodHandler } from './types.ts';
import { deleteWebhook, getWebhookInfo, setWebhook } from './webhook.ts';

export const methods: Readonly<Record<string, MethodHandler>> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  editMessageText,
  answerInlineQuery,
  answerCallbackQuery,
  setMyCommands,
  getMyCommands,
  getChatMember,
  getChat,
};
