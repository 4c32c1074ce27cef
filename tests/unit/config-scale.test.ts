/**
 * Configuration for running several instances: HTTP_PORT, DISCORD_SHARD_COUNT and DISCORD_SHARDS.
 * Every mistake is refused at start-up with the variable's name and a reason (exit 2).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { dotenv: false });
const problem = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('HTTP_PORT', () => {
  it('is off by default and takes a port number (0 picks a free one)', () => {
    expect(load({}).HTTP_PORT).toBeUndefined();
    expect(load({ HTTP_PORT: '' }).HTTP_PORT).toBeUndefined();
    expect(load({ HTTP_PORT: '9464' }).HTTP_PORT).toBe(9464);
    expect(load({ HTTP_PORT: '0' }).HTTP_PORT).toBe(0);
  });

  it.each(['65536', '-1', '80.5', 'http', '9464 '.repeat(2)])('refuses %j', (value) => {
    expect(problem({ HTTP_PORT: value })).toMatch(/HTTP_PORT: must be a port number from 0 to 65535/);
  });

  it('refuses a shared webhook path that would hide an operations path', () => {
    const env = {
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/metrics',
      TELEGRAM_WEBHOOK_SECRET: 'secret',
      TELEGRAM_WEBHOOK_PORT: '8080',
    };
    expect(problem({ ...env, HTTP_PORT: '8080' })).toMatch(/TELEGRAM_WEBHOOK_URL: its path must not be/);
    expect(problem({ ...env, HTTP_PORT: '9464' })).toBe('accepted');
  });
});

describe('DISCORD_SHARD_COUNT and DISCORD_SHARDS', () => {
  it('are both unset by default, and parse together', () => {
    const defaults = load({});
    expect([defaults.DISCORD_SHARD_COUNT, defaults.DISCORD_SHARDS]).toEqual([undefined, undefined]);
    expect(load({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: ' 3, 1 ' })).toMatchObject({
      DISCORD_SHARD_COUNT: 4,
      DISCORD_SHARDS: [3, 1],
    });
  });

  it.each([
    [{ DISCORD_SHARD_COUNT: '2' }, /DISCORD_SHARDS: is required when DISCORD_SHARD_COUNT is set/],
    [{ DISCORD_SHARDS: '0' }, /DISCORD_SHARD_COUNT: is required when DISCORD_SHARDS is set/],
    [
      { DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '0,2' },
      /DISCORD_SHARDS: shard 2 is outside 0\.\.1 \(DISCORD_SHARD_COUNT is 2\)/,
    ],
    [{ DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '1,1' }, /DISCORD_SHARDS: lists shard 1 twice/],
    [
      { DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '0;1' },
      /DISCORD_SHARDS: must be shard ids separated by commas/,
    ],
    [
      { DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '-1' },
      /DISCORD_SHARDS: must be shard ids separated by commas/,
    ],
    [
      { DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '0,' },
      /DISCORD_SHARDS: must be shard ids separated by commas/,
    ],
    [
      { DISCORD_SHARD_COUNT: '0', DISCORD_SHARDS: '0' },
      /DISCORD_SHARD_COUNT: must be a whole number from 1 to 65535/,
    ],
    [{ DISCORD_SHARD_COUNT: 'two', DISCORD_SHARDS: '0' }, /DISCORD_SHARD_COUNT: must be a whole number/],
  ])('refuses %j', (env, message) => {
    expect(problem(env)).toMatch(message);
  });

  it('stops `briefings start` with exit code 2 and the variable named', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'briefings-config-'));
    try {
      const failure = await promisify(execFile)(process.execPath, [resolve('bin/briefings.js'), 'start'], {
        env: {
          PATH: process.env.PATH ?? '',
          CONTENT_DIR: 'content',
          DATA_DIR: dataDir,
          DISCORD_SHARD_COUNT: '2',
          DISCORD_SHARDS: '0,1,2',
        },
        timeout: 30_000,
      }).catch((e: { code: number; stderr: string }) => e);
      expect(failure).toMatchObject({ code: 2 });
      const { stderr } = failure as { stderr: string };
      expect(stderr).toMatch(/DISCORD_SHARDS: shard 2 is outside 0\.\.1/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
