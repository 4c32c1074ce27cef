import { SUBSCRIBE_USAGE } from '../schedule/parse.ts';

/** The commands every front end offers, with their usage: one list for /help, Telegram's menu and Discord's registration. */
export interface CommandHelp {
  name: string;
  usage: string;
  description: string;
}

export const QUERY_COMMANDS: CommandHelp[] = [
  { name: 'latest', usage: '/latest [topic]', description: 'Newest articles, on a topic if you name one' },
  { name: 'search', usage: '/search <words>', description: 'Find articles about anything, best match first' },
  {
    name: 'brief',
    usage: '/brief <topic>',
    description: 'A briefing: overview, date range and key articles',
  },
  { name: 'topics', usage: '/topics', description: 'Countries, people and themes in the archive' },
  { name: 'article', usage: '/article <id>', description: 'One article in full' },
  { name: 'help', usage: '/help', description: 'What I can do' },
];

export const SUBSCRIPTION_COMMANDS: CommandHelp[] = [
  {
    name: 'subscribe',
    usage: SUBSCRIBE_USAGE,
    description: 'Scheduled briefings or new-article alerts in this channel',
  },
  { name: 'unsubscribe', usage: '/unsubscribe <topic or id>', description: 'Stop a subscription' },
  { name: 'subscriptions', usage: '/subscriptions', description: "This channel's subscriptions" },
];

export const EXAMPLES = [
  '/latest mexico',
  '/brief honduras',
  '/search death of migrants',
  '/latest amlo',
  '/topics',
];
