/**
 * The Discord front end: a discord.js client that answers slash commands, autocomplete and
 * buttons from the core, plus command registration and the scheduler's publisher.
 */
import { Client, Events, GatewayCloseCodes, GatewayIntentBits, RESTEvents, Status } from 'discord.js';
import type { Briefings } from '../../src/commands/index.ts';
import { type Config, ConfigError } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { createInteractionHandler, type HandlerOptions } from './interactions.ts';
import { discordCredentials, restOptions } from './rest.ts';

export { createDiscordPublisher, type DiscordPublisher } from './publisher.ts';
export { type RegisterReport, registerCommands } from './registration.ts';
export { renderReply } from './render.ts';

export interface DiscordDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
}

/** How long `stop()` waits for answers already being written before closing the connection. */
const DRAIN_MS = 5_000;

/**
 * Logs in and resolves once the gateway session is ready. discord.js queues REST calls under
 * rate limits and resumes dropped gateway sessions; `stop()` lets in-flight answers finish.
 */
export async function startDiscord(
  deps: DiscordDeps,
  options: HandlerOptions = {},
): Promise<{ client: Client; stop(): Promise<void>; connected(): true | string }> {
  const { token } = discordCredentials(deps.config);
  const logger = deps.logger.child({ platform: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: restOptions(deps.config),
    allowedMentions: { parse: [] },
    ...shardOptions(deps.config),
  });
  const handle = createInteractionHandler(deps.briefings, logger, options);
  const inFlight = new Set<Promise<void>>();
  client.on(Events.InteractionCreate, (interaction) => {
    const job = handle(interaction).finally(() => inFlight.delete(job));
    inFlight.add(job);
  });
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ shard, code: event.code }, 'gateway disconnected'),
  );
  let stopping: Promise<void> | undefined;
  client.on(Events.ShardReconnecting, (shard) => {
    if (!stopping) logger.info({ shard }, 'gateway reconnecting');
  });
  client.on(Events.ShardResume, (shard, replayed) =>
    logger.info({ shard, replayed }, 'gateway session resumed'),
  );
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn(
      { route: info.route, retryAfter: info.retryAfter, global: info.global },
      'discord rate limited; queued',
    ),
  );

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  // A shard Discord closes for good before the client is ready (bad shard, sharding required,
  // bad token) would leave login waiting forever: fail start-up instead, naming the cause.
  const refused = new Promise<never>((_, reject) =>
    client.on(Events.ShardDisconnect, (event, shard) => {
      if (!client.isReady()) reject(gatewayRefusal(event.code, shard, deps.config));
    }),
  );
  refused.catch(() => undefined);
  try {
    await client.login(token);
    await Promise.race([ready, refused]);
  } catch (error) {
    await client.destroy();
    // @discordjs/ws fails login with these messages when the gateway closes with 4010 / 4011.
    const message = (error as Error)?.message;
    const shard = deps.config.DISCORD_SHARDS?.join(',') ?? '0';
    if (message === 'Invalid shard') throw gatewayRefusal(GatewayCloseCodes.InvalidShard, shard, deps.config);
    if (message === 'Sharding is required')
      throw gatewayRefusal(GatewayCloseCodes.ShardingRequired, shard, deps.config);
    throw error;
  }
  logger.info(
    { user: client.user?.tag, shards: client.options.shards, shardCount: client.options.shardCount },
    'discord bot ready',
  );

  return {
    client,
    connected: () => shardsConnected(client),
    stop() {
      stopping ??= (async () => {
        const drained = Promise.allSettled([...inFlight]);
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
        await client.destroy();
        logger.info('discord bot stopped');
      })();
      return stopping;
    },
  };
}

/** discord.js options for the shards this instance runs (DISCORD_SHARDS of DISCORD_SHARD_COUNT). */
export function shardOptions(config: Config): { shards?: number[]; shardCount?: number } {
  return config.DISCORD_SHARDS && config.DISCORD_SHARD_COUNT
    ? { shards: [...config.DISCORD_SHARDS].sort((a, b) => a - b), shardCount: config.DISCORD_SHARD_COUNT }
    : {};
}

/** Why the gateway closed a shard for good, as a configuration error when the cause is ours. */
function gatewayRefusal(code: number, shard: number | string, config: Config): Error {
  const count = config.DISCORD_SHARD_COUNT ?? 1;
  switch (code) {
    case GatewayCloseCodes.InvalidShard:
      return new ConfigError(
        `DISCORD_SHARDS: Discord refused shard ${shard} of ${count} (gateway close code 4010, invalid shard)`,
      );
    case GatewayCloseCodes.ShardingRequired:
      return new ConfigError(
        `DISCORD_SHARD_COUNT: Discord requires more shards than ${count} for this bot's servers (gateway close code 4011); raise DISCORD_SHARD_COUNT and spread the shards over DISCORD_SHARDS`,
      );
    case GatewayCloseCodes.AuthenticationFailed:
      return new ConfigError('DISCORD_TOKEN: Discord refused the token (gateway close code 4004)');
    default:
      return new Error(
        `Discord gateway closed shard ${shard} with code ${code} (${GatewayCloseCodes[code] ?? 'unknown'}) before it was ready`,
      );
  }
}

const STATUS_NAMES: Record<number, string> = {
  [Status.Ready]: 'ready',
  [Status.Connecting]: 'connecting',
  [Status.Reconnecting]: 'reconnecting',
  [Status.Idle]: 'idle',
  [Status.Nearly]: 'nearly ready',
  [Status.Disconnected]: 'disconnected',
  [Status.WaitingForGuilds]: 'waiting for guilds',
  [Status.Identifying]: 'identifying',
  [Status.Resuming]: 'resuming',
};

/** True when every shard of this instance is connected; otherwise which are not, and why. */
function shardsConnected(client: Client): true | string {
  const down = [...client.ws.shards.values()]
    .filter((shard) => shard.status !== Status.Ready)
    .map((shard) => `shard ${shard.id} ${STATUS_NAMES[shard.status] ?? `status ${shard.status}`}`);
  if (client.ws.shards.size === 0) return 'no gateway shards';
  return down.length === 0 ? true : down.join(', ');
}
