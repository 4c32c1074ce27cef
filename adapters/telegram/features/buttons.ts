/**
 * Inline-keyboard taps: "More" edits the list in place with the next page, a numbered button opens
 * one article as a new message, a suggestion runs its command. Every tap is answered, so the
 * client's spinner stops even when the payload is stale or forged.
 */
import { Composer, type Context, GrammyError } from 'grammy';
import { chromeFor, parseCommand, type Reply } from '../../../src/index.ts';
import { decodeAction } from '../callback-data.ts';
import { renderReply } from '../render.ts';
import { requestContext } from '../request-context.ts';
import type { FeatureDeps } from './deps.ts';
import { sendReply } from './reply.ts';

export function buttonsFeature({ briefings, commandLimiter }: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('callback_query:data', async (ctx) => {
    const labels = chromeFor(ctx.from.language_code);
    const action = decodeAction(ctx.callbackQuery.data);
    const command =
      action?.kind === 'more'
        ? ({ kind: 'more', cursor: action.cursor } as const)
        : action?.kind === 'article'
          ? ({ kind: 'article', id: action.id } as const)
          : action?.kind === 'run'
            ? parseCommand(action.command, { botUsername: ctx.me.username })
            : action?.kind === 'manage'
              ? ({ kind: 'manage', action: action.action, id: action.id } as const)
              : undefined;
    if (!command) {
      await ctx.answerCallbackQuery({ text: labels.expired });
      return;
    }
    const decision = commandLimiter.take(ctx.from.id);
    if (!decision.allowed) {
      await ctx.answerCallbackQuery({ text: labels.slowDown(decision.retryAfterSeconds) });
      return;
    }
    if (command.kind === 'manage') {
      // A refusal pops up for the presser alone; otherwise the list is edited in place.
      const reply = await briefings.execute(command, await requestContext(ctx, command));
      if (reply.kind === 'notice' && reply.tone === 'error') {
        await ctx.answerCallbackQuery({ text: reply.message.slice(0, 200), show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      if (ctx.callbackQuery.message) await editInPlace(ctx, reply);
      else await sendReply(ctx, reply);
      return;
    }
    await ctx.answerCallbackQuery();
    const reply = await briefings.execute(command, await requestContext(ctx, command));
    if (command.kind === 'more' && reply.kind === 'cards' && ctx.callbackQuery.message) {
      await editInPlace(ctx, reply);
    } else {
      await sendReply(ctx, reply);
    }
  });
  return composer;
}

/** Replaces the list with its next page; a tap on an unchanged page is not an error. */
async function editInPlace(ctx: Context, reply: Reply) {
  const message = renderReply(reply, { locale: ctx.from?.language_code });
  try {
    await ctx.editMessageText(message.text, {
      parse_mode: message.parse_mode,
      link_preview_options: message.link_preview_options,
      ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
    });
  } catch (error) {
    if (error instanceof GrammyError && error.description.includes('message is not modified')) return;
    throw error;
  }
}
