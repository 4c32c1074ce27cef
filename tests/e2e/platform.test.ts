/**
 * The Platform port (src/platform.ts): a platform that exists only here, registered in a test
 * registry, is started by the app like Telegram or Discord, answers a query, and receives a
 * scheduled alert through the same scheduler, with no change to the core.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { PLATFORMS } from '../../adapters/platforms.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { enabledPlatforms, placeModels } from '../../src/platform.ts';
import { createEchoPlatform } from '../fakes/echo/platform.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `briefings-platform-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the platform registry', () => {
  const config = (env: Record<string, string>) =>
    loadConfig({ CONTENT_DIR: 'content', ...env }, { dotenv: false });

  it('starts the configured platforms, and the console only when none is configured', () => {
    expect(enabledPlatforms(PLATFORMS, config({})).map((p) => p.name)).toEqual(['console']);
    expect(
      enabledPlatforms(PLATFORMS, config({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' })).map(
        (p) => p.name,
      ),
    ).toEqual(['telegram']);
    const { platform: echo } = createEchoPlatform();
    expect(enabledPlatforms([...PLATFORMS, echo], config({})).map((p) => p.name)).toEqual(['echo']);
  });

  it('tells the subscription dialogue how each platform names places', () => {
    const places = placeModels(PLATFORMS);
    expect([places('discord'), places('telegram'), places('console'), places('unknown')]).toEqual([
      'channels',
      'chats',
      'chats',
      'chats',
    ]);
  });
});

describe('a third platform behind the port', () => {
  let app: App;

  it('answers a query and receives a scheduled alert through the same scheduler', async () => {
    const contentDir = tempDir('content');
    cpSync(resolve('content'), contentDir, { recursive: true });
    const dataDir = tempDir('data');
    const echo = createEchoPlatform();
    app = await startApp({
      env: { CONTENT_DIR: contentDir, DATA_DIR: dataDir, LOG_LEVEL: 'silent', FEED_POLL_MINUTES: '0' },
      logger: silentLogger,
      platforms: [...PLATFORMS, echo.platform],
    });
    cleanups.push(() => app.stop());

    await echo.say('room-1', '/latest mexico');
    const answer = echo.inbox.at(-1);
    expect(answer?.via).toBe('answer');
    expect(answer?.text).toMatch(/Mexico/);
    // The platform's page size reached the core: three items, and a next page.
    expect(answer?.text).toMatch(/\(1–3 of \d+\)/);

    await echo.say('room-1', '/subscribe mexico alerts');
    expect(echo.inbox.at(-1)?.text).toMatch(/Subscribed/);
    writeFileSync(
      join(contentDir, 'oaxaca-strike.md'),
      '---\ntitle: Oaxaca teachers strike again\ndate: 2026-11-20\nurl: https://example.org/oaxaca-2026\ntopics: [mexico]\n---\n\nTeachers in Oaxaca, Mexico, walked out again on Friday.\n',
    );
    const post = await until(() => echo.inbox.find((m) => m.via === 'post'), 'the scheduled alert');
    expect(post.chatId).toBe('room-1');
    expect(post.text).toContain('Oaxaca teachers strike again');
    // Nothing reached any other chat, and the alert was posted once.
    expect(echo.inbox.filter((m) => m.via === 'post')).toHaveLength(1);
  }, 60_000);
});
