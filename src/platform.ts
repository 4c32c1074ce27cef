/**
 * The Platform port: everything the app needs to know about a chat platform (Telegram, Discord,
 * the console, a new one), so that adding one is a folder under adapters/ plus one line in
 * adapters/platforms.ts. The core never imports an implementation; adapters/main.ts walks the
 * registry, starts what the configuration enables, and hands each publisher to the scheduler.
 */
import type { CliCommand } from './cli.ts';
import type { Briefings } from './commands/index.ts';
import type { Config } from './config.ts';
import type { ConnectionProbe } from './http/readiness.ts';
import type { HttpServer } from './http/server.ts';
import type { Logger } from './logger.ts';
import type { Role } from './metrics.ts';
import type { Reply } from './reply.ts';
import type { PaceLimits } from './schedule/pace.ts';
import type { Publisher } from './schedule/publisher.ts';
import type { Store } from './store/types.ts';
import type { ChatTarget, PlatformName } from './types.ts';

/** Room an answer has on the platform. */
export interface PlatformLimits {
  /** Longest message, in the platform's own count (Telegram: visible UTF-16 units). */
  messageLength: number;
  /** Items per page of a list answer. */
  pageSize: number;
}

/**
 * How the platform names where posts go and who may manage them, which the subscription dialogue
 * follows: `channels` (Discord: the Manage Channels permission, named permissions the bot lacks),
 * `chats` (Telegram, the console: group administrators, the bot's right to post).
 */
export type PlaceModel = 'channels' | 'chats';

/** What the core's subscription dialogue may ask about a platform, by name. */
export type PlaceModelOf = (platform: PlatformName) => PlaceModel;

/** What the composition root gives a platform to start with. */
export interface PlatformContext {
  config: Config;
  briefings: Briefings;
  logger: Logger;
  /** The shared store (update de-duplication, elections), observed for metrics. */
  store: Store;
  /** Aborting it during start-up gives up at once (a signal while the platform is unreachable). */
  signal?: AbortSignal;
  /** Aborted when stopping has waited long enough for scheduled posts still being sent. */
  publishing: AbortSignal;
  /** The HTTP_PORT server, when it runs: a platform receiving webhooks may mount them on it. */
  http?: HttpServer;
  /** The console's streams (tests give their own). */
  io: {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
    interactive: boolean;
    locale?: string;
  };
}

/** A platform once started. */
export interface RunningPlatform<Message = unknown> {
  /** Turns a reply into the platform's message (what its publisher and handlers send). */
  render(reply: Reply, locale?: string): Message;
  /** Where scheduled posts for this platform go. */
  publisher: Publisher;
  /** Whether the platform is still connected, for readiness; absent when it cannot disconnect. */
  connected?: ConnectionProbe;
  /** Roles this instance holds on the platform for as long as it runs (metrics), e.g. `telegram_poller`. */
  roles?: readonly Role[];
  /** Resolves when the platform has nothing left to do by itself (the console's input ended). */
  done?: Promise<void>;
  /** Stops taking input and lets answers in flight finish, within the bounds of adapters/lifecycle.ts. */
  stop(): Promise<void>;
}

export interface Platform<Message = unknown> {
  /** The name stored on subscriptions and deliveries; never renamed once used. */
  readonly name: PlatformName;
  readonly limits: PlatformLimits;
  readonly places: PlaceModel;
  /** The sending pace the platform asks of scheduled posts to `target`. */
  pace(target: ChatTarget): PaceLimits;
  /** Whether the configuration asks for this platform (e.g. its token is set). */
  enabled(config: Config): boolean;
  /** Roles an instance can hold on the platform (metrics report them, 0 until held). */
  readonly roles?: readonly Role[];
  /** Started only when no other registered platform is enabled (the local console). */
  readonly fallback?: boolean;
  /** Subcommands of the `briefings` command line the platform adds (e.g. `discord:register`). */
  readonly commands?: readonly CliCommand[];
  /** Loads the platform's library (only now, so unused platforms cost nothing) and connects. */
  start(context: PlatformContext): Promise<RunningPlatform<Message>>;
}

/** The platforms the configuration enables, in registry order; the fallbacks when none is. */
export function enabledPlatforms(registry: readonly Platform[], config: Config): Platform[] {
  const chosen = registry.filter((p) => !p.fallback && p.enabled(config));
  return chosen.length > 0 ? chosen : registry.filter((p) => p.fallback && p.enabled(config));
}

/** The place model by platform name; `chats` for a name no platform registered. */
export function placeModels(registry: readonly Platform[]): PlaceModelOf {
  const byName = new Map(registry.map((p) => [p.name, p.places]));
  return (name) => byName.get(name) ?? 'chats';
}
