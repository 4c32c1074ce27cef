/**
 * Sharding configuration as `npm start` applies it (startApp in-process): one instance may run
 * several shards, and a gateway that refuses the shard setup stops start-up with an error naming
 * the variable to fix instead of waiting forever.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { ConfigError } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { type FakeDiscord, startFakeDiscord, waitFor } from '../fakes/discord/index.ts';
import { guildOnShard } from '../fakes/discord/snowflake.ts';

let fake: FakeDiscord | undefined;
let app: App | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await app?.stop();
  await fake?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  app = fake = dataDir = undefined;
});

async function start(f: FakeDiscord, env: Record<string, string>): Promise<App> {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-shards-'));
  return startApp({
    env: {
      DISCORD_TOKEN: f.token,
      DISCORD_APPLICATION_ID: f.applicationId,
      DISCORD_API_BASE: f.apiBase,
      CONTENT_DIR: 'content',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...env,
    },
    logger: silentLogger,
  });
}

describe('Discord shards in one instance', () => {
  it('runs DISCORD_SHARDS=0,1 of 2, is ready once both are connected, answers guilds on both once', async () => {
    fake = await startFakeDiscord({ maxConcurrency: 2 });
    app = await start(fake, { DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '1,0', HTTP_PORT: '0' });
    const ready = await fetch(`http://127.0.0.1:${app.httpPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({
      content: 'ok',
      database: 'ok',
      discord: 'ok',
    });
    expect(fake.gateway.connectedShards()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const f = fake;
    const sent = [0, 1].map((shard) => f.slash('topics', {}, { guildId: guildOnShard(shard, 2) }));
    for (const i of sent) await waitFor(() => i.acknowledged !== undefined, 15_000, 'an answer');
    for (const i of sent)
      expect(f.rest.matching(new RegExp(`^/interactions/${i.id}/`), 'POST')).toHaveLength(1);
    const typed = f.autocomplete('latest', 'topic', 'mex', { guildId: guildOnShard(1, 2) });
    await waitFor(() => typed.acknowledged !== undefined, 15_000, 'autocomplete choices');
    const port = app.httpPort;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('briefings_queries_total{platform="discord",command="topics",outcome="ok"} 2');
    expect(metrics).toContain(
      'briefings_queries_total{platform="discord",command="autocomplete",outcome="ok"} 1',
    );

    // The gateway goes away: the shards cannot reconnect, and readiness says so.
    await f.gateway.close();
    let discord = 'ok';
    for (const deadline = Date.now() + 15_000; discord === 'ok' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      discord = ((await r.json()) as { checks: { discord: string } }).checks.discord;
      if (discord !== 'ok') expect(r.status).toBe(503);
    }
    expect(discord).toMatch(/^shard \d \w+/);
  });

  it('stops start-up with a DISCORD_SHARD_COUNT error when Discord requires more shards (4011)', async () => {
    fake = await startFakeDiscord({ requiredShards: 2 });
    const failure = await start(fake, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String((failure as Error).message)).toMatch(/^DISCORD_SHARD_COUNT: .*4011/);
    expect(fake.gateway.connected).toBe(false);
  });
});
