/**
 * Application command registration (global and per guild): GET the list, PUT to overwrite it.
 * Validates names, descriptions, options and choices as Discord does; a PUT keeps the id of a
 * command whose name already existed, as Discord does.
 */
import { discordError, invalidBody } from '../errors.ts';
import type { Route } from '../rest.ts';
import { snowflake } from '../snowflake.ts';

type Json = Record<string, unknown>;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Devanagari}\p{sc=Thai}]{1,32}$/u;

export class FakeCommands {
  /** Registered commands by scope: 'global' or a guild id. */
  readonly scopes = new Map<string, Json[]>();

  constructor(private readonly applicationId: string) {}

  routes(): Route[] {
    const app = this.applicationId;
    const scopeOf = (params: string[]) => (params[1] ? params[1] : 'global');
    const pattern = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/;
    const wrongApp = () => discordError(403, 50001, 'Missing Access');
    return [
      {
        method: 'GET',
        pattern,
        auth: 'bot',
        handle: ({ params, query }) => {
          if (params[0] !== app) return wrongApp();
          const list = this.scopes.get(scopeOf(params)) ?? [];
          // Discord leaves localisations out of a listing unless asked for them.
          return {
            status: 200,
            body: query.get('with_localizations') === 'true' ? list : list.map(withoutLocalizations),
          };
        },
      },
      {
        method: 'PUT',
        pattern,
        auth: 'bot',
        handle: ({ params, body }) => {
          if (params[0] !== app) return wrongApp();
          if (!Array.isArray(body))
            return invalidBody([{ path: '', message: 'Must be an array', code: 50035 }]);
          const problems = body.flatMap((c, i) => checkCommand(c, `${i}`));
          if (body.length > 100)
            problems.push({ path: '', message: 'Must be 100 or fewer in length.', code: 50035 });
          const names = body.map((c) => (c as Json).name);
          if (new Set(names).size !== names.length) {
            problems.push({ path: '', message: 'Application command names must be unique', code: 50035 });
          }
          if (problems.length > 0) return invalidBody(problems);
          const scope = scopeOf(params);
          const before = this.scopes.get(scope) ?? [];
          const saved = (body as Json[]).map((c) => {
            const old = before.find((b) => b.name === c.name);
            return {
              type: 1,
              default_member_permissions: null,
              nsfw: false,
              ...c,
              id: old?.id ?? snowflake(),
              application_id: app,
              version: snowflake(),
              ...(scope === 'global' ? {} : { guild_id: scope }),
            };
          });
          this.scopes.set(scope, saved);
          return { status: 200, body: saved };
        },
      },
    ];
  }
}

function withoutLocalizations(command: Json): Json {
  const strip = (o: Json) => {
    const { name_localizations: _n, description_localizations: _d, ...rest } = o;
    return rest;
  };
  const options = Array.isArray(command.options) ? { options: (command.options as Json[]).map(strip) } : {};
  return { ...strip(command), ...options };
}

function checkCommand(c: unknown, path: string) {
  const problems: { path: string; message: string; code: 50035 }[] = [];
  const bad = (p: string, message: string) => problems.push({ path: `${path}.${p}`, message, code: 50035 });
  const cmd = (c ?? {}) as Json;
  if (typeof cmd.name !== 'string' || !NAME.test(cmd.name) || cmd.name !== cmd.name.toLowerCase()) {
    bad('name', 'Command name is invalid');
  }
  if (typeof cmd.description !== 'string' || cmd.description.length < 1 || cmd.description.length > 100) {
    bad('description', 'Must be between 1 and 100 in length.');
  }
  const options = (cmd.options ?? []) as Json[];
  if (!Array.isArray(options) || options.length > 25) bad('options', 'Must be 25 or fewer in length.');
  else {
    let optionalSeen = false;
    for (const [i, o] of options.entries()) {
      if (typeof o.name !== 'string' || !NAME.test(o.name))
        bad(`options.${i}.name`, 'Option name is invalid');
      if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) {
        bad(`options.${i}.description`, 'Must be between 1 and 100 in length.');
      }
      if (o.required === true && optionalSeen)
        bad(`options.${i}.required`, 'Required options must be placed before non-required options');
      if (o.required !== true) optionalSeen = true;
      const choices = o.choices as unknown[] | undefined;
      if (choices !== undefined && (!Array.isArray(choices) || choices.length > 25))
        bad(`options.${i}.choices`, 'Must be 25 or fewer in length.');
      if (o.autocomplete === true && choices !== undefined && choices.length > 0) {
        bad(`options.${i}.autocomplete`, 'Autocomplete cannot be used with choices');
      }
    }
  }
  return problems;
}
