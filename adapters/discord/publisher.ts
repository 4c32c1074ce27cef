/**
 * Posts scheduled replies into Discord channels. discord.js retries 5xx and timeouts whatever the
 * method, so every post carries a nonce with `enforce_nonce`: Discord then returns the message it
 * already created instead of posting twice.
 */
import { type APIMessage, type REST, Routes } from 'discord.js';
import type { Logger, Reply } from '../../src/index.ts';
import { renderReply } from './render.ts';

/** Raised before sending when the caller's nonce is one Discord would refuse. */
export class DiscordNonceError extends Error {
  override name = 'DiscordNonceError';
}

export interface DiscordPublisher {
  /** `nonce`: 1–25 characters, the same on every retry of one delivery. */
  publish(
    channelId: string,
    reply: Reply,
    opts: { nonce: string; locale?: string },
  ): Promise<{ messageId: string }>;
}

export function createDiscordPublisher(rest: REST, logger: Logger): DiscordPublisher {
  return {
    async publish(channelId, reply, { nonce, locale }) {
      if (nonce.length < 1 || nonce.length > 25) {
        throw new DiscordNonceError(`Discord publisher: nonce must be 1-25 characters, got ${nonce.length}`);
      }
      // renderReply decides who may be pinged: nobody, or an alert's one role.
      const body = { ...renderReply(reply, { locale }), nonce, enforce_nonce: true };
      const message = (await rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
      logger.debug({ channelId, messageId: message.id, nonce }, 'discord post sent');
      return { messageId: message.id };
    },
  };
}
