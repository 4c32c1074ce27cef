/**
 * The error boundary: a failing handler is logged with the update it choked on and the user gets a
 * polite answer in whatever form the update allows; nothing here may stop the bot.
 */
import { type BotError, GrammyError, HttpError } from 'grammy';
import { chromeFor, type Logger } from '../../../src/index.ts';
import { ShutdownError } from '../retry.ts';

export function handleBotError(logger: Logger) {
  return async (error: BotError) => {
    const { ctx } = error;
    const cause = error.error;
    if (cause instanceof ShutdownError) {
      // Stopping gave up on Telegram; an apology would be abandoned the same way.
      logger.warn({ updateId: ctx.update.update_id }, 'telegram answer abandoned: the bot is stopping');
      return;
    }
    const origin =
      cause instanceof GrammyError ? 'telegram-api' : cause instanceof HttpError ? 'network' : 'handler';
    logger.error(
      {
        err: cause,
        origin,
        updateId: ctx.update.update_id,
        ...(cause instanceof GrammyError ? { method: cause.method, code: cause.error_code } : {}),
      },
      'telegram update failed',
    );
    const text = chromeFor(ctx.from?.language_code).failed;
    try {
      // A tap may already have been answered before the failure; then say it in the chat instead.
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text }).catch(() => ctx.chat && ctx.reply(text));
      else if (ctx.inlineQuery) await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true });
      else if (ctx.chat && ctx.message) await ctx.reply(text);
    } catch (apology) {
      logger.warn({ err: apology, updateId: ctx.update.update_id }, 'telegram apology could not be sent');
    }
  };
}
