/**
 * The Discord front end: a discord.js client that answers slash commands, autocomplete and
 * buttons from the core, plus command registration and the scheduler's publisher.
 *
 * Start-up first asks Discord's REST API for the gateway a bounded number of times, logging each
 * failed attempt, then fails with PlatformUnavailableError (or ConfigError for a refused token);
 * the gateway session must then be ready within READY_TIMEOUT_MS. `stop()` ends within a bound
 * whatever Discord does: see ../lifecycle.ts.
 */
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  HTTPError,
  RESTEvents,
  Routes,
  Status,
} from 'discord.js';
import { type Briefings, type Config, ConfigError, type Logger } from '../../src/index.ts';
import { ABORT_GRACE_MS, DRAIN_MS, InFlight, PlatformUnavailableError, settlesWithin } from '../lifecycle.ts';
import { createInteractionHandler, type HandlerOptions } from './interactions.ts';
import { discordCredentials, networkReason, restOptions } from './rest.ts';

export { createDiscordPublisher, type DiscordPublisher } from './publisher.ts';
export { type RegisterReport, registerCommands } from './registration.ts';
export { renderReply } from './render.ts';

export interface DiscordDeps {
  config: Config;
  briefings: Briefings;
  logger: Logger;
  /** Aborting it during start-up gives up at once (SIGTERM while Discord is unreachable). */
  signal?: AbortSignal;
}

export interface DiscordStartOptions extends HandlerOptions {
  /** Attempts to reach Discord's REST API at start-up before giving up. Default 5. */
  startAttempts?: number;
  /** First wait between start-up attempts, doubled each time. Default 1000 ms. */
  startBackoffMs?: number;
}

/** How long login and the gateway may take, once REST answers, to deliver the READY event. */
const READY_TIMEOUT_MS = 30_000;

/**
 * Logs in and resolves once the gateway session is ready. discord.js queues REST calls under
 * rate limits and resumes dropped gateway sessions; `stop()` lets in-flight answers finish.
 */
export async function startDiscord(
  deps: DiscordDeps,
  options: DiscordStartOptions = {},
): Promise<{ client: Client; stop(): Promise<void>; connected(): true | string }> {
  const { token } = discordCredentials(deps.config);
  const logger = deps.logger.child({ platform: 'discord' });
  const shutdown = new AbortController();
  const abortStart = () => shutdown.abort();
  deps.signal?.addEventListener('abort', abortStart);
  if (deps.signal?.aborted) shutdown.abort();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: restOptions(deps.config, { shutdown: shutdown.signal, logger }),
    allowedMentions: { parse: [] },
    ...shardOptions(deps.config),
  });
  const handle = createInteractionHandler(deps.briefings, logger, {
    rateLimitPerMinute: deps.config.RATE_LIMIT_PER_MINUTE,
    ...options,
  });
  const inFlight = new InFlight();
  let stopping: Promise<void> | undefined;
  client.on(Events.InteractionCreate, (interaction) => {
    // Once stopping, new interactions are left to Discord (the user sees it did not respond).
    if (stopping) return;
    inFlight.track(handle(interaction));
  });
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ shard, code: event.code }, 'gateway disconnected'),
  );
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
    client.rest.setToken(token);
    await reachDiscord(client, deps.config, logger, shutdown.signal, options);
    // Login and READY together are bounded: a gateway that never answers must not hang start-up,
    // and one that refuses a shard for good fails it with the cause.
    await untilReady(
      Promise.race([Promise.all([client.login(token), ready]).then(() => undefined), refused]),
      shutdown.signal,
    );
  } catch (error) {
    shutdown.abort();
    await settlesWithin(client.destroy(), ABORT_GRACE_MS);
    // @discordjs/ws fails login with these messages when the gateway closes with 4010 / 4011.
    const message = (error as Error)?.message;
    const shard = deps.config.DISCORD_SHARDS?.join(',') ?? '0';
    if (message === 'Invalid shard') throw gatewayRefusal(GatewayCloseCodes.InvalidShard, shard, deps.config);
    if (message === 'Sharding is required')
      throw gatewayRefusal(GatewayCloseCodes.ShardingRequired, shard, deps.config);
    throw startupError(error, deps.config);
  } finally {
    deps.signal?.removeEventListener('abort', abortStart);
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
        if (!(await inFlight.drain(DRAIN_MS)))
          logger.warn(
            { inFlight: inFlight.size },
            'discord answers still waiting on Discord; abandoning them',
          );
        shutdown.abort();
        await inFlight.drain(ABORT_GRACE_MS);
        if (!(await settlesWithin(client.destroy(), ABORT_GRACE_MS)))
          logger.warn('discord gateway did not close in time');
        logger.info('discord bot stopped');
      })();
      return stopping;
    },
  };
}

/** Raised inside start-up when it is given up (signal) or a bound is reached. */
class StartAborted extends Error {
  override name = 'StartAborted';
}

/**
 * GET /gateway/bot until Discord answers: network failures and 5xx are retried with a log line
 * each and a doubling wait; a refused token fails at once.
 */
async function reachDiscord(
  client: Client,
  config: Config,
  logger: Logger,
  signal: AbortSignal,
  { startAttempts = 5, startBackoffMs = 1000 }: DiscordStartOptions,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.rest.get(Routes.gatewayBot(), { signal });
      return;
    } catch (error) {
      if (signal.aborted) throw new StartAborted('Discord: start-up abandoned (stopping)');
      const retriable = !(error instanceof DiscordAPIError) || error.status >= 500;
      if (!retriable || attempt >= startAttempts) throw error;
      const delayMs = startBackoffMs * 2 ** (attempt - 1);
      logger.warn(
        {
          attempt,
          retriesLeft: startAttempts - attempt,
          delayMs,
          api: config.DISCORD_API_BASE ?? 'https://discord.com/api',
          reason:
            error instanceof DiscordAPIError || error instanceof HTTPError
              ? error.status
              : networkReason(error),
        },
        'discord unreachable at start-up; retrying',
      );
      await sleep(delayMs, signal);
    }
  }
}

function untilReady(ready: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new StartAborted(`Discord: the gateway session was not ready within ${READY_TIMEOUT_MS / 1000} s`),
        ),
      READY_TIMEOUT_MS,
    );
    const onAbort = () => reject(new StartAborted('Discord: start-up abandoned (stopping)'));
    signal.addEventListener('abort', onAbort, { once: true });
    ready.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StartAborted('Discord: start-up abandoned (stopping)'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A failed start-up → what the operator should read. */
function startupError(error: unknown, config: Config): Error {
  if (error instanceof ConfigError || error instanceof PlatformUnavailableError) return error;
  const where = config.DISCORD_API_BASE ?? 'https://discord.com/api';
  if (error instanceof DiscordAPIError && error.status === 401)
    return new ConfigError(
      'DISCORD_TOKEN: Discord refused the token (401 Unauthorized); copy the bot token again from the Developer Portal',
    );
  if (error instanceof StartAborted) return new PlatformUnavailableError(error.message);
  if (error instanceof DiscordAPIError || error instanceof HTTPError)
    return new PlatformUnavailableError(
      `Discord: the API at ${where} answered ${error.status} at start-up; try again later`,
    );
  return new PlatformUnavailableError(
    `Discord: the API at ${where} did not answer (${networkReason(error)}) after several attempts; check the network or DISCORD_API_BASE, then start again`,
  );
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
