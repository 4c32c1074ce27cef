import type { MethodHandler } from './types.ts';

/** getMe: the bot's own user, with the username group commands are addressed to. */
export const getMe: MethodHandler = (_params, state) => ({
  ...state.bot,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
});
