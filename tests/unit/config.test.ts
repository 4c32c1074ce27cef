import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { dotenv: false });

describe('configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes empty values (as copied from .env.example) as "use the default"', () => {
    const config = load({
      DEFAULT_TIMEZONE: '',
      TELEGRAM_WEBHOOK_PORT: '',
      RATE_LIMIT_PER_MINUTE: ' ',
      DIGEST_GRACE_MINUTES: '',
    });
    expect(config).toMatchObject({
      DEFAULT_TIMEZONE: 'UTC',
      TELEGRAM_WEBHOOK_PORT: 8080,
      RATE_LIMIT_PER_MINUTE: 30,
      DIGEST_GRACE_MINUTES: 360,
    });
  });

  it('reads numbers as plain digits only, naming the variable', () => {
    expect(load({ DIGEST_GRACE_MINUTES: '90' }).DIGEST_GRACE_MINUTES).toBe(90);
    for (const value of ['0x10', '1e3', '-5', '12.5', 'ten']) {
      expect(() => load({ RATE_LIMIT_PER_MINUTE: value }), value).toThrow(/RATE_LIMIT_PER_MINUTE: must be/);
    }
    expect(() => load({ DIGEST_GRACE_MINUTES: '999999' })).toThrow(
      /DIGEST_GRACE_MINUTES: must be at most 10080/,
    );
  });

  it('refuses unusable directories by name', () => {
    const file = path.join(dir, 'file');
    writeFileSync(file, '');
    expect(() => load({ DATA_DIR: file })).toThrow(ConfigError);
    expect(() => load({ DATA_DIR: file })).toThrow(`DATA_DIR: ${file} is a file, not a directory`);
    expect(() => load({ CONTENT_DIR: file })).toThrow(`CONTENT_DIR: ${file} is a file, not a directory`);
    expect(() => load({ CONTENT_DIR: path.join(dir, 'none') })).toThrow(/CONTENT_DIR: .* does not exist/);
    expect(load({ DATA_DIR: path.join(dir, 'later') }).DATA_DIR).toBe(path.join(dir, 'later'));
  });
});
