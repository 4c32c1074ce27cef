/**
 * Telegram behind the Platform port. Only names, limits and pace live here; grammY loads when the
 * platform starts, so a console-only start never pays for it.
 */
import type { Platform } from '../../src/index.ts';
import { MAX_MESSAGE_LENGTH, renderReply, type TelegramMessage } from './render.ts';

export const telegram: Platform<TelegramMessage> = {
  name: 'telegram',
  // Five cards with summaries stay far below 4096 characters.
  limits: { messageLength: MAX_MESSAGE_LENGTH, pageSize: 5 },
  places: 'chats',
  // The one instance that long-polls Telegram (elected by the `telegram-poller` lease on PostgreSQL).
  roles: ['telegram_poller'],
  pace(target) {
    // About 1 message/s per chat, 20/min per group or channel, 30/s overall. Negative ids are
    // groups, supergroups and channels; positive ones are private chats.
    return target.chatId.startsWith('-')
      ? { minIntervalMs: 1000, perChatPerMinute: 20, globalPerSecond: 30 }
      : { minIntervalMs: 1000, globalPerSecond: 30 };
  },
  enabled: (config) => Boolean(config.TELEGRAM_BOT_TOKEN),
  async start({ config, briefings, logger, signal, publishing, http, store }) {
    const token = config.TELEGRAM_BOT_TOKEN;
    if (!token) throw new Error('telegram: TELEGRAM_BOT_TOKEN is not set');
    const { startTelegram } = await import('./index.ts');
    const { createTelegramSchedulePublisher } = await import('./schedule-publisher.ts');
    const shared = http && config.HTTP_PORT === config.TELEGRAM_WEBHOOK_PORT ? http : undefined;
    const running = await startTelegram({ config, briefings, logger, signal, http: shared, store });
    // Long polling on SQLite: this instance is Telegram's one poller. On PostgreSQL the poller is
    // elected, and the election's lease tells the metrics.
    const polls = !config.TELEGRAM_WEBHOOK_URL && !config.DATABASE_URL;
    return {
      render: (reply, locale) => renderReply(reply, { locale }),
      publisher: createTelegramSchedulePublisher({
        token,
        apiRoot: config.TELEGRAM_API_ROOT,
        logger,
        signal: publishing,
      }),
      connected: running.connected,
      roles: polls ? ['telegram_poller'] : [],
      stop: () => running.stop(),
    };
  },
};
