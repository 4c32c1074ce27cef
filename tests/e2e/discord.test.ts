/**
 * End to end: the bot started the way `npm start` starts it (startApp with DISCORD_TOKEN set),
 * the real discord.js client connected to the fake Discord on 127.0.0.1, driven as a user would.
 * Asserts on the payloads Discord would receive.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { silentLogger } from '../../src/logger.ts';
import {
  type FakeDiscord,
  type FakeMessage,
  type InteractionRecord,
  startFakeDiscord,
  waitFor,
} from '../fakes/discord/index.ts';
import { canPing } from '../fakes/discord/limits.ts';

let fake: FakeDiscord;
let app: App;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-discord-e2e-'));
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
  app = await startApp({
    env: {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      CONTENT_DIR: 'content',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    },
    logger: silentLogger,
  });
  await waitFor(
    () => fake.gateway.connected,
    30_000,
    'the bot to connect to the fake gateway (is Discord wired into startApp?)',
  );
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await rm(dataDir, { recursive: true, force: true });
});

type MessageData = {
  content?: string;
  embeds: { title: string; url?: string; description?: string; footer?: { text: string }; color: number }[];
  components: { components: { custom_id?: string; label: string; url?: string }[] }[];
  allowed_mentions: unknown;
  flags?: number;
};

/** The first callback's type and message data, once the bot has answered. */
async function firstAnswer(i: InteractionRecord): Promise<{ type: number | undefined; data: MessageData }> {
  const r = await waitFor(
    () => i.responses.find((x) => x.via === 'callback'),
    15_000,
    'the initial response',
  );
  return { type: r.type, data: r.body.data as MessageData };
}

const customIds = (data: { components: MessageData['components'] }) =>
  data.components.flatMap((row) => row.components.map((c) => c.custom_id ?? c.url));

