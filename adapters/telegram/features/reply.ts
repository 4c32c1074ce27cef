/** Sending a rendered Reply the same way from every feature. */
import type { Context } from 'grammy';
import type { Reply } from '../../../src/index.ts';
import { renderReply } from '../render.ts';

/** Sends `reply` to the chat of `ctx`; in groups it quotes the message that asked. */
export async function sendReply(ctx: Context, reply: Reply): Promise<void> {
  const message = renderReply(reply, { locale: ctx.from?.language_code });
  const quoted = ctx.chat?.type !== 'private' && ctx.message ? ctx.message.message_id : undefined;
  await ctx.reply(message.text, {
    parse_mode: message.parse_mode,
    link_preview_options: message.link_preview_options,
    ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
    ...(quoted ? { reply_parameters: { message_id: quoted, allow_sending_without_reply: true } } : {}),
  });
}
