/** The discord.js REST client for our configuration, shared by registration and the publisher. */
import { DefaultRestOptions, REST, type RESTOptions } from 'discord.js';
import type { Config, Logger } from '../../src/index.ts';
import { linkSignals } from '../lifecycle.ts';

/** Raised when Discord is used without the configuration it needs. */
export class DiscordConfigError extends Error {
  override name = 'DiscordConfigError';
}

/** Token and application id, checked once (the config schema already pairs them). */
export function discordCredentials(config: Config): { token: string; applicationId: string } {
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw new DiscordConfigError('Discord: DISCORD_TOKEN and DISCORD_APPLICATION_ID must both be set');
  }
  return { token: config.DISCORD_TOKEN, applicationId: config.DISCORD_APPLICATION_ID };
}

export interface RestLifecycle {
  /** Aborting it fails every request in flight (and every retry) at once: used when stopping. */
  shutdown?: AbortSignal;
  /** Gets one line per request that failed on the network (discord.js retries timeouts and resets). */
  logger?: Logger;
}

/**
 * discord.js REST options: `DISCORD_API_BASE` moves every API call (and so the gateway URL);
 * requests are cut short by `shutdown` and network failures are logged.
 */
export function restOptions(config: Config, lifecycle: RestLifecycle = {}): Partial<RESTOptions> {
  const { shutdown, logger } = lifecycle;
  return {
    ...(config.DISCORD_API_BASE ? { api: config.DISCORD_API_BASE } : {}),
    ...(shutdown || logger ? { makeRequest: abortableRequest(shutdown, logger) } : {}),
  };
}

/** A REST client with the bot token set; rate limits are queued and retried by discord.js. */
export function createRest(config: Config, lifecycle: RestLifecycle = {}): REST {
  return new REST(restOptions(config, lifecycle)).setToken(discordCredentials(config).token);
}

type MakeRequest = RESTOptions['makeRequest'];

/** discord.js's own request function, cut short by `shutdown` and logging network failures. */
export function abortableRequest(shutdown: AbortSignal | undefined, logger: Logger | undefined): MakeRequest {
  const send = DefaultRestOptions.makeRequest as MakeRequest;
  return async (url, init) => {
    const link = linkSignals(init.signal as AbortSignal | undefined, shutdown);
    try {
      return await send(url, { ...init, signal: link.signal ?? null });
    } catch (error) {
      if (!shutdown?.aborted)
        logger?.warn(
          { method: init.method ?? 'GET', path: new URL(url).pathname, reason: networkReason(error) },
          'discord request failed',
        );
      throw error;
    } finally {
      link.dispose();
    }
  };
}

/** `ECONNREFUSED`, `AbortError` (a timeout), …: the network cause of a failed request. */
export function networkReason(error: unknown): string {
  for (let e = error as { code?: unknown; cause?: unknown; name?: unknown } | undefined; e; ) {
    if (typeof e.code === 'string') return e.code;
    if (e.name === 'AbortError') return 'timeout';
    const next = e.cause as typeof e | undefined;
    if (!next || typeof next !== 'object') break;
    e = next;
  }
  return String((error as Error)?.message ?? error);
}
