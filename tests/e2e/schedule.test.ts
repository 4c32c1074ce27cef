/**
 * End to end for scheduled posts: the real grammY and discord.js clients against the fake Bot API
 * and fake Discord on 127.0.0.1, the real SQLite store and content watcher in temporary
 * directories. A chat subscribes by command, a Markdown article is dropped into the content
 * directory, exactly one alert reaches each subscribed chat, and a restart sends no second one.
 * The app is started as `npm start` starts it (adapters/main.ts); the Discord channel subscribes
 * through the core command its slash command runs (the slash path is in subscriptions.test.ts).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../adapters/main.ts';
import { silentLogger } from '../../src/logger.ts';
import { type FakeDiscord, startFakeDiscord, waitFor } from '../fakes/discord/index.ts';
import { defaultUser, type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';

const CHANNEL = '300000000000000001';
const ARTICLE = `---
id: oaxaca-2026
title: Oaxaca teachers strike again
date: 2026-11-20
url: https://example.org/oaxaca-2026
topics: [mexico]
---

Teachers in Oaxaca, Mexico, walked out again on Friday, demanding the wages they were promised.
`;

let telegram: FakeTelegram;
let discord: FakeDiscord;
let dir: string;
let contentDir: string;
let dataDir: string;

/** Boots the bot as `npm start` does, with a short scheduler tick and content debounce. */
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
      FEED_POLL_MINUTES: '0',
      LOG_LEVEL: 'silent',
    },
    logger: silentLogger,
    schedule: { tickMs: 500 },
    contentDebounceMs: 200,
  });
}

const telegramAlerts = () =>
  telegram.botMessages(defaultUser.id).filter((m) => m.text.includes('New on Mexico'));
const discordPosts = () => discord.channels.messages.get(CHANNEL) ?? [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-schedule-e2e-'));
  contentDir = path.join(dir, 'content');
  dataDir = path.join(dir, 'data');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  telegram = await startFakeTelegram();
  discord = await startFakeDiscord();
  discord.channels.add(CHANNEL);
});

afterAll(async () => {
  await telegram?.close();
  await discord?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scheduled alerts end to end', () => {
  it('subscribe, drop an article, one alert per chat, restart, still one', async () => {
    let app = await boot();
    try {
      telegram.sendText('/subscribe mexico alerts');
      const confirmation = await telegram.waitFor(
        () => telegram.botMessages(defaultUser.id).find((m) => m.text.includes('Subscribed')),
        'the /subscribe confirmation',
      );
      expect(confirmation.text).toMatch(/This chat will get new articles on Mexico as soon as they arrive/);

      const viaDiscord = await app.briefings.execute(
        { kind: 'subscribe', args: 'mexico alerts' },
        {
          chat: {
            platform: 'discord',
            chatId: CHANNEL,
            title: '#news',
            userId: '900000000000000001',
            userCanManage: true,
            botCanPost: true,
            isPrivate: false,
          },
        },
      );
      expect(viaDiscord).toMatchObject({ kind: 'notice', tone: 'info' });

      writeFileSync(path.join(contentDir, 'oaxaca-2026.md'), ARTICLE);
      const [alert] = await telegram.waitFor(
        () => telegramAlerts().length > 0 && telegramAlerts(),
        'the Telegram alert',
        30_000,
      );
      expect(alert?.text).toContain('Oaxaca teachers strike again');
      const [post] = await waitFor(
        () => discordPosts().length > 0 && discordPosts(),
        30_000,
        'the Discord alert',
      );
      expect(JSON.stringify(post?.embeds)).toContain('Oaxaca teachers strike again');
      expect(post?.nonce).toMatch(/^[A-Za-z0-9_-]{25}$/);

      // A second reload of the same content (the CLI adding nothing new) sends nothing more.
      await app.scheduler.contentChanged();
    } finally {
      await app.stop();
    }

    app = await boot();
    try {
      const report = await app.scheduler.runOnce();
      expect(report).toMatchObject({ planned: 0, sent: 0 });
      expect(telegramAlerts()).toHaveLength(1);
      expect(discordPosts()).toHaveLength(1);
    } finally {
      await app.stop();
    }
  }, 90_000);
});
