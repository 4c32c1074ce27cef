import { badRequest } from '../errors.ts';
import { requireChat, requireInteger } from './params.ts';
import type { MethodHandler } from './types.ts';

/**
 * getChatMember: the member's status in a chat, from the roster tests set up with `setMember`.
 * Everyone else is a plain member; in private chats the user is the chat's "creator".
 */
export const getChatMember: MethodHandler = (params, state) => {
  const chat = requireChat(state, params.chat_id);
  const userId = requireInteger(params.user_id, 'user_id');
  if (chat.type === 'channel' && !state.members.get(chat.id)?.has(userId))
    throw badRequest('member not found');
  const status = state.members.get(chat.id)?.get(userId) ?? (chat.type === 'private' ? 'creator' : 'member');
  const user =
    userId === state.bot.id ? state.bot : { id: userId, is_bot: false, first_name: `User ${userId}` };
  return {
    status,
    user,
    ...(status === 'administrator'
      ? { can_be_edited: false, can_manage_chat: true, can_post_messages: true, can_delete_messages: false }
      : {}),
    ...(status === 'restricted' ? { can_send_messages: false, is_member: true, until_date: 0 } : {}),
  };
};
