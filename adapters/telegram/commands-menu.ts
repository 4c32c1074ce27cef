/**
 * The command menu Telegram shows after "/": registered at start-up from the core's own list, so
 * the menu and /help never disagree. Entries Telegram would refuse are left out, not sent.
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Briefings } from '../../src/commands/index.ts';
import { oneLine, shorten } from './html.ts';

export function menuCommands(briefings: Briefings): BotCommand[] {
  return briefings
    .helpCommands()
    .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
    .map((c) => ({ command: c.name, description: shorten(oneLine(c.description), 256) }))
    .filter((c) => c.description.length > 0)
    .slice(0, 100);
}

export async function registerCommands(api: Api, briefings: Briefings): Promise<void> {
  await api.setMyCommands(menuCommands(briefings));
}
