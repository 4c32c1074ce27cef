/**
 * Telegram facts → the core's RequestContext: the user's language, page sizes, and who is asking
 * where. Administrator rights cost an API call, so they are asked for only when a command acts on
 * the chat (subscriptions); the core decides what the rights allow.
 */
import type { Context } from 'grammy';
import type { ChatContext, Command, RequestContext } from '../../src/commands/command.ts';

/** Items per message page: five cards with summaries stay far below 4096 characters. */
export const PAGE_SIZE = 5;
/** Summary length for cards, in characters. */
export const SUMMARY_LENGTH = 280;

const ACTS_ON_CHAT = new Set<Command['kind']>(['subscribe', 'unsubscribe', 'subscriptions']);

export async function requestContext(ctx: Context, command?: Command): Promise<RequestContext> {
  const chat = ctx.chat;
  const from = ctx.from;
  const base: RequestContext = {
    ...(from?.language_code ? { locale: from.language_code } : {}),
    limit: PAGE_SIZE,
    summaryLength: SUMMARY_LENGTH,
  };
  if (!chat || !from) return base;
  const isPrivate = chat.type === 'private';
  const chatContext: ChatContext = {
    platform: 'telegram',
    chatId: String(chat.id),
    ...('title' in chat && chat.title ? { title: chat.title } : {}),
    userId: String(from.id),
    isPrivate,
    userCanManage: isPrivate,
    botCanPost: true,
  };
  if (!isPrivate && command && ACTS_ON_CHAT.has(command.kind)) {
    const [user, bot] = await Promise.all([ctx.getChatMember(from.id), ctx.getChatMember(ctx.me.id)]);
    chatContext.userCanManage = user.status === 'creator' || user.status === 'administrator';
    chatContext.botCanPost =
      chat.type === 'channel'
        ? bot.status === 'creator' || (bot.status === 'administrator' && bot.can_post_messages === true)
        : bot.status !== 'left' &&
          bot.status !== 'kicked' &&
          !(bot.status === 'restricted' && !bot.can_send_messages);
  }
  return { ...base, chat: chatContext };
}
