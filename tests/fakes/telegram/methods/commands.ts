import { badRequest } from '../errors.ts';
import { checkCommands } from '../limits.ts';
import type { MethodHandler } from './types.ts';

/** A `language_code` as Telegram takes it: empty (every user without a dedicated menu) or ISO 639-1. */
function languageOf(params: Record<string, unknown>): string {
  const code = params.language_code ?? '';
  if (typeof code !== 'string' || (code !== '' && !/^[a-z]{2}$/.test(code))) {
    throw badRequest('LANGUAGE_CODE_INVALID');
  }
  return code;
}

/** setMyCommands: the command menu for one language, checked against Telegram's naming rules. */
export const setMyCommands: MethodHandler = (params, state) => {
  const language = languageOf(params);
  checkCommands(params.commands);
  const commands = params.commands as { command: string; description: string }[];
  state.commandsByLanguage.set(language, commands);
  if (language === '') state.commands = commands;
  return true;
};

export const getMyCommands: MethodHandler = (params, state) => {
  const language = languageOf(params);
  return language === '' ? state.commands : (state.commandsByLanguage.get(language) ?? []);
};
