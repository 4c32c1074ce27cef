/**
 * A fake Discord for end-to-end tests: the REST fake and the gateway fake wired together, plus
 * helpers that act as a user would (run a slash command, type into an option, press a button).
 */
import { FakeGateway } from './gateway.ts';
import { type FakeChannel, FakeGuilds } from './guilds.ts';
import { type FakeMessage, type InteractionRecord, InteractionStore, type Origin } from './interactions.ts';
import { FakeRest } from './rest.ts';
import { FakeChannels } from './routes/channels.ts';
import { FakeCommands } from './routes/commands.ts';
import { gatewayBotRoutes } from './routes/gateway-bot.ts';
import { interactionRoutes } from './routes/interactions.ts';

export { type FakeChannel, type FakeGuild, FakeGuilds, PERMISSIONS } from './guilds.ts';
export type { FakeMessage, InteractionRecord, Origin };

/** A slash option: a string, or a typed value (7 channel, 8 role) that Discord resolves. */
export type OptionValue = string | { type: 7 | 8; value: string };

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  heartbeatIntervalMs?: number;
  /** The fake's clock, for deadline checks (3-second first response, 15-minute token). */
  now?: () => number;
  /** Shard count `GET /gateway/bot` recommends (default 1). */
  recommendedShards?: number;
  /** Fewest shards the gateway accepts: IDENTIFY with fewer is closed with 4011 (default 1). */
  requiredShards?: number;
  /** `max_concurrency` of `GET /gateway/bot`: shards that may identify at once (default 1). */
  maxConcurrency?: number;
}

export interface FakeDiscord {
  token: string;
  applicationId: string;
  apiBase: string;
  rest: FakeRest;
  gateway: FakeGateway;
  interactions: InteractionStore;
  channels: FakeChannels;
  commands: FakeCommands;
  /** Servers: add them before the bot connects (they arrive as GUILD_CREATE). */
  guilds: FakeGuilds;
  /** Changes a channel of a server (e.g. its overwrites) and tells the bot with CHANNEL_UPDATE. */
  updateChannel(channelId: string, patch: Partial<Omit<FakeChannel, 'id'>>): void;
  /** Dispatches a slash command; options by name. */
  slash(name: string, options?: Record<string, OptionValue>, origin?: Origin): InteractionRecord;
  /** Dispatches an autocomplete request with `focused` being typed as `value`. */
  autocomplete(name: string, focused: string, value: string, origin?: Origin): InteractionRecord;
  /** Dispatches a button press on `message`. */
  press(customId: string, message: FakeMessage, origin?: Origin): InteractionRecord;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? 'fake-bot-token';
  const applicationId = options.applicationId ?? '123456789012345678';
  const now = options.now ?? Date.now;
  const guilds = new FakeGuilds(applicationId);
  const gateway = await FakeGateway.start({
    token,
    applicationId,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    requiredShards: options.requiredShards,
    guilds: () => [...guilds.guilds.values()].map((g) => guilds.guildCreate(g)),
  });
  const rest = await FakeRest.start(token);
  const interactions = new InteractionStore(applicationId, now, guilds);
  const channels = new FakeChannels(applicationId, guilds);
  const commands = new FakeCommands(applicationId);
  rest.mount([
    ...gatewayBotRoutes(() => gateway.url, {
      shards: options.recommendedShards ?? options.requiredShards ?? 1,
      maxConcurrency: options.maxConcurrency,
    }),
    ...interactionRoutes(interactions),
    ...channels.routes(),
    ...commands.routes(),
    ...guilds.routes(),
  ]);

  const commandId = (name: string) =>
    [...commands.scopes.values()].flat().find((c) => c.name === name)?.id ?? '400000000000000001';
  const dispatch = (record: InteractionRecord) => {
    gateway.dispatch('INTERACTION_CREATE', record.payload);
    return record;
  };

  return {
    token,
    applicationId,
    apiBase: rest.apiBase,
    rest,
    gateway,
    interactions,
    channels,
    commands,
    guilds,
    updateChannel(channelId, patch) {
      const found = guilds.guildOfChannel(channelId);
      if (!found) throw new Error(`FakeDiscord: no server has channel ${channelId}`);
      Object.assign(found.channel, patch);
      gateway.dispatch('CHANNEL_UPDATE', guilds.channelJson(found.guild, found.channel));
    },
    slash: (name, opts = {}, origin) =>
      dispatch(
        interactions.create(
          'command',
          {
            id: commandId(name),
            name,
            type: 1,
            options: Object.entries(opts).map(([n, v]) =>
              typeof v === 'string'
                ? { name: n, type: 3, value: v }
                : { name: n, type: v.type, value: v.value },
            ),
          },
          origin,
        ),
      ),
    autocomplete: (name, focused, value, origin) =>
      dispatch(
        interactions.create(
          'autocomplete',
          { id: commandId(name), name, type: 1, options: [{ name: focused, type: 3, value, focused: true }] },
          origin,
        ),
      ),
    press: (customId, message, origin) =>
      dispatch(interactions.create('button', { custom_id: customId, component_type: 2 }, origin, message)),
    close: async () => {
      await Promise.all([gateway.close(), rest.close()]);
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
