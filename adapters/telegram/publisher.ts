/**
 * How scheduled posts reach Telegram: the same rendering as an answer, one sendMessage, no retries
 * of its own. Retries are whatever the given Api is configured with (the bot's Api waits out short 429s
 * via retry.ts; the scheduler passes a bare Api and decides itself), because Telegram has no
 * idempotency key and a blind resend can post twice.
 */
import type { Api } from 'grammy';
import type { Logger, Reply } from '../../src/index.ts';
import { renderReply } from './render.ts';

export interface TelegramPublisher {
  publish(chatId: string, reply: Reply): Promise<{ messageId: string }>;
}

export function createTelegramPublisher(api: Api, logger: Logger): TelegramPublisher {
  return {
    async publish(chatId, reply) {
      const message = renderReply(reply);
      const sent = await api.sendMessage(chatId, message.text, {
        parse_mode: message.parse_mode,
        link_preview_options: message.link_preview_options,
        ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
      });
      logger.debug({ chatId, messageId: sent.message_id }, 'telegram post published');
      return { messageId: String(sent.message_id) };
    },
  };
}
