import { createHash } from 'node:crypto';
import type { ListCommand } from '../reply.ts';
import { Lru } from '../search/lru.ts';

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
/** The deepest page offset a cursor may ask for; anything beyond is forged or from a bug. */
export const MAX_OFFSET = 10_000;

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

  /**
   * The page a cursor asks for; undefined if it is malformed, forged or has expired. Cursors come
   * back from users' clients, so every part is checked: a known command, an offset in range, and
   * a query that is exactly what `encode` would have written.
   */
  decode(cursor: string): PageRequest | undefined {
    const m = /^([lsb])\.([0-9a-z]{1,3})(?:\.([A-Za-z0-9_-]*)|~([A-Za-z0-9_-]{12}))$/.exec(cursor.trim());
    if (!m) return undefined;
    const [, code = '', digits = '', encoded, key] = m;
    const command = COMMANDS[code];
    const offset = Number.parseInt(digits, 36);
    if (!command || offset > MAX_OFFSET || offset.toString(36) !== digits) return undefined;
    const query =
      key !== undefined ? this.remembered.get(key) : Buffer.from(encoded ?? '', 'base64url').toString('utf8');
    if (query === undefined) return undefined;
    if (key === undefined && Buffer.from(query, 'utf8').toString('base64url') !== encoded) return undefined;
    return { command, query, offset };
  }
}
