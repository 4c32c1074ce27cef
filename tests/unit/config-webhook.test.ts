/** Webhook settings: an empty value (as copied from .env.example) means the default. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { dotenv: false });

describe('TELEGRAM_WEBHOOK_PORT and TELEGRAM_WEBHOOK_HOST', () => {
  it('takes an empty or blank port as the default 8080, not a random port', () => {
    expect(load({}).TELEGRAM_WEBHOOK_PORT).toBe(8080);
    expect(load({ TELEGRAM_WEBHOOK_PORT: '' }).TELEGRAM_WEBHOOK_PORT).toBe(8080);
    expect(load({ TELEGRAM_WEBHOOK_PORT: '   ' }).TELEGRAM_WEBHOOK_PORT).toBe(8080);
    expect(load({ TELEGRAM_WEBHOOK_PORT: '8443' }).TELEGRAM_WEBHOOK_PORT).toBe(8443);
    expect(load({ TELEGRAM_WEBHOOK_PORT: '0' }).TELEGRAM_WEBHOOK_PORT).toBe(0);
  });

  it('refuses a port that is not a number in range, naming the variable', () => {
    for (const bad of ['http', '70000', '-1', '80.5'])
      expect(() => load({ TELEGRAM_WEBHOOK_PORT: bad })).toThrow(/TELEGRAM_WEBHOOK_PORT:/);
    expect(() => load({ TELEGRAM_WEBHOOK_PORT: 'http' })).toThrow(ConfigError);
  });

  it('binds all interfaces by default (also when empty) and takes a host or address', () => {
    expect(load({}).TELEGRAM_WEBHOOK_HOST).toBe('0.0.0.0');
    expect(load({ TELEGRAM_WEBHOOK_HOST: '' }).TELEGRAM_WEBHOOK_HOST).toBe('0.0.0.0');
    expect(load({ TELEGRAM_WEBHOOK_HOST: '127.0.0.1' }).TELEGRAM_WEBHOOK_HOST).toBe('127.0.0.1');
    expect(load({ TELEGRAM_WEBHOOK_HOST: '::1' }).TELEGRAM_WEBHOOK_HOST).toBe('::1');
    expect(load({ TELEGRAM_WEBHOOK_HOST: 'localhost' }).TELEGRAM_WEBHOOK_HOST).toBe('localhost');
    expect(() => load({ TELEGRAM_WEBHOOK_HOST: 'http://x/' })).toThrow(/TELEGRAM_WEBHOOK_HOST:/);
  });
});
