/**
 * Scheduled posts to Discord through the scheduler's Publisher port. Every post carries the
 * delivery's nonce with enforce_nonce, so resending after a crash or a timeout returns the message
 * already created: Discord deliveries are idempotent and the scheduler may retry them.
 */
import { DiscordAPIError, HTTPError, RateLimitError, REST } from 'discord.js';
import {
  type Logger,
  type PauseReason,
  PublishError,
  type Publisher,
  pauseReasonText,
} from '../../src/index.ts';
import { createDiscordPublisher } from './publisher.ts';
import { abortableRequest } from './rest.ts';

/** Missing Access, Missing Permissions, Unknown Channel, Unknown Guild, Cannot send messages to this user. */
const GONE_CODES = new Set([50001, 50013, 10003, 10004, 50007]);

/** Why a subscription stopped, from the catalogue: `/subscriptions` says it in the reader's language. */
const GONE_REASONS: Record<number, PauseReason> = {
  50001: 'discordMissingAccess',
  50013: 'discordMissingPermissions',
  10003: 'discordUnknownChannel',
  10004: 'discordUnknownGuild',
  50007: 'discordCannotMessageUser',
};

/** Sorts a discord.js REST failure into what the scheduler should do. */
export function classifyDiscordError(error: unknown): PublishError {
  if (error instanceof RateLimitError) {
    return new PublishError('rate-limited', `Discord rate limit on ${error.route}`, {
      retryAfterMs: error.retryAfter,
      cause: error,
    });
  }
  if (error instanceof DiscordAPIError) {
    const message = `Discord ${error.method} ${error.url}: ${error.status} ${error.code} ${error.message}`;
    if (GONE_CODES.has(Number(error.code)) || error.status === 403 || error.status === 404) {
      const known = GONE_REASONS[Number(error.code)];
      const reason = pauseReasonText(known ?? 'discordRefused', { detail: error.message });
      return new PublishError('permanent', message, { reason, cause: error });
    }
    if (error.status === 429)
      return new PublishError('rate-limited', message, { retryAfterMs: 1000, cause: error });
    if (error.status >= 500) return new PublishError('transient', message, { uncertain: true, cause: error });
    return new PublishError('rejected', message, { cause: error });
  }
  if (error instanceof HTTPError) {
    return new PublishError('transient', `Discord ${error.method} ${error.url}: ${error.status}`, {
      uncertain: true,
      cause: error,
    });
  }
  return new PublishError(
    'transient',
    `Discord publish failed: ${(error as Error)?.message ?? String(error)}`,
    {
      uncertain: true,
      cause: error,
    },
  );
}

export interface DiscordSchedulePublisherOptions {
  token: string;
  /** DISCORD_API_BASE (the test fake); Discord's own API otherwise. */
  apiBase?: string;
  logger: Logger;
  /** Aborting it fails a post in flight at once (retried later with the same nonce): used when stopping. */
  signal?: AbortSignal;
}

/** The Publisher the scheduler uses for `discord` subscriptions. */
export function createDiscordSchedulePublisher(options: DiscordSchedulePublisherOptions): Publisher {
  const logger = options.logger.child({ platform: 'discord', module: 'publisher' });
  const rest = new REST({
    ...(options.apiBase ? { api: options.apiBase } : {}),
    makeRequest: abortableRequest(options.signal, logger),
  }).setToken(options.token);
  const publisher = createDiscordPublisher(rest, logger);
  return {
    idempotent: true,
    async publish(target, reply, { nonce }) {
      try {
        return await publisher.publish(target.chatId, reply, { nonce });
      } catch (error) {
        throw classifyDiscordError(error);
      }
    },
  };
}
