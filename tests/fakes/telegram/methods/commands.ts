import { checkCommands } from '../limits.ts';
import type { MethodHandler } from './types.ts';

/** setMyCommands: the command menu, checked against Telegram's naming rules. */
export const setMyCommands: MethodHandler = (params, state) => {
  checkCommands(params.commands);
  state.commands = params.commands as { command: string; description: string }[];
  return true;
};

export const getMyCommands: MethodHandler = (_params, state) => state.commands;
