/**
 * Telegram facts → the core's RequestContext: the user's language and who is asking (page sizes and
 * summary lengths are the core's, the same on every platform)
 * and where. Administrator rights cost an API call, so they are asked for only when a command acts on
 * the chat (subscriptions); the core decides what the rights allow.
 */
import { type Context, GrammyError } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { ChatContext, Command, RequestContext, ResolvedChannel } from '../../src/index.ts';

const ACTS_ON_CHAT = new Set<Command['kind']>([
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'manage',
  'sources',
]);

export async function requestContext(ctx: Context, command?: Command): Promise<RequestContext> {
  const chat = ctx.chat;
  const from = ctx.from;
  const base: RequestContext = {
    platform: 'telegram',
    ...(from?.language_code ? { locale: from.language_code } : {}),
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
    chatContext.userCanManage = canManage(user);
    chatContext.botCanPost = canPost(chat.type, bot);
  }
  if (command && ACTS_ON_CHAT.has(command.kind)) {
    chatContext.resolveChannel = (ref) => resolveChannel(ctx, ref, from.id);
  }
  return { ...base, chat: chatContext };
}

const canManage = (member: ChatMember) => member.status === 'creator' || member.status === 'administrator';

/** In a channel only an administrator allowed to post can; elsewhere any member not muted can. */
function canPost(type: string, bot: ChatMember): boolean {
  return type === 'channel'
    ? bot.status === 'creator' || (bot.status === 'administrator' && bot.can_post_messages === true)
    : bot.status !== 'left' &&
        bot.status !== 'kicked' &&
        !(bot.status === 'restricted' && !bot.can_send_messages);
}

/** A member lookup Telegram refuses (not a member, list inaccessible) means no rights there. */
async function memberOrNone(ctx: Context, chatId: number, userId: number): Promise<ChatMember | undefined> {
  try {
    return await ctx.api.getChatMember(chatId, userId);
  } catch (error) {
    if (error instanceof GrammyError) return undefined;
    throw error;
  }
}

/**
 * A channel or group named in a command (`/subscribe @channel mexico`, typically from a private
 * chat): the chat, whether the asker administers it and whether the bot may post there.
 */
async function resolveChannel(
  ctx: Context,
  ref: string,
  userId: number,
): Promise<ResolvedChannel | undefined> {
  if (!/^@[A-Za-z][A-Za-z0-9_]{3,31}$|^-100\d{5,15}$/.test(ref)) return undefined;
  let target: Awaited<ReturnType<Context['api']['getChat']>>;
  try {
    target = await ctx.api.getChat(ref);
  } catch (error) {
    if (error instanceof GrammyError) return undefined;
    throw error;
  }
  if (target.type === 'private') return undefined;
  const [user, bot] = await Promise.all([
    memberOrNone(ctx, target.id, userId),
    memberOrNone(ctx, target.id, ctx.me.id),
  ]);
  return {
    platform: 'telegram',
    chatId: String(target.id),
    title: target.username ? `@${target.username}` : (target.title ?? ref),
    userCanManage: user !== undefined && canManage(user),
    botCanPost: bot !== undefined && canPost(target.type, bot),
  };
}
