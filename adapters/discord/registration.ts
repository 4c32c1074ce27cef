/**
 * `briefings discord:register [--guild <id>]`: makes Discord's command list match ours and says
 * what changed. Compares first, so an unchanged list costs one GET and no overwrite.
 */
import { type REST, Routes } from 'discord.js';
import type { Briefings, Config, Logger } from '../../src/index.ts';
import { commandDefinitions } from './commands.ts';
import { createRest, discordCredentials } from './rest.ts';

export interface RegisterReport {
  scope: 'global' | 'guild';
  guildId?: string;
  added: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
  /** One line per change, ready to print. */
  summary: string;
}

export interface RegisterDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
  /** Register in one server only: updates at once, for testing. Global otherwise. */
  guildId?: string;
  /** Injected in tests; built from the config otherwise. */
  rest?: REST;
}

export async function registerCommands(deps: RegisterDeps): Promise<RegisterReport> {
  const { applicationId } = discordCredentials(deps.config);
  const rest = deps.rest ?? createRest(deps.config);
  const scope = deps.guildId ? 'guild' : 'global';
  const route = deps.guildId
    ? Routes.applicationGuildCommands(applicationId, deps.guildId)
    : Routes.applicationCommands(applicationId);
  const wanted = commandDefinitions(scope);
  // Without `with_localizations` Discord omits them, and every command would look changed.
  const existing = (await rest.get(route, {
    query: new URLSearchParams({ with_localizations: 'true' }),
  })) as Record<string, unknown>[];
  const diff = compare(existing, wanted as unknown as Record<string, unknown>[]);
  if (diff.added.length + diff.updated.length + diff.removed.length > 0) {
    await rest.put(route, { body: wanted });
  }
  const report: RegisterReport = {
    scope,
    ...(deps.guildId ? { guildId: deps.guildId } : {}),
    ...diff,
    summary: '',
  };
  report.summary = summarise(report);
  deps.logger.info({ scope, guildId: deps.guildId, ...diff }, 'discord commands registered');
  return report;
}

/** Which commands a PUT of `wanted` adds, changes, keeps and removes, compared by meaning. */
export function compare(existing: Record<string, unknown>[], wanted: Record<string, unknown>[]) {
  const before = new Map(existing.map((c) => [String(c.name), canonical(c)]));
  const names = new Set(wanted.map((c) => String(c.name)));
  const out = {
    added: [] as string[],
    updated: [] as string[],
    unchanged: [] as string[],
    removed: [] as string[],
  };
  for (const c of wanted) {
    const name = String(c.name);
    const old = before.get(name);
    if (old === undefined) out.added.push(name);
    else if (old === canonical(c)) out.unchanged.push(name);
    else out.updated.push(name);
  }
  out.removed = [...before.keys()].filter((n) => !names.has(n));
  return out;
}

/** Fields that define a command's behaviour, with Discord's defaults filled in, as stable JSON. */
function canonical(c: Record<string, unknown>): string {
  const pick = (o: Record<string, unknown>, keys: string[], defaults: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = o[k] ?? defaults[k];
      if (v !== undefined && v !== null) out[k] = k.endsWith('_localizations') ? sortKeys(v as object) : v;
    }
    return out;
  };
  const options = ((c.options as Record<string, unknown>[] | undefined) ?? []).map((o) =>
    pick(
      o,
      [
        'type',
        'name',
        'description',
        'description_localizations',
        'required',
        'autocomplete',
        'min_length',
        'max_length',
        'choices',
        'channel_types',
      ],
      { required: false, autocomplete: false },
    ),
  );
  const top = pick(
    c,
    [
      'type',
      'name',
      'description',
      'description_localizations',
      'default_member_permissions',
      'nsfw',
      'contexts',
      'integration_types',
    ],
    { type: 1, nsfw: false },
  );
  return JSON.stringify({ ...top, options });
}

function sortKeys(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

function summarise(r: RegisterReport): string {
  const where = r.scope === 'guild' ? `guild ${r.guildId}` : 'global (may take up to an hour to appear)';
  const line = (label: string, names: string[]) =>
    `  ${label.padEnd(10)} ${names.length ? names.join(', ') : '-'}`;
  return [
    `Discord commands, ${where}:`,
    line('added', r.added),
    line('updated', r.updated),
    line('unchanged', r.unchanged),
    line('removed', r.removed),
  ].join('\n');
}
