/**
 * Button custom ids: what a press should do, packed into Discord's 1–100 characters. The core's
 * cursors and article ids are already URL-safe and short, so they travel verbatim.
 */

import type { ManageAction } from '../../src/index.ts';

/** Discord's limit on `custom_id`. */
export const CUSTOM_ID_MAX = 100;

/** What a button press asks for. */
export type ButtonAction =
  | { kind: 'more'; cursor: string }
  | { kind: 'open'; id: string }
  /** A suggested follow-up: the command text, as the core would parse it from a chat message. */
  | { kind: 'run'; command: string }
  /** A button under `/subscriptions`: pause, resume, post now or remove subscription `id`. */
  | { kind: 'manage'; action: ManageAction; id: number };

const MANAGE_CODES: Record<ManageAction, string> = { pause: 'p', resume: 'r', post: 'n', remove: 'u' };
const MANAGE_BY_CODE = new Map(Object.entries(MANAGE_CODES).map(([a, c]) => [c, a as ManageAction]));
const MANAGE = /^([prnu]):([1-9]\d{0,15})$/;

const CURSOR = /^[A-Za-z0-9_.~-]{1,48}$/;
const ARTICLE_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Encodes an action, or returns undefined when it cannot fit (the button is then left out). */
export function encodeButton(action: ButtonAction): string | undefined {
  let id: string;
  switch (action.kind) {
    case 'more':
      if (!CURSOR.test(action.cursor)) return undefined;
      id = `more:${action.cursor}`;
      break;
    case 'open':
      if (!ARTICLE_ID.test(action.id)) return undefined;
      id = `open:${action.id}`;
      break;
    case 'run':
      if (!action.command.trim()) return undefined;
      id = `run:${action.command}`;
      break;
    case 'manage':
      if (!Number.isSafeInteger(action.id) || action.id < 1) return undefined;
      id = `sub:${MANAGE_CODES[action.action]}:${action.id}`;
      break;
  }
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

/** Decodes a custom id from a press; undefined for anything this bot did not make. */
export function decodeButton(customId: string): ButtonAction | undefined {
  const colon = customId.indexOf(':');
  if (colon < 0 || customId.length > CUSTOM_ID_MAX) return undefined;
  const kind = customId.slice(0, colon);
  const value = customId.slice(colon + 1);
  if (kind === 'more' && CURSOR.test(value)) return { kind, cursor: value };
  if (kind === 'open' && ARTICLE_ID.test(value)) return { kind, id: value };
  if (kind === 'run' && value.trim()) return { kind, command: value };
  const manage = kind === 'sub' ? MANAGE.exec(value) : null;
  if (manage) {
    const action = MANAGE_BY_CODE.get(manage[1] ?? '');
    if (action) return { kind: 'manage', action, id: Number(manage[2]) };
  }
  return undefined;
}
