import { badRequest } from '../errors.ts';
import type { FakeChat, FakeState } from '../state.ts';
import { requireChat } from './params.ts';
import type { MethodHandler } from './types.ts';

function byUsername(state: FakeState, ref: string): FakeChat {
  const name = ref.slice(1).toLowerCase();
  const chat = [...state.chats.values()].find((c) => c.username?.toLowerCase() === name);
  if (!chat) throw badRequest('chat not found');
  return chat;
}

/**
 * getChat: a chat by id or by `@username` (public channels and supergroups), as Telegram resolves
 * the `@channel` a user names when subscribing it from a private chat.
 */
export const getChat: MethodHandler = (params, state) => {
  const ref = params.chat_id;
  const chat =
    typeof ref === 'string' && ref.startsWith('@') ? byUsername(state, ref) : requireChat(state, ref);
  return {
    id: chat.id,
    type: chat.type,
    ...(chat.title !== undefined ? { title: chat.title } : {}),
    ...(chat.username !== undefined ? { username: chat.username } : {}),
    ...(chat.first_name !== undefined ? { first_name: chat.first_name } : {}),
    accent_color_id: 0,
    max_reaction_count: 11,
  };
};
