import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { dotenv: false });

describe('CONTENT_MAX_FILE_MB', () => {
  it('defaults to 5 MB, also when left empty as in .env.example', () => {
    expect(load({}).CONTENT_MAX_FILE_MB).toBe(5);
    expect(load({ CONTENT_MAX_FILE_MB: '' }).CONTENT_MAX_FILE_MB).toBe(5);
    expect(load({ CONTENT_MAX_FILE_MB: '0.5' }).CONTENT_MAX_FILE_MB).toBe(0.5);
  });

  it.each(['abc', '0', '-1', '5000'])('refuses %j, naming the variable', (value) => {
    expect(() => load({ CONTENT_MAX_FILE_MB: value })).toThrow(ConfigError);
    expect(() => load({ CONTENT_MAX_FILE_MB: value })).toThrow(/CONTENT_MAX_FILE_MB/);
  });
});
