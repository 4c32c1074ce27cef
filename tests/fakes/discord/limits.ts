/**
 * What Discord rejects in a message body, checked the way the API does (a 400 "Invalid Form
 * Body", code 50035, or 50006 for an empty message). The fake REST server refuses bodies that
 * fail here; the renderer's property tests use the same checks.
 */

/** One reason Discord would refuse the body; `path` mirrors Discord's error paths. */
export interface LimitViolation {
  path: string;
  message: string;
  /** Discord's JSON error code for the whole request. */
  code: 50035 | 50006;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);

/** Checks a message body (create, edit, interaction response data). `partial` = an edit. */
export function checkMessage(body: unknown, { partial = false } = {}): LimitViolation[] {
  const out: LimitViolation[] = [];
  const bad = (path: string, message: string) => out.push({ path, message, code: 50035 });
  if (!isObject(body)) return [{ path: '', message: 'Body must be an object', code: 50035 }];

  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') bad('content', 'Must be a string');
    else if (body.content.length > 2000) bad('content', 'Must be 2000 or fewer in length.');
  }
  if (body.nonce !== undefined) {
    const n = body.nonce;
    if (!(typeof n === 'string' && n.length <= 25) && !Number.isInteger(n))
      bad('nonce', 'Must be 25 or fewer in length.');
  }
  if (body.enforce_nonce === true && body.nonce === undefined)
    bad('nonce', 'A nonce is required with enforce_nonce.');
  checkAllowedMentions(body.allowed_mentions, bad);

  const embeds = body.embeds ?? [];
  if (!Array.isArray(embeds)) bad('embeds', 'Must be an array');
  else {
    if (embeds.length > 10) bad('embeds', 'Must be 10 or fewer in length.');
    let total = 0;
    embeds.forEach((e, i) => {
      total += checkEmbed(e, `embeds.${i}`, bad);
    });
    if (total > 6000) bad('embeds', 'Embed size exceeds maximum size of 6000');
  }
  checkComponents(body.components ?? [], bad);

  const empty =
    !len(body.content) &&
    (!Array.isArray(body.embeds) || body.embeds.length === 0) &&
    (!Array.isArray(body.components) || body.components.length === 0) &&
    body.poll === undefined &&
    body.sticker_ids === undefined;
  if (empty && !partial) out.push({ path: '', message: 'Cannot send an empty message', code: 50006 });
  return out;
}

function checkAllowedMentions(am: unknown, bad: (p: string, m: string) => void): void {
  if (am === undefined || am === null) return;
  if (!isObject(am)) {
    bad('allowed_mentions', 'Must be an object');
    return;
  }
  const parse = am.parse ?? [];
  if (!Array.isArray(parse) || parse.some((p) => !['users', 'roles', 'everyone'].includes(String(p)))) {
    bad('allowed_mentions.parse', 'Value must be one of {users, roles, everyone}.');
  }
  for (const key of ['users', 'roles'] as const) {
    const list = am[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 100)
      bad(`allowed_mentions.${key}`, 'Must be 100 or fewer in length.');
    else if (Array.isArray(parse) && parse.includes(key) && list.length > 0) {
      bad('allowed_mentions', `parse:["${key}"] and ${key}: [ids...] are mutually exclusive.`);
    }
  }
}

/** Returns the embed's size as Discord counts it toward the 6000-character total. */
function checkEmbed(e: unknown, path: string, bad: (p: string, m: string) => void): number {
  if (!isObject(e)) {
    bad(path, 'Must be an object');
    return 0;
  }
  const max = (v: unknown, n: number, p: string) => {
    if (len(v) > n) bad(`${path}.${p}`, `Must be ${n} or fewer in length.`);
  };
  max(e.title, 256, 'title');
  max(e.description, 4096, 'description');
  let size = len(e.title) + len(e.description);
  if (e.url !== undefined && !(typeof e.url === 'string' && /^https?:\/\/\S+$/.test(e.url))) {
    bad(`${path}.url`, 'Not a well formed URL.');
  }
  if (e.footer !== undefined) {
    const footer = isObject(e.footer) ? e.footer : {};
    max(footer.text, 2048, 'footer.text');
    size += len(footer.text);
  }
  if (e.author !== undefined) {
    const author = isObject(e.author) ? e.author : {};
    max(author.name, 256, 'author.name');
    size += len(author.name);
  }
  const fields = e.fields ?? [];
  if (!Array.isArray(fields) || fields.length > 25) bad(`${path}.fields`, 'Must be 25 or fewer in length.');
  else {
    fields.forEach((f, i) => {
      const field = isObject(f) ? f : {};
      if (len(field.name) < 1 || len(field.name) > 256)
        bad(`${path}.fields.${i}.name`, 'Must be between 1 and 256 in length.');
      if (len(field.value) < 1 || len(field.value) > 1024) {
        bad(`${path}.fields.${i}.value`, 'Must be between 1 and 1024 in length.');
      }
      size += len(field.name) + len(field.value);
    });
  }
  return size;
}

function checkComponents(rows: unknown, bad: (p: string, m: string) => void): void {
  if (!Array.isArray(rows)) {
    bad('components', 'Must be an array');
    return;
  }
  if (rows.length > 5) bad('components', 'Must be 5 or fewer in length.');
  const ids = new Set<string>();
  for (const [r, row] of rows.entries()) {
    const path = `components.${r}`;
    if (!isObject(row) || row.type !== 1 || !Array.isArray(row.components)) {
      bad(path, 'Must be an action row');
      continue;
    }
    if (row.components.length < 1 || row.components.length > 5) {
      bad(`${path}.components`, 'Must be between 1 and 5 in length.');
    }
    for (const [i, c] of row.components.entries()) {
      for (const problem of checkButton(c, ids)) bad(`${path}.components.${i}${problem.at}`, problem.message);
    }
  }
}

/** Checks one button; `ids` collects custom ids, which must be unique across the message. */
function checkButton(c: unknown, ids: Set<string>): { at: string; message: string }[] {
  if (!isObject(c) || c.type !== 2) return [{ at: '', message: 'Only buttons are supported by this fake' }];
  const out: { at: string; message: string }[] = [];
  if (len(c.label) > 80) out.push({ at: '.label', message: 'Must be 80 or fewer in length.' });
  if (c.style === 5) {
    if (typeof c.url !== 'string' || c.url.length > 512 || !/^https?:\/\/\S+$/.test(c.url)) {
      out.push({ at: '.url', message: 'Must be a well formed URL of 512 or fewer in length.' });
    }
    if (c.custom_id !== undefined)
      out.push({ at: '.custom_id', message: 'A link button cannot have a custom id.' });
    return out;
  }
  if (typeof c.custom_id !== 'string' || c.custom_id.length < 1 || c.custom_id.length > 100) {
    out.push({ at: '.custom_id', message: 'Must be between 1 and 100 in length.' });
  } else if (ids.has(c.custom_id)) {
    out.push({ at: '.custom_id', message: 'Component custom id cannot be duplicated' });
  } else {
    ids.add(c.custom_id);
  }
  if (!len(c.label) && c.emoji === undefined)
    out.push({ at: '.label', message: 'A button needs a label or an emoji.' });
  return out;
}

/** Does this body let anything ping? (Discord parses @everyone, users and roles unless told not to.) */
export function canPing(body: Json): boolean {
  const am = body.allowed_mentions;
  if (!isObject(am)) return true;
  const parse = Array.isArray(am.parse) ? am.parse : [];
  const listed = [am.users, am.roles].some((l) => Array.isArray(l) && l.length > 0);
  return parse.length > 0 || listed || am.replied_user === true;
}
