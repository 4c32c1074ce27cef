/**
 * The command menu Telegram shows after "/": registered at start-up from the core's own list, so
 * the menu and /help never disagree, in English and in Spanish. Entries Telegram would refuse are
 * left out, not sent.
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Briefings } from '../../src/index.ts';
import { oneLine, shorten } from './html.ts';

/** Menus registered besides the default (English) one, by Telegram `language_code`. */
export const MENU_LANGUAGES = ['es'] as const;

/** The menu entries, described in the language of `locale` (English when none). */
export function menuCommands(briefings: Briefings, locale?: string): BotCommand[] {
  return briefings
    .helpCommands(locale)
    .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
    .map((c) => ({ command: c.name, description: shorten(oneLine(c.description), 256) }))
    .filter((c) => c.description.length > 0)
    .slice(0, 100);
}

/**
 * Registers the default menu, then one per language Telegram shows to users whose app is in that
 * language (Spanish descriptions for `language_code` es).
 */
export async function registerCommands(api: Api, briefings: Briefings): Promise<void> {
  await api.setMyCommands(menuCommands(briefings));
  for (const language of MENU_LANGUAGES) {
    await api.setMyCommands(menuCommands(briefings, language), { language_code: language });
  }
}
