/**
 * The commands every front end offers: one list for /help, Telegram's menu and Discord's
 * registration. Usage and descriptions come from the message catalogue (`help.usage.<name>`,
 * `help.commands.<name>`), so each language says them its own way.
 */
import { messagesFor } from '../i18n/query.ts';

export interface CommandHelp {
  name: string;
  usage: string;
  description: string;
}

const english = messagesFor('en');
const command = (name: string): CommandHelp => ({
  name,
  usage: english.usage(name),
  description: english.describe(name),
});

export const QUERY_COMMANDS: CommandHelp[] = ['latest', 'search', 'brief', 'topics', 'article', 'help'].map(
  command,
);

export const SUBSCRIPTION_COMMANDS: CommandHelp[] = ['subscribe', 'unsubscribe', 'subscriptions'].map(
  command,
);
