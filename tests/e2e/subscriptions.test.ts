/**
 * Subscriptions end to end, on both platforms: the real discord.js and grammY clients against the
 * fake Discord (a modelled server with roles and channel overwrites) and the fake Bot API, the
 * real SQLite store, content watcher and scheduler on a manual clock, started as `npm start`
 * starts them (adapters/main.ts). Slash commands are registered, members with and without Manage
 * Channels subscribe, articles are dropped into the content directory, and the test asserts on
 * exactly what each channel receives — across restarts.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../adapters/discord/registration.ts';
import { startApp } from '../../adapters/main.ts';
import { silentLogger } from '../../src/logger.ts';
import { subscriptionsCommand } from '../../src/schedule/cli.ts';
import { manualClock } from '../../src/schedule/index.ts';
import {
  type FakeDiscord,
  type FakeMessage,
  type InteractionRecord,
  PERMISSIONS as P,
  startFakeDiscord,
  waitFor,
} from '../fakes/discord/index.ts';
import { defaultUser, type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

const GUILD = '200000000000000001';
const NEWS = '300000000000000001';
const DIGEST = '300000000000000002';
const LOCKED = '300000000000000003';
const FILTERED = '300000000000000004';
const MODS = '500000000000000001';
const ALERTED = '500000000000000002';
const BOT_ROLE = '500000000000000003';
const QUIET = '500000000000000004';
const MANAGER = { roles: [MODS], userId: '100000000000000002', channelId: NEWS };
const MEMBER = { roles: [], userId: '100000000000000003', channelId: NEWS };

const article = (id: string, meta: Record<string, string>, body: string) =>
  `---\nid: ${id}\n${Object.entries(meta)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\nurl: https://example.org/${id}\n---\n\n${body}\n`;

let telegram: FakeTelegram;
let discord: FakeDiscord;
let dir: string;
let contentDir: string;
let dataDir: string;
const clock = manualClock('2026-11-26T12:00:00Z'); // a Thursday

/** Boots the bot as `npm start` does, on the manual clock. */
function boot() {
  return startApp({
    env: {
      CONTENT_DIR: contentDir,
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_BASE: discord.apiBase,
      DEFAULT_TIMEZONE: 'UTC',
      FEED_POLL_MINUTES: '0',
      LOG_LEVEL: 'silent',
    },
    logger: silentLogger,
    schedule: { clock },
    contentDebounceMs: 100,
  });
}

type Data = {
  content?: string;
  flags?: number;
  embeds: { title: string }[];
  components: { components: { custom_id?: string; label: string }[] }[];
  allowed_mentions?: unknown;
};

async function answer(i: InteractionRecord): Promise<{ type?: number; data: Data }> {
  const r = await waitFor(() => i.responses.find((x) => x.via === 'callback'), 15_000, 'an answer');
  if (r.type === 5 || r.type === 6) {
    const later = await waitFor(() => i.responses.find((x) => x.via !== 'callback'), 15_000, 'the edit');
    return { type: r.type, data: later.body as unknown as Data };
  }
  return { type: r.type, data: r.body.data as Data };
}

const posts = (channel: string) => discord.channels.messages.get(channel) ?? [];
const titles = (m: FakeMessage | undefined) => ((m?.embeds ?? []) as { title: string }[]).map((e) => e.title);
const ids = (data: { components: Data['components'] }) =>
  data.components.flatMap((row) => row.components.map((c) => c.custom_id ?? ''));

async function drop(files: Record<string, string>) {
  clock.advance(60_000); // seen after the subscriptions' baseline
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(contentDir, name), text);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-subs-e2e-'));
  contentDir = path.join(dir, 'content');
  dataDir = path.join(dir, 'data');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  telegram = await startFakeTelegram();
  discord = await startFakeDiscord();
  const everyone =
    P.ViewChannel | P.SendMessages | P.EmbedLinks | P.ReadMessageHistory | P.UseApplicationCommands;
  discord.guilds.add({
    id: GUILD,
    name: 'Newsroom',
    ownerId: '100000000000000009',
    roles: [
      { id: GUILD, name: '@everyone', permissions: everyone },
      { id: MODS, name: 'mods', permissions: everyone | P.ManageChannels },
      { id: ALERTED, name: 'alerts', permissions: 0n },
      { id: BOT_ROLE, name: 'briefings', permissions: everyone },
      { id: QUIET, name: 'quiet', permissions: 0n, mentionable: false },
    ],
    channels: [
      { id: NEWS, name: 'news', type: 0 },
      { id: DIGEST, name: 'digest', type: 5 },
      // The bot may send here but not embed: subscribing must say so.
      { id: LOCKED, name: 'locked', type: 0, overwrites: [{ id: BOT_ROLE, type: 0, deny: P.EmbedLinks }] },
      { id: FILTERED, name: 'filtered', type: 0 },
    ],
    botRoles: [BOT_ROLE],
  });
});

