/**
 * The fake gateway shards like Discord: IDENTIFY's `shard` is checked (4010 invalid shard, 4011
 * sharding required), guild events reach only the session of the guild's shard, DMs shard 0, and
 * `GET /gateway/bot` recommends a shard count. Driven with a raw WebSocket client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { shardOf } from '../fakes/discord/gateway.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.ts';
import { guildOnShard } from '../fakes/discord/snowflake.ts';

let fake: FakeDiscord | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await fake?.close();
  fake = undefined;
});

interface Conn {
  events: { t: string; d: Record<string, unknown> }[];
  closed: Promise<number>;
  ready: Promise<Record<string, unknown>>;
}

/** Connects and identifies with `shard` (omitted when undefined); answers what the gateway does. */
function identify(f: FakeDiscord, shard: unknown): Conn {
  const ws = new WebSocket(`${f.gateway.url}/?v=10&encoding=json`);
  sockets.push(ws);
  const events: Conn['events'] = [];
  let onReady: (d: Record<string, unknown>) => void = () => {};
  const ready = new Promise<Record<string, unknown>>((r) => {
    onReady = r;
  });
  ws.on('message', (raw) => {
    const p = JSON.parse(String(raw)) as { op: number; t?: string; d: Record<string, unknown> };
    if (p.op === 10) {
      ws.send(
        JSON.stringify({
          op: 2,
          d: {
            token: f.token,
            intents: 1,
            properties: {},
            ...(shard === undefined ? {} : { shard }),
          },
        }),
      );
    }
    if (p.op === 0 && p.t === 'READY') onReady(p.d);
    else if (p.op === 0 && p.t) events.push({ t: p.t, d: p.d });
  });
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return { events, closed, ready };
}

const within = <T>(p: Promise<T>, ms = 5_000) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms))]);

describe('fake gateway sharding', () => {
  it.each([
    ['an id equal to the count', [2, 2]],
    ['a negative id', [-1, 2]],
    ['a zero count', [0, 0]],
    ['a non-integer', [0.5, 2]],
    ['one number', [0]],
    ['not an array', '0,2'],
  ])('closes with 4010 Invalid shard for %s', async (_what, shard) => {
    fake = await startFakeDiscord();
    expect(await within(identify(fake, shard).closed)).toBe(4010);
  });

  it('closes with 4011 Sharding required when the count is below what the bot needs', async () => {
    fake = await startFakeDiscord({ requiredShards: 2 });
    expect(await within(identify(fake, [0, 1]).closed)).toBe(4011);
    expect(await within(identify(fake, undefined).closed)).toBe(4011);
    const ok = identify(fake, [1, 2]);
    expect((await within(ok.ready)).shard).toEqual([1, 2]);
  });

  it('recommends a shard count in GET /gateway/bot', async () => {
    fake = await startFakeDiscord({ recommendedShards: 4, maxConcurrency: 2 });
    const response = await fetch(`${fake.apiBase}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${fake.token}` },
    });
    const body = (await response.json()) as {
      shards: number;
      session_start_limit: { max_concurrency: number };
    };
    expect(body.shards).toBe(4);
    expect(body.session_start_limit.max_concurrency).toBe(2);
  });

  it("routes a guild's interactions only to its shard's session, DMs to shard 0", async () => {
    fake = await startFakeDiscord();
    const zero = identify(fake, [0, 2]);
    const one = identify(fake, [1, 2]);
    expect((await within(zero.ready)).shard).toEqual([0, 2]);
    expect((await within(one.ready)).shard).toEqual([1, 2]);
    const onOne = guildOnShard(1, 2);
    const onZero = guildOnShard(0, 2, 5);
    expect([shardOf(onZero, 2), shardOf(onOne, 2)]).toEqual([0, 1]);
    // A real guild id, checked by hand: (id >> 22) % count.
    expect(shardOf('197038439483310086', 2)).toBe(Number((197038439483310086n >> 22n) % 2n));

    const a = fake.slash('topics', {}, { guildId: onOne });
    const b = fake.slash('topics', {}, { guildId: onZero });
    const c = fake.slash('topics', {}, { dm: true });
    const ids = (conn: Conn) => conn.events.map((e) => e.d.id);
    await within(
      (async () => {
        while (zero.events.length < 2 || one.events.length < 1) await new Promise((r) => setTimeout(r, 10));
      })(),
    );
    expect(ids(one)).toEqual([a.id]);
    expect(ids(zero)).toEqual([b.id, c.id]);
  });

  it('refuses to dispatch a guild event when no session runs its shard', async () => {
    fake = await startFakeDiscord();
    const zero = identify(fake, [0, 2]);
    await within(zero.ready);
    expect(() => fake?.slash('topics', {}, { guildId: guildOnShard(1, 2) })).toThrow(
      /no session runs the shard/,
    );
  });
});
