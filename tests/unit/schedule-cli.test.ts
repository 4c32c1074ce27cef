import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionsCommand } from '../../src/schedule/cli.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

async function runCommand(args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await subscriptionsCommand.run(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env,
  });
  return { code, stdout, stderr };
}

describe('briefings subscriptions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-cli-'));
    const store = openSqliteStore({ dataDir: dir });
    const base = {
      topic: 'mexico',
      topicLabel: 'Mexico',
      timezone: 'Europe/Madrid',
      whenEmpty: 'skip' as const,
      createdBy: 'u',
      createdAt: 0,
    };
    const daily = await store.addSubscription({
      ...base,
      platform: 'discord',
      chatId: '100',
      chatTitle: '#news\u0007',
      cadence: { kind: 'daily', time: '08:00' },
      nextRunAt: Date.parse('2026-11-23T07:00:00Z'),
    });
    const alerts = await store.addSubscription({
      ...base,
      platform: 'telegram',
      chatId: '-1001',
      cadence: { kind: 'alerts' },
    });
    const payload = { kind: 'notice', tone: 'info', message: 'x' } as const;
    const d = await store.planDelivery({
      key: 'k1',
      subscriptionId: daily.id,
      kind: 'digest',
      articleIds: ['a'],
      payload,
      at: 1000,
      subscription: { lastOutcome: 'digest with 1 new' },
    });
    await store.startAttempt(d?.id ?? -1, 2000);
    await store.finishAttempt(d?.id ?? -1, {
      status: 'sent',
      messageId: '555',
      at: Date.parse('2026-11-22T07:00:01Z'),
    });
    const t = await store.planDelivery({
      key: 'k2',
      subscriptionId: alerts.id,
      kind: 'alert',
      articleIds: ['a'],
      payload,
      at: 1000,
      subscription: {},
    });
    await store.startAttempt(t?.id ?? -1, 2000);
    await store.recoverInterrupted('telegram', false, 3000);
    await store.pauseSubscription(alerts.id, 'Forbidden: bot was kicked', 4000);
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every subscription with next run, last delivery and pause reason', async () => {
    const { code, stdout } = await runCommand([], { DATA_DIR: dir });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        '#1 Mexico → discord 100 (#news ): every day at 08:00 (Europe/Madrid)',
        '    next run: Mon 23 Nov 2026, 08:00 CET',
        '    last delivery: digest sent 2026-11-22T07:00:01.000Z (message 555)',
        '    last check: digest with 1 new',
        '',
        '#2 Mexico → telegram -1001: as soon as new articles arrive',
        '    PAUSED: Forbidden: bot was kicked',
        '    last delivery: alert unknown 1970-01-01T00:00:03.000Z — interrupted mid-send; may or may not have posted, not resent',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await runCommand(['--json'], { DATA_DIR: dir });
    expect(code).toBe(0);
    const { subscriptions } = JSON.parse(stdout);
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions[0]).toMatchObject({
      id: 1,
      nextRunAt: '2026-11-23T07:00:00.000Z',
      lastDelivery: { status: 'sent', messageId: '555' },
    });
    expect(subscriptions[1]).toMatchObject({
      status: 'paused',
      nextRunAt: null,
      lastDelivery: { status: 'unknown' },
    });
  });

  it('rejects unknown options and bad configuration', async () => {
    expect((await runCommand(['--yaml'], { DATA_DIR: dir })).code).toBe(2);
    const bad = await runCommand([], { DATA_DIR: dir, DEFAULT_TIMEZONE: 'Mars/Base' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DEFAULT_TIMEZONE/);
  });
});