afterAll(async () => {
  await telegram?.close();
  await discord?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('subscriptions end to end', () => {
  it('registers /subscribe, /unsubscribe and /subscriptions for Manage Channels, with the promised options', async () => {
    const app = await boot();
    try {
      const report = await registerCommands({
        config: app.config,
        briefings: app.briefings,
        logger: silentLogger,
        guildId: GUILD,
      });
      expect(report.added).toEqual(
        expect.arrayContaining(['subscribe', 'unsubscribe', 'subscriptions', 'sources']),
      );
      const saved = discord.commands.scopes.get(GUILD) ?? [];
      const command = (name: string) => saved.find((c) => c.name === name) as Record<string, unknown>;
      for (const name of ['subscribe', 'unsubscribe', 'subscriptions', 'sources'])
        expect(command(name).default_member_permissions).toBe('16');
      const options = command('subscribe').options as Record<string, unknown>[];
      expect(options.map((o) => [o.name, o.type, o.required, o.autocomplete ?? false])).toEqual([
        ['topic', 3, true, true],
        ['schedule', 3, false, false],
        ['timezone', 3, false, true],
        ['channel', 7, false, false],
        ['mention', 8, false, false],
        ['include', 3, false, false],
        ['exclude', 3, false, false],
        ['language', 3, false, false],
      ]);
      expect(options[3]?.channel_types).toEqual([0, 5]);
      expect((command('subscribe').description_localizations as Record<string, string>)['es-ES']).toMatch(
        /alertas/,
      );
      expect((command('unsubscribe').options as Record<string, unknown>[])[0]).toMatchObject({
        name: 'subscription',
        autocomplete: true,
      });
      expect(
        await registerCommands({
          config: app.config,
          briefings: app.briefings,
          logger: silentLogger,
          guildId: GUILD,
        }),
      ).toMatchObject({ added: [], updated: [] });
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('refuses members without Manage Channels; alerts reach the channel once as embeds, pinging only the role', async () => {
    let app = await boot();
    try {
      await waitFor(() => discord.gateway.connected, 15_000, 'the gateway');
      const refused = await answer(
        discord.slash('subscribe', { topic: 'mexico', schedule: 'alerts' }, MEMBER),
      );
      expect(refused.data.content).toMatch(/Only members with the Manage Channels permission/);
      expect(await app.store.listSubscriptions()).toHaveLength(0);

      const locked = await answer(
        discord.slash('subscribe', { topic: 'mexico', channel: { type: 7, value: LOCKED } }, MANAGER),
      );
      expect(locked.data.content).toMatch(/can't post in #locked: give me the Embed Links permission/);
      expect(await app.store.listSubscriptions()).toHaveLength(0);

      const tz = discord.autocomplete('subscribe', 'timezone', 'europe/mad', MANAGER);
      const choices = await waitFor(() => tz.responses[0], 15_000, 'zones');
      expect((choices.body.data as { choices: { value: string }[] }).choices[0]?.value).toBe('Europe/Madrid');

      const ok = await answer(
        discord.slash(
          'subscribe',
          { topic: 'mexico', schedule: 'alerts', mention: { type: 8, value: ALERTED } },
          MANAGER,
        ),
      );
      expect(ok.data.content).toMatch(
        /Subscribed \(#1\): This channel will get new articles on Mexico as soon as they arrive, pinging <@\u200b?&500000000000000002>/u,
      );
      expect(ok.data.allowed_mentions).toEqual({ parse: [] });

      await drop({
        'oaxaca-2026.md': article(
          'oaxaca-2026',
          { title: 'Oaxaca teachers strike again', date: '2026-11-20', topics: '[mexico]' },
          'Teachers in Oaxaca, Mexico, walked out again on Friday, demanding the wages they were promised.',
        ),
      });
      const [post] = await waitFor(() => posts(NEWS).length > 0 && posts(NEWS), 30_000, 'the alert');
      expect(titles(post)).toEqual(['Oaxaca teachers strike again']);
      expect(post?.content).toMatch(/^<@&500000000000000002> \*\*New on Mexico\*\*/);
      expect(post?.allowed_mentions).toEqual({ roles: [ALERTED] });
    } finally {
      await app.stop();
    }
    app = await boot();
    try {
      expect(await app.scheduler.runOnce()).toMatchObject({ planned: 0, sent: 0 });
      expect(posts(NEWS)).toHaveLength(1);
    } finally {
      await app.stop();
    }
  }, 90_000);

  it('posts a weekly digest at its slot on the fake clock, once, without pinging anyone', async () => {
    let app = await boot();
    try {
      await waitFor(() => discord.gateway.connected, 15_000, 'the gateway');
      const ok = await answer(
        discord.slash(
          'subscribe',
          {
            topic: 'peru',
            schedule: 'weekly monday 09:30',
            timezone: 'UTC',
            channel: { type: 7, value: DIGEST },
          },
          MANAGER,
        ),
      );
      expect(ok.data.content).toMatch(
        /#digest will get a briefing on Peru every Monday at 09:30 \(UTC\)\. Next post: Mon 30 Nov 2026, 09:30/,
      );
      await drop({
        'lima-2026.md': article(
          'lima-2026',
          { title: 'Lima transport workers call a strike', date: '2026-11-25', topics: '[peru]' },
          'Bus drivers in Lima, Peru, stopped work on Wednesday.',
        ),
      });
      // Let the watcher notice it before the slot comes.
      await waitFor(() => app.briefings.engine.article('lima-2026'), 30_000, 'the reload');
      await app.scheduler.contentChanged();
      expect(posts(DIGEST)).toHaveLength(0);
      clock.set('2026-11-30T09:31:00Z');
      await app.scheduler.runOnce();
      expect(posts(DIGEST)).toHaveLength(1);
      expect(titles(posts(DIGEST)[0])).toEqual(['Lima transport workers call a strike']);
      expect(posts(DIGEST)[0]?.content).toMatch(/^\*\*Briefing: Peru\*\*/);
      expect(posts(DIGEST)[0]?.allowed_mentions).toEqual({ parse: [] });
    } finally {
      await app.stop();
    }
    app = await boot();
    try {
      await app.scheduler.runOnce();
      expect(posts(DIGEST)).toHaveLength(1);
    } finally {
      await app.stop();
    }
  }, 90_000);

  it('shapes what is posted: several topics, include and exclude words, a language, on both platforms', async () => {
    const app = await boot();
    try {
      await waitFor(() => discord.gateway.connected, 15_000, 'the gateway');
      const ok = await answer(
        discord.slash(
          'subscribe',
          {
            topic: 'mexico, peru',
            schedule: 'alerts',
            include: 'strike',
            exclude: 'football',
            language: 'en',
            channel: { type: 7, value: FILTERED },
          },
          MANAGER,
        ),
      );
      expect(ok.data.content).toMatch(
        /#filtered will get new articles on Mexico, Peru \(only articles mentioning strike, none mentioning football, in English only\) as soon as they arrive\./,
      );
      telegram.sendText('/subscribe mexico, peru +huelga -futbol lang:es alerts');
      const confirmation = await telegram.waitFor(
        () => telegram.botMessages(defaultUser.id).find((m) => m.text.includes('Mexico, Peru')),
        'the Telegram confirmation',
      );
      expect(confirmation.text).toMatch(
        /only articles mentioning huelga, none mentioning futbol, in Spanish only/,
      );

      await drop({
        'f-a.md': article(
          'f-a',
          {
            title: 'Puebla nurses strike for safer wards',
            date: '2026-11-27',
            topics: '[mexico]',
            twin: 'f-c',
          },
          'Nurses in Puebla, Mexico, began a strike over staffing.',
        ),
        'f-c.md': article(
          'f-c',
          {
            title: 'Enfermeras de Puebla en huelga por salas seguras',
            date: '2026-11-27',
            topics: '[mexico]',
            language: 'es',
            twin: 'f-a',
          },
          'Las enfermeras de Puebla, México, iniciaron una huelga por falta de personal.',
        ),
        'f-b.md': article(
          'f-b',
          { title: 'Lima football clubs strike over TV money', date: '2026-11-27', topics: '[peru]' },
          'Football clubs in Lima, Peru, say the strike will go on.',
        ),
        'f-d.md': article(
          'f-d',
          { title: 'Arequipa miners strike over pay', date: '2026-11-26', topics: '[peru]' },
          'Miners near Arequipa, Peru, stopped work demanding higher pay.',
        ),
        'f-e.md': article(
          'f-e',
          { title: 'Monterrey opens a new metro line', date: '2026-11-27', topics: '[mexico]' },
          'The new line in Monterrey, Mexico, carries its first passengers.',
        ),
        'f-f.md': article(
          'f-f',
          { title: 'Huelga del fútbol en Lima', date: '2026-11-27', topics: '[peru]', language: 'es' },
          'Los clubes de fútbol de Lima, Perú, anunciaron una huelga.',
        ),
        'f-g.md': article(
          'f-g',
          { title: 'Huelga minera en Arequipa', date: '2026-11-26', topics: '[peru]', language: 'es' },
          'Los mineros de Arequipa, Perú, siguen en huelga.',
        ),
      });
      const [post] = await waitFor(() => posts(FILTERED).length > 0 && posts(FILTERED), 30_000, 'the alert');
      expect(titles(post)).toEqual([
        'Puebla nurses strike for safer wards',
        'Arequipa miners strike over pay',
      ]);
      // A lang:es subscription posts in Spanish, topic names included.
      const alert = await telegram.waitFor(
        () => telegram.botMessages(defaultUser.id).find((m) => m.text.includes('Nuevo sobre México, Perú')),
        'the Telegram alert',
      );
      expect(alert.text).toContain('Enfermeras de Puebla en huelga por salas seguras');
      expect(alert.text).toContain('Huelga minera en Arequipa');
      for (const left of ['Huelga del fútbol en Lima', 'Puebla nurses', 'Monterrey', 'Arequipa miners'])
        expect(alert.text).not.toContain(left);
      // The mexico alerts with a role: that channel's post pings the role, the filtered one nobody.
      expect(post?.allowed_mentions).toEqual({ parse: [] });
      await waitFor(() => posts(NEWS).length === 2, 30_000, 'the second mexico alert');
      expect(posts(NEWS)[1]?.allowed_mentions).toEqual({ roles: [ALERTED] });
    } finally {
      await app.stop();
    }
  }, 90_000);

  it('lists with buttons: others are refused, a permanent failure pauses with its reason, resume once fixed', async () => {
    const app = await boot();
    try {
      await waitFor(() => discord.gateway.connected, 15_000, 'the gateway');
      const list = discord.slash('subscriptions', {}, MEMBER);
      const shown = await answer(list);
      expect(shown.data.content).toMatch(/#1 Mexico: as soon as new articles arrive/);
      expect(ids(shown.data)).toEqual(expect.arrayContaining(['sub:p:1', 'sub:n:1', 'sub:u:1']));
      const message = list.original as FakeMessage;

      const pressed = await answer(discord.press('sub:p:1', message, MEMBER));
      expect(pressed.type).toBe(4);
      expect(pressed.data.flags).toBe(64);
      expect(pressed.data.content).toMatch(/Only members with the Manage Channels permission/);
      expect((await app.store.getSubscription(1))?.status).toBe('active');

      // The bot loses Send Messages in #news; the next alert fails and pauses the subscription.
      discord.updateChannel(NEWS, { overwrites: [{ id: BOT_ROLE, type: 0, deny: P.SendMessages }] });
      // The bot's caches follow CHANNEL_UPDATE: naming #news from another channel says what is missing.
      let refusal = '';
      for (let attempt = 0; attempt < 20 && !refusal.includes('Send Messages'); attempt++) {
        await new Promise((r) => setTimeout(r, 100));
        const named = discord.slash(
          'subscribe',
          { topic: 'peru', channel: { type: 7, value: NEWS } },
          { ...MANAGER, channelId: DIGEST },
        );
        refusal = (await answer(named)).data.content ?? '';
      }
      expect(refusal).toMatch(/I can't post in #news: give me the Send Messages permission there first/);
      expect(await app.store.listSubscriptions({ platform: 'discord', chatId: NEWS })).toHaveLength(1);
      await drop({
        'mx-later.md': article(
          'mx-later',
          { title: 'Chiapas farmers block a highway', date: '2026-11-28', topics: '[mexico]' },
          'Farmers in Chiapas, Mexico, blocked a highway.',
        ),
      });
      await waitFor(
        () =>
          discord.rest
            .matching(new RegExp(`/channels/${NEWS}/messages`), 'POST')
            .some((r) => r.status === 403),
        30_000,
        'the refused post',
      );
      const deadline = Date.now() + 15_000;
      while ((await app.store.getSubscription(1))?.status !== 'paused' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await app.store.getSubscription(1))?.pausedReason).toMatch(/I lost a permission I need there/);

      const again = await answer(discord.slash('subscriptions', {}, MANAGER));
      expect(again.data.content).toMatch(/#1 Mexico: .*— paused: I lost a permission I need there/);
      let out = '';
      await subscriptionsCommand.run([], {
        stdout: (t) => {
          out += t;
        },
        stderr: () => undefined,
        env: { DATA_DIR: dataDir, CONTENT_DIR: contentDir },
        color: false,
      });
      expect(out).toMatch(
        /#3 Mexico, Peru → discord 300000000000000004 \(#filtered\).*\n\s+shaped: only articles mentioning strike, none mentioning football, in English only/,
      );
      expect(out).toMatch(
        /#1 Mexico → discord 300000000000000001.*\n\s+shaped: alerts ping role 500000000000000002\n\s+PAUSED: I lost a permission I need there/,
      );

      const still = await answer(discord.press('sub:r:1', message, MANAGER));
      expect(still.data.flags).toBe(64);
      expect(still.data.content).toMatch(
        /Still not fixed: I can't post in this channel: give me the Send Messages permission/,
      );
      discord.updateChannel(NEWS, { overwrites: [] });
      const before = posts(NEWS).length;
      const resumed = await answer(discord.press('sub:r:1', message, MANAGER));
      expect(resumed.type).toBe(7);
      expect(resumed.data.content).toMatch(/^ℹ️ Resumed #1 Mexico\. The post it missed will go out now\./);
      expect(ids(resumed.data)).toContain('sub:p:1');
      expect((await app.store.getSubscription(1))?.status).toBe('active');
      // The alert the lost permission stopped goes out once, still pinging the role.
      await waitFor(() => posts(NEWS).length === before + 1, 15_000, 'the missed alert');
      expect(titles(posts(NEWS).at(-1))).toEqual(['Chiapas farmers block a highway']);
      expect(posts(NEWS).at(-1)?.allowed_mentions).toEqual({ roles: [ALERTED] });

      const now = await answer(discord.press('sub:n:1', message, MANAGER));
      expect(now.data.content).toMatch(/Posting #1 Mexico now: \d+ articles \(nothing new, so the latest\)/);
      await waitFor(() => posts(NEWS).length === before + 2, 15_000, 'the post-now digest');
      const digest = posts(NEWS).at(-1);
      expect(digest?.content).toMatch(/^\*\*Latest on Mexico/);
      expect(titles(digest)[0]).toBe('Chiapas farmers block a highway');
      expect(digest?.allowed_mentions).toEqual({ parse: [] });
      const twice = await answer(discord.press('sub:n:1', message, MANAGER));
      expect(twice.data.content).toMatch(/#1 Mexico was just posted; nothing new since/);
      await new Promise((r) => setTimeout(r, 300));
      expect(posts(NEWS)).toHaveLength(before + 2);

      // /unsubscribe autocompletes this channel's subscriptions; the topic option completes the last of several.
      const auto = discord.autocomplete('unsubscribe', 'subscription', 'mex', MANAGER);
      const subsChoices = await waitFor(() => auto.responses[0], 15_000, 'subscription choices');
      expect((subsChoices.body.data as { choices: unknown[] }).choices).toEqual([
        { name: '#1 Mexico', value: '1' },
      ]);
      const topics = discord.autocomplete('subscribe', 'topic', 'mexico, per', MANAGER);
      const topicChoices = await waitFor(() => topics.responses[0], 15_000, 'topic choices');
      expect((topicChoices.body.data as { choices: { value: string }[] }).choices[0]?.value).toBe(
        'mexico, peru',
      );

      // Telegram: the same list and buttons in the private chat.
      telegram.sendText('/subscriptions');
      const tgList = await telegram.waitFor(
        () =>
          telegram.botMessages(defaultUser.id).find((m) => m.text.startsWith('ℹ️ Subscriptions of this chat')),
        'the Telegram list',
      );
      const buttons = tgList.replyMarkup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];
      const tgId = (await app.store.listSubscriptions({ platform: 'telegram' }))[0]?.id;
      expect(buttons).toEqual(expect.arrayContaining([`s:p:${tgId}`, `s:n:${tgId}`, `s:u:${tgId}`]));
      telegram.pressButton(tgList, `s:p:${tgId}`);
      await telegram.waitFor(() => tgList.edits > 0 && tgList.text.includes('Paused'), 'the edited list');
      expect((await app.store.getSubscription(tgId as number))?.status).toBe('paused');

      // A role nobody may ping (not mentionable, no Mention All Roles) is accepted with a warning.
      const quiet = await answer(
        discord.slash(
          'subscribe',
          { topic: 'honduras', schedule: 'alerts', mention: { type: 8, value: QUIET } },
          { ...MANAGER, channelId: DIGEST },
        ),
      );
      expect(quiet.data.content).toMatch(
        /is not mentionable and I lack Mention All Roles, so the ping will notify nobody/,
      );
    } finally {
      await app.stop();
    }
  }, 90_000);
});
