/**
 * Discord sharding end to end, with real processes: two instances of `briefings start`, one with
 * DISCORD_SHARDS=0 and one with DISCORD_SHARDS=1 of DISCORD_SHARD_COUNT=2, against one fake
 * Discord that routes each guild's interactions to its shard's session only. Every interaction,
 * from guilds on both shards and from a DM, is answered exactly once across the instances.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../fakes/discord/gateway.ts';
import {
  type FakeDiscord,
  type InteractionRecord,
  startFakeDiscord,
  waitFor,
} from '../fakes/discord/index.ts';
import { guildOnShard } from '../fakes/discord/snowflake.ts';

const BIN = resolve('bin/briefings.js');
let fake: FakeDiscord;
const children: { child: ChildProcess; output: string[]; exit: Promise<number | null> }[] = [];
const dirs: string[] = [];

function startInstance(env: Record<string, string>) {
  const output: string[] = [];
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      CONTENT_DIR: resolve('content'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b) => output.push(String(b)));
  child.stderr?.on('data', (b) => output.push(String(b)));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const entry = { child, output, exit };
  children.push(entry);
  return entry;
}

/** Stops a child with SIGTERM, and SIGKILL if it has not exited within 10 s. */
async function stop(entry: (typeof children)[number]): Promise<void> {
  if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
  entry.child.kill('SIGTERM');
  const timer = setTimeout(() => entry.child.kill('SIGKILL'), 10_000);
  await entry.exit;
  clearTimeout(timer);
}

const callbacks = (i: InteractionRecord) => fake.rest.matching(new RegExp(`^/interactions/${i.id}/`), 'POST');

beforeAll(async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 2_000, recommendedShards: 2 });
  for (const shard of ['0', '1']) {
    const dataDir = await mkdtemp(join(tmpdir(), `briefings-shard${shard}-`));
    dirs.push(dataDir);
    startInstance({ DATA_DIR: dataDir, DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: shard });
  }
  await waitFor(
    () => fake.gateway.connectedShards().length === 2,
    45_000,
    `both shards to connect (${children.map((c) => c.output.join('')).join(' | ')})`,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  await fake?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('two instances, one shard each', () => {
  it('each instance identified its own shard of two', () => {
    expect(fake.gateway.connectedShards()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const identified = fake.gateway.received
      .filter((e) => e.op === 2)
      .map((e) => (e.d as { shard: unknown }).shard);
    expect(identified.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it('answers interactions from guilds on both shards and from DMs, each exactly once', async () => {
    const guilds = [0, 1].flatMap((shard) => [0, 1, 2].map((n) => guildOnShard(shard, 2, n)));
    expect(guilds.map((g) => shardOf(g, 2))).toEqual([0, 0, 0, 1, 1, 1]);
    const sent = [
      ...guilds.map((guildId, n) =>
        fake.slash(n % 2 ? 'latest' : 'search', n % 2 ? { topic: 'mexico' } : { query: 'honduras' }, {
          guildId,
          channelId: `30000000000000${1000 + n}`,
        }),
      ),
      fake.slash('topics', {}, { dm: true }),
    ];
    for (const i of sent) {
      await waitFor(() => i.acknowledged !== undefined, 20_000, `an answer to interaction ${i.id}`);
    }
    // Give a second (wrong) answer time to arrive before counting.
    await new Promise((r) => setTimeout(r, 500));
    for (const i of sent) {
      const posts = callbacks(i);
      expect(posts, `callbacks to ${i.id}`).toHaveLength(1);
      expect(posts[0]?.status).toBeLessThan(300);
      expect(i.responses.filter((r) => r.via === 'callback')).toHaveLength(1);
    }
    // The gateway delivered each to its shard's session only: guilds by (id >> 22) % 2, DMs to 0.
    const routed = (i: InteractionRecord) =>
      fake.gateway.dispatched.find((d) => (d.d as { id?: string }).id === i.id)?.shards;
    for (const [n, guildId] of guilds.entries()) {
      expect(routed(sent[n] as InteractionRecord)).toEqual([[shardOf(guildId, 2), 2]]);
    }
    expect(routed(sent[guilds.length] as InteractionRecord)).toEqual([[0, 2]]);
  });

  it('a shard that is lost takes only its guilds down; the other instance keeps answering', async () => {
    const [first] = children;
    if (!first) throw new Error('no instance');
    await stop(first);
    await waitFor(() => fake.gateway.connectedShards().length === 1, 15_000, 'shard 0 to disconnect');
    expect(fake.gateway.connectedShards()).toEqual([[1, 2]]);
    const i = fake.slash('latest', { topic: 'mexico' }, { guildId: guildOnShard(1, 2, 7) });
    await waitFor(() => i.acknowledged !== undefined, 20_000, 'the answer from shard 1');
    expect(callbacks(i)).toHaveLength(1);
  });
});
