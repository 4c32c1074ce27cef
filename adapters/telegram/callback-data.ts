/**
 * The grammar of inline-button payloads. Telegram caps `callback_data` at 64 bytes and clients can
 * send anything, so payloads are short, prefixed, and validated on the way back in.
 */

import type { ManageAction } from '../../src/index.ts';

/** What a button asks for when tapped. */
export type ButtonAction =
  | { kind: 'more'; cursor: string }
  | { kind: 'article'; id: string }
  /** A suggested command, run as if typed (e.g. `/latest mexico`). */
  | { kind: 'run'; command: string }
  /** A button under `/subscriptions`: pause, resume, post now or remove subscription `id`. */
  | { kind: 'manage'; action: ManageAction; id: number };

const MANAGE_CODES: Record<ManageAction, string> = { pause: 'p', resume: 'r', post: 'n', remove: 'u' };
const MANAGE_BY_CODE = new Map(Object.entries(MANAGE_CODES).map(([a, c]) => [c, a as ManageAction]));
const MANAGE = /^([prnu]):([1-9]\d{0,15})$/;

/** Telegram's limit for `callback_data`, in bytes. */
export const MAX_CALLBACK_BYTES = 64;

const CURSOR = /^[A-Za-z0-9_.~-]{1,48}$/;
const ARTICLE_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Encodes an action, or returns undefined when it cannot fit in 64 bytes (the button is then left out). */
export function encodeAction(action: ButtonAction): string | undefined {
  const data =
    action.kind === 'more'
      ? CURSOR.test(action.cursor) && `m:${action.cursor}`
      : action.kind === 'article'
        ? ARTICLE_ID.test(action.id) && `a:${action.id}`
        : action.kind === 'manage'
          ? Number.isSafeInteger(action.id) &&
            action.id > 0 &&
            `s:${MANAGE_CODES[action.action]}:${action.id}`
          : action.command.startsWith('/') && `c:${action.command}`;
  if (!data || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) return undefined;
  return data;
}

/** Decodes button data from a callback query; undefined for anything we did not produce. */
export function decodeAction(data: string | undefined): ButtonAction | undefined {
  if (!data || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) return undefined;
  const body = data.slice(2);
  switch (data.slice(0, 2)) {
    case 'm:':
      return CURSOR.test(body) ? { kind: 'more', cursor: body } : undefined;
    case 'a:':
      return ARTICLE_ID.test(body) ? { kind: 'article', id: body } : undefined;
    case 'c:':
      return body.startsWith('/') ? { kind: 'run', command: body } : undefined;
    case 's:': {
      const m = MANAGE.exec(body);
      const action = m ? MANAGE_BY_CODE.get(m[1] ?? '') : undefined;
      return m && action ? { kind: 'manage', action, id: Number(m[2]) } : undefined;
    }
    default:
      return undefined;
  }
}
