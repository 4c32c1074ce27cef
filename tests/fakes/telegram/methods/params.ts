/** Parameter checks shared by the method modules, with Telegram's error wording. */
import { badRequest } from '../errors.ts';
import type { FakeChat, FakeState } from '../state.ts';

/** The chat a `chat_id` names; "chat not found" for chats the bot has never seen. */
export function requireChat(state: FakeState, chatId: unknown): FakeChat {
  const id = typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
  const chat = typeof id === 'number' ? state.chats.get(id) : undefined;
  if (!chat) throw badRequest('chat not found');
  return chat;
}

export function requireInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw badRequest(`parameter "${name}" is required`);
  return value;
}
