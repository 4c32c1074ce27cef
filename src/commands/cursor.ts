import { createHash } from 'node:crypto';
import { Lru } from '../search/lru.ts';
import type { ListCommand } from './reply.ts';

/** What a "More" button needs to fetch the next page. */
export interface PageRequest {
  command: ListCommand;
  query: string;
  offset: number;
}

const CODES: Record<ListCommand, string> = { latest: 'l', search: 's', brief: 'b' };
const COMMANDS: Record<string, ListCommand> = { l: 'latest', s: 'search', b: 'brief' };
/** Cursors must fit Telegram's 64-byte callback data with room for a prefix. */
export const MAX_CURSOR_BYTES = 48;

/**
 * Encodes and decodes page cursors: `s.a.<base64url query>` when the query fits, otherwise a
 * short hash remembered here (so a button on an old message may expire after a restart, and says so).
 */
export class Cursors {
  private readonly remembered = new Lru<string, string>(10_000);

  encode({ command, query, offset }: PageRequest): string {
    const head = `${CODES[command]}.${offset.toString(36)}`;
    const inline = `${head}.${Buffer.from(query, 'utf8').toString('base64url')}`;
    if (inline.length <= MAX_CURSOR_BYTES) return inline;
    const key = createHash('sha256').update(query).digest('base64url').slice(0, 12);
    this.remembered.set(key, query);
    return `${head}~${key}`;
  }

  /** The page a cursor asks for; undefined if it is malformed or has expired. */
  decode(cursor: string): PageRequest | undefined {
    const m = /^([lsb])\.([0-9a-z]{1,8})(?:\.([A-Za-z0-9_-]*)|~([A-Za-z0-9_-]{12}))$/.exec(cursor.trim());
    if (!m) return undefined;
    const [, code = '', offset = '', encoded, key] = m;
    const query =
      key !== undefined ? this.remembered.get(key) : Buffer.from(encoded ?? '', 'base64url').toString('utf8');
    const command = COMMANDS[code];
    if (query === undefined || !command) return undefined;
    return { command, query, offset: Number.parseInt(offset, 36) };
  }
}
