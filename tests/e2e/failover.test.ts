/**
 * Failover with real processes: three instances (`bin/briefings.js start`, as `npm start` runs it)
 * share one PostgreSQL schema and the fake Telegram Bot API. 200 subscriptions fall due at once;
 * while they are being posted one instance is killed with SIGKILL. Every post reaches its chat at
 * most once (exactly once unless it was in flight at the kill, when it is `unknown` and never
 * resent, Telegram's rule), the dead instance's claimed work is posted by the others within 15 s,
 * and the three never long-poll at the same time (the fake answers 409 to overlapping getUpdates).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_SCHEDULER_DEFAULTS } from '../../src/schedule/index.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/types.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import {
  admin,
  createSchema,
  dropSchema,
  postgresForTests,
  requiredButMissing,
  schemaName,
  TEST_DATABASE_URL,
  urlWithSchema,
} from '../support/postgres.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SUBSCRIPTIONS = 200;
const TAKEOVER_LIMIT_MS = 15_000;

const postgres = await postgresForTests('the three-instance failover test');
const missing = requiredButMissing(postgres);
if (missing) {
  it('failover across instances', () => {
    throw new Error(missing);
  });
}

interface Instance {
  child: ChildProcess;
  dataDir: string;
  stderr: string[];
}

describe.skipIf(!postgres.available)('three instances on one PostgreSQL', () => {
  let telegram: FakeTelegram;
  let schema: string;
  let store: Store;
  const instances: Instance[] = [];
  const query = <R extends Record<string, unknown>>(sql: string, values: unknown[] = []) =>
    admin<R>(sql, values, schema);

  function startInstance(): Instance {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'briefings-failover-'));
    const child = spawn(process.execPath, ['bin/briefings.js', 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONTENT_DIR: path.join(ROOT, 'content'),
        DATA_DIR: dataDir,
        DATABASE_URL: urlWithSchema(schema),
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const instance: Instance = { child, dataDir, stderr: [] };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      instance.stderr.push(chunk);
      if (instance.stderr.length > 2000) instance.stderr.shift();
    });
    instances.push(instance);
    return instance;
  }

  const logs = (i: Instance) => i.stderr.join('');
  const until = async (probe: () => Promise<boolean> | boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}\n${instances.map((i) => logs(i).slice(-3000)).join('\n---\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    // A slow network: each post takes 120 ms, so a kill lands with posts in flight.
    telegram.state.latency.set('sendMessage', 120);
    schema = schemaName('failover');
    await createSchema(schema);
    store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
  });

  afterAll(async () => {
    for (const { child } of instances) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      instances.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
          }),
      ),
    );
    for (const { dataDir } of instances) rmSync(dataDir, { recursive: true, force: true });
    await store?.close();
    await telegram?.close();
    if (schema) await dropSchema(schema);
  });

  it('posts every due digest once, and takes over a killed instance within 15 s', async () => {
    const pids = new Map<number, Instance>();
    for (let i = 0; i < 3; i++) {
      const instance = startInstance();
      if (instance.child.pid) pids.set(instance.child.pid, instance);
    }
    // All three up: each registered the command menu, and one of them long-polls.
    await until(
      // Each registers the default menu (no language_code) and a Spanish one.
      () =>
        telegram.state.calls.filter((c) => c.method === 'setMyCommands' && !c.params.language_code).length >=
        3,
      'three instances to start',
      90_000,
    );
    await until(
      () => instances.every((i) => /telegram bot polling|standing by/.test(logs(i))),
      'the poller election',
      30_000,
    );
    expect(instances.filter((i) => logs(i).includes('telegram bot polling'))).toHaveLength(1);

    // 200 channels subscribed to a daily digest whose slot (this minute) has just come.
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const time = minute.toISOString().slice(11, 16);
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const chatId = -1_000_000 - i;
      telegram.state.addChat({ id: chatId, type: 'supergroup', title: `Channel ${i}` });
      await store.addSubscription({
        platform: 'telegram',
        chatId: String(chatId),
        topic: 'mexico',
        topicLabel: 'Mexico',
        cadence: { kind: 'daily', time },
        timezone: 'UTC',
        whenEmpty: 'latest',
        createdBy: '1',
        createdAt: minute.getTime() - 60_000,
        nextRunAt: minute.getTime(),
      });
    }
    const started = Date.now();
    const sentCount = async () =>
      Number(
        (await query<{ n: string }>(`SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'`))[0]?.n,
      );

    // In the middle: once posting is under way, kill an instance holding a good share of the work.
    let holders: { claimed_by: string; n: string }[] = [];
    await until(
      async () => {
        if ((await sentCount()) < 20) return false;
        holders = await query<{ claimed_by: string; n: string }>(
          `SELECT claimed_by, COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')
           AND claimed_by IS NOT NULL GROUP BY claimed_by ORDER BY COUNT(*) DESC`,
        );
        // Well above what the check below needs: the victim keeps posting until the kill lands.
        return Number(holders[0]?.n ?? 0) >= 20;
      },
      'an instance holding unfinished work',
      60_000,
    );
    const busiest = holders[0];
    expect(busiest, 'some instance holds unfinished work at the kill').toBeDefined();
    const pid = Number(busiest?.claimed_by.split(':')[1]);
    const victim = pids.get(pid);
    expect(victim, `instance with pid ${pid}`).toBeDefined();
    victim?.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise<void>((resolve) => {
      if (victim?.child.exitCode !== null || victim?.child.signalCode !== null) resolve();
      else victim?.child.once('exit', () => resolve());
    });
    // What it left unfinished: claimed and never posted, or cut off mid-send.
    const orphans = (
      await query<{ id: number }>(
        `SELECT id FROM deliveries WHERE claimed_by = $1 AND status IN ('pending', 'sending')`,
        [busiest?.claimed_by],
      )
    ).map((r) => Number(r.id));
    const sentAtKill = await sentCount();

    // Every orphan is finished by the survivors; the first of them within 15 s.
    let firstTakeover: number | undefined;
    let allTakenOver = 0;
    await until(
      async () => {
        const rows = await query<{ id: string; status: string }>(
          'SELECT id, status FROM deliveries WHERE id = ANY($1::bigint[])',
          [orphans],
        );
        const done = rows.filter((r) => r.status === 'sent' || r.status === 'unknown');
        if (done.length > 0 && firstTakeover === undefined) firstTakeover = Date.now() - killedAt;
        allTakenOver = Date.now() - killedAt;
        return done.length === orphans.length;
      },
      "the dead instance's work to be taken over",
      60_000,
    );
    await until(
      async () =>
        Number(
          (
            await query<{ n: string }>(
              `SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('sent', 'unknown', 'failed', 'cancelled')`,
            )
          )[0]?.n,
        ) === SUBSCRIPTIONS,
      'every delivery to finish',
      60_000,
    );
    const finishedIn = Date.now() - started;

    const deliveries = await query<{
      id: string;
      chat_id: string;
      status: string;
      message_id: string | null;
      error: string | null;
    }>('SELECT id, chat_id, status, message_id, error FROM deliveries');
    expect(deliveries).toHaveLength(SUBSCRIPTIONS);
    const byStatus = (s: string) => deliveries.filter((d) => d.status === s);
    // Only posts in flight at the kill may be uncertain: the dead instance's, at most as many as it
    // sends at once.
    const uncertain = byStatus('unknown').map(
      (d) => `${d.id}${orphans.includes(Number(d.id)) ? '' : ' (not the dead instance’s)'}: ${d.error}`,
    );
    expect(byStatus('unknown').length, uncertain.join('\n')).toBeLessThanOrEqual(
      SHARED_SCHEDULER_DEFAULTS.concurrency,
    );
    for (const d of byStatus('unknown')) expect(orphans).toContain(Number(d.id));
    expect(byStatus('sent').length + byStatus('unknown').length).toBe(SUBSCRIPTIONS);
    for (const d of deliveries) {
      const messages = telegram.botMessages(Number(d.chat_id));
      // Never twice; exactly once when recorded as sent (with that message's id).
      expect(messages.length, `posts in chat ${d.chat_id}`).toBeLessThanOrEqual(1);
      if (d.status === 'sent') {
        expect(messages.map((m) => String(m.messageId))).toEqual([d.message_id]);
      }
    }
    expect(orphans.length).toBeGreaterThan(0);
    // Most of its work had not started: the survivors posted it.
    const orphanRows = deliveries.filter((d) => orphans.includes(Number(d.id)));
    expect(orphanRows.filter((d) => d.status === 'sent').length).toBeGreaterThan(0);
    expect(firstTakeover).toBeLessThan(TAKEOVER_LIMIT_MS);
    expect(await sentCount()).toBeGreaterThan(sentAtKill);
    // Never two pollers at once, even across the kill.
    expect(telegram.state.pollConflicts).toBe(0);
    expect(telegram.state.calls.filter((c) => c.status === 409)).toEqual([]);
    process.stderr.write(
      `[failover] ${SUBSCRIPTIONS} posts in ${finishedIn} ms; killed pid ${pid} holding ${orphans.length}; ` +
        `first takeover after ${firstTakeover} ms, all after ${allTakenOver} ms; unknown ${byStatus('unknown').length}\n`,
    );
  }, 240_000);

  it('hands long polling to another instance when the poller is killed', async () => {
    const alive = instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
    expect(alive.length).toBeGreaterThanOrEqual(2);
    // If the first test killed the poller, its lease may not have passed to a survivor yet.
    let poller: Instance | undefined;
    await until(
      async () => {
        const [lease] = await query<{ holder: string }>(
          `SELECT holder FROM leases WHERE name = 'telegram-poller'`,
        );
        poller = alive.find((i) => i.child.pid === Number(lease?.holder.split(':')[1]));
        return poller !== undefined;
      },
      'a live instance to hold the poller lease',
      30_000,
    );
    poller?.child.kill('SIGKILL');
    const killedAt = Date.now();
    const chat = { id: 4242, type: 'private' as const, first_name: 'Ana' };
    telegram.sendText('/help', { chat, from: { id: 4242, is_bot: false, first_name: 'Ana' } });
    await until(() => telegram.botMessages(chat.id).length > 0, 'an answer from the new poller', 30_000);
    const answeredIn = Date.now() - killedAt;
    expect(answeredIn).toBeLessThan(TAKEOVER_LIMIT_MS);
    expect(telegram.botMessages(chat.id)).toHaveLength(1);
    expect(telegram.state.pollConflicts).toBe(0);
    process.stderr.write(`[failover] poller killed; next update answered after ${answeredIn} ms\n`);
  }, 60_000);
});
