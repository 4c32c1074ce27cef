/** `discord:register` against the fake Discord, through discord.js's REST client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../adapters/discord/index.ts';
import { type Briefings, createBriefings } from '../../src/commands/index.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { loadEngine } from '../../src/content/load.ts';
import { silentLogger as logger } from '../../src/logger.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';

let fake: FakeDiscord;
let config: Config;
let briefings: Briefings;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-register-'));
  fake = await startFakeDiscord();
  config = loadConfig(
    { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_BASE: fake.apiBase },
    { dotenv: false },
  );
  briefings = createBriefings((await loadEngine({ contentDir: 'content', dataDir, logger })).engine);
}, 60_000);
afterAll(async () => {
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
});

const NAMES = [
  'latest',
  'search',
  'brief',
  'topics',
  'article',
  'help',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'sources',
];
const puts = () => fake.rest.matching(/\/commands$/, 'PUT').length;

describe('registerCommands', () => {
  it('adds every command globally, usable in servers and DMs, with autocompleting options', async () => {
    const report = await registerCommands({ config, briefings, logger });
    expect(report).toMatchObject({ scope: 'global', added: NAMES, updated: [], unchanged: [], removed: [] });
    expect(report.summary).toContain(
      'added      latest, search, brief, topics, article, help, subscribe, unsubscribe, subscriptions, sources',
    );
    const saved = fake.commands.scopes.get('global') ?? [];
    expect(saved.map((c) => c.name)).toEqual(NAMES);
    for (const c of saved) expect(c.contexts).toEqual([0, 1]);
    const latest = saved.find((c) => c.name === 'latest') as {
      options: { autocomplete: boolean; required: boolean }[];
    };
    expect(latest.options[0]).toMatchObject({ autocomplete: true, required: false });
    // Changing what a channel receives needs Manage Channels unless a server decides otherwise.
    const gated = saved.filter((c) => c.default_member_permissions === '16').map((c) => c.name);
    expect(gated).toEqual(['subscribe', 'unsubscribe', 'subscriptions', 'sources']);
  });

  it('reports everything unchanged on a second run and does not overwrite', async () => {
    const before = puts();
    const report = await registerCommands({ config, briefings, logger });
    expect(report).toMatchObject({ added: [], updated: [], unchanged: NAMES, removed: [] });
    expect(puts()).toBe(before);
  });

  it('reports updated and removed commands against what Discord holds', async () => {
    const saved = fake.commands.scopes.get('global') ?? [];
    fake.commands.scopes.set('global', [
      ...saved.map((c) => (c.name === 'help' ? { ...c, description: 'old words' } : c)),
      { ...saved[0], name: 'obsolete', id: '1' },
    ]);
    const report = await registerCommands({ config, briefings, logger });
    expect(report).toMatchObject({ updated: ['help'], removed: ['obsolete'], added: [] });
    expect(fake.commands.scopes.get('global')?.map((c) => c.name)).toEqual(NAMES);
  });

  it('registers in one guild without the global-only fields', async () => {
    const report = await registerCommands({ config, briefings, logger, guildId: '200000000000000001' });
    expect(report).toMatchObject({ scope: 'guild', guildId: '200000000000000001', added: NAMES });
    expect(report.summary.split('\n')[0]).toBe('Discord commands, guild 200000000000000001:');
    for (const c of fake.commands.scopes.get('200000000000000001') ?? []) expect(c.contexts).toBeUndefined();
  });
});
