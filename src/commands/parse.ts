import { squash, stripControl } from '../text/normalize.ts';
import type { Command } from './command.ts';

/** Words people may type for a command, mapped to the command. */
const NAMES: Record<string, Command['kind']> = {
  latest: 'latest',
  news: 'latest',
  search: 'search',
  find: 'search',
  brief: 'brief',
  briefing: 'brief',
  topics: 'topics',
  article: 'article',
  read: 'article',
  help: 'help',
  start: 'start',
  more: 'more',
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  subscriptions: 'subscriptions',
  sources: 'sources',
};

/** Longest input worth looking at; the rest of a pasted novel is ignored before any regex runs. */
const MAX_SCAN = 20_000;

const COMMAND = /^[/!]([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

/**
 * One grammar for every front end: `/latest mexico`, `/search@briefingsbot amlo`, or plain text
 * (a search). Returns undefined for a command addressed to another bot in a group, which must be
 * ignored. Never throws; length and content checks happen when the command runs.
 */
export function parseCommand(
  text: string,
  { botUsername }: { botUsername?: string } = {},
): Command | undefined {
  // Anything past MAX_SCAN is over every limit anyway; execution refuses it with a clear message.
  const clean = squash(stripControl(text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text));
  if (!clean) return { kind: 'help' };
  const match = COMMAND.exec(clean);
  if (!match) {
    if (/^[/!]/.test(clean)) return { kind: 'unknown', name: clean.slice(1, 33).split(' ')[0] ?? '' };
    return { kind: 'search', query: clean };
  }
  const [, rawName = '', target, args = ''] = match;
  if (target && botUsername && target.toLowerCase() !== botUsername.replace(/^@/, '').toLowerCase())
    return undefined;
  const kind = NAMES[rawName.toLowerCase()];
  switch (kind) {
    case 'latest':
      return { kind, topic: args };
    case 'search':
      return { kind, query: args };
    case 'brief':
      return { kind, topic: args };
    case 'article':
      return { kind, id: args };
    case 'start':
      return { kind, payload: args };
    case 'more':
      return { kind, cursor: args };
    case 'subscribe':
    case 'unsubscribe':
      return { kind, args };
    case 'topics':
    case 'help':
    case 'subscriptions':
    case 'sources':
      return { kind };
    default:
      return { kind: 'unknown', name: rawName };
  }
}