describe('Discord bot end to end', () => {
  let latest: InteractionRecord;
  let firstPageTitles: string[] = [];

  it('answers /latest mexico with one embed per article, 2023 first, pinging nobody', async () => {
    latest = fake.slash('latest', { topic: 'mexico' });
    const { type, data } = await firstAnswer(latest);
    expect(type).toBe(4);
    expect(data.content).toMatch(/^\*\*.*Mexico.*\*\* \(1–5 of \d+\)$/);
    expect(data.embeds).toHaveLength(5);
    firstPageTitles = data.embeds.map((e) => e.title);
    expect(data.embeds[0]?.footer?.text).toContain('2023');
    for (const embed of data.embeds) {
      expect(embed.title.length).toBeGreaterThan(0);
      expect(embed.url).toMatch(/^https?:\/\//);
      expect(embed.color).toBe(data.embeds[0]?.color);
    }
    expect(canPing(data as unknown as Record<string, unknown>)).toBe(false);
    expect(customIds(data).filter((id) => id?.startsWith('open:'))).toHaveLength(5);
    expect(customIds(data).some((id) => id?.startsWith('more:'))).toBe(true);
    expect(customIds(data).every((id) => (id ?? '').length <= 100)).toBe(true);
  });

  it('says first in autocomplete which word no article mentions, in the user language', async () => {
    const i = fake.autocomplete('search', 'query', 'atenco', { locale: 'es-ES' });
    const r = await waitFor(() => i.responses.find((x) => x.via === 'callback'), 15_000, 'choices');
    const choices = (r.body.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices[0]).toEqual({ name: 'Ningún artículo menciona “atenco”.', value: 'atenco' });
  });

  it('autocompletes the topic option from the engine, at most 25 choices', async () => {
    const i = fake.autocomplete('latest', 'topic', 'mex');
    const r = await waitFor(
      () => i.responses.find((x) => x.via === 'callback'),
      15_000,
      'autocomplete choices',
    );
    expect(r.type).toBe(8);
    const choices = (r.body.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]?.value.toLowerCase()).toContain('mexico');
  });

  it('pages with the More button by updating the message in place', async () => {
    const message = latest.original as FakeMessage;
    const more = customIds(message as unknown as MessageData).find((id) => id?.startsWith('more:')) as string;
    const i = fake.press(more, message);
    const { type, data } = await firstAnswer(i);
    expect(type).toBe(7);
    expect(data.content).toMatch(/\(6–10 of \d+\)/);
    expect(message.content).toBe(data.content); // the fake applied the update to the same message
    expect(data.embeds.map((e) => e.title).some((t) => firstPageTitles.includes(t))).toBe(false);
  });

  it('opens one article privately from its button, with a link to the source', async () => {
    const message = latest.original as FakeMessage;
    const open = customIds(message as unknown as MessageData).find((id) => id?.startsWith('open:')) as string;
    const i = fake.press(open, message);
    const { type, data } = await firstAnswer(i);
    expect(type).toBe(4);
    expect((data.flags ?? 0) & 64).toBe(64);
    expect(data.embeds).toHaveLength(1);
    expect(data.components[0]?.components[0]?.url).toMatch(/^https?:\/\//);
  });

  it('defers /brief (heavy work) and then edits the briefing in', async () => {
    const i = fake.slash('brief', { topic: 'mexico' });
    await waitFor(() => i.responses.find((x) => x.via === 'edit'), 15_000, 'the edited briefing');
    expect(i.responses.map((r) => r.via)).toEqual(['callback', 'edit']);
    expect(i.responses[0]?.type).toBe(5);
    const edit = i.responses[1]?.body as unknown as MessageData;
    expect(edit.embeds.length).toBeGreaterThan(0);
    expect(edit.allowed_mentions).toEqual({ parse: [] });
  });

  it('works in a DM and answers in the user language', async () => {
    const i = fake.slash('latest', { topic: 'mexico' }, { dm: true, locale: 'es-ES' });
    const { type, data } = await firstAnswer(i);
    expect(type).toBe(4);
    expect(data.content).toMatch(/de \d+\)$/);
    expect(data.components.at(-1)?.components.at(-1)?.label).toBe('Más');
    // The Spanish twin of the Ciudad Juárez article replaces the English one.
    expect(data.embeds.some((e) => e.title.startsWith('La muerte de Migrantes'))).toBe(true);
    expect(firstPageTitles.some((t) => t.startsWith('La muerte de Migrantes'))).toBe(false);
  });

  it('briefs a Spanish reader in Spanish words and topic names, an English one with none', async () => {
    const brief = async (locale: string) => {
      const i = fake.slash('brief', { topic: 'peru' }, { locale });
      await waitFor(() => i.responses.find((x) => x.via === 'edit'), 15_000, 'the edited briefing');
      const data = i.responses[1]?.body as unknown as MessageData;
      // The bot's own words: the heading and overview, footers and the non-article buttons.
      const labels = data.components
        .flatMap((row) => row.components)
        .filter((c) => !c.custom_id?.startsWith('open:'))
        .map((c) => c.label);
      return { content: data.content ?? '', labels };
    };
    const es = await brief('es-419');
    expect(es.content).toMatch(/^\*\*Resumen: Perú\*\* \(1–5 de 9\)\n9 artículos, .+ Temas clave: /);
    expect([es.content, ...es.labels].join('\n')).not.toMatch(
      /\b(Briefing|Key themes|More|articles|of \d+|Peru|Mexico|Repression)\b/,
    );
    const en = await brief('en-US');
    expect(en.content).toMatch(/^\*\*Briefing: Peru\*\* \(1–5 of 9\)\n9 articles, .+ Key themes: /);
    expect([en.content, ...en.labels].join('\n')).not.toMatch(
      /(Resumen|Temas clave|Más|artículos|\bde \d+|Perú|México|Represión)/,
    );
  });

  it('treats typed text that is not a suggested choice as a query, and says when nothing matches', async () => {
    const i = fake.slash('search', { query: 'zzqx nonexistent words' });
    const { type, data } = await firstAnswer(i);
    expect(type).toBe(4);
    expect(data.content?.length).toBeGreaterThan(0);
  });

  it('lists the feed sources with /sources to managers only (read-only)', async () => {
    // In a server, this member lacks Manage Channels: refused, privately.
    const refused = await firstAnswer(fake.slash('sources'));
    expect(refused.data.content).toMatch(/Only administrators of this chat can see the feed sources/);
    // In a DM with the bot, the person is its own administrator.
    const { type, data } = await firstAnswer(fake.slash('sources', {}, { dm: true }));
    expect(type).toBe(4);
    expect(data.content).toMatch(/No feed sources yet\. An operator adds them with: briefings sources add/);
  });

  it('runs a suggested command from a /topics button as a new public answer', async () => {
    const topics = fake.slash('topics');
    const { data } = await firstAnswer(topics);
    const run = customIds(data).find((id) => id?.startsWith('run:/latest ')) as string;
    expect(run).toBeDefined();
    const i = fake.press(run, topics.original as FakeMessage);
    const answer = await firstAnswer(i);
    expect(answer.type).toBe(4);
    expect((answer.data.flags ?? 0) & 64).toBe(0);
    expect(answer.data.embeds.length).toBeGreaterThan(0);
  });

  it('answers an expired or foreign button privately and leaves the message alone', async () => {
    const message = latest.original as FakeMessage;
    const before = message.content;
    for (const customId of ['more:bogus-cursor', 'someone-elses-button']) {
      const { type, data } = await firstAnswer(fake.press(customId, message));
      expect(type).toBe(4);
      expect((data.flags ?? 0) & 64).toBe(64);
      expect(data.content).toMatch(/^(ℹ️|⚠️) /);
    }
    expect(message.content).toBe(before);
  });
});
