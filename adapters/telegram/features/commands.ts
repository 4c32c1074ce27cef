/**
 * Typed commands (`/latest mexico`, `/start <articleId>`, plain text in a private chat) → the core →
 * an HTML reply. In groups only commands count, and commands for other bots are ignored.
 */
import { Composer, type Context } from 'grammy';
import { chromeFor, parseCommand } from '../../../src/index.ts';
import { requestContext } from '../request-context.ts';
import type { FeatureDeps } from './deps.ts';
import { sendReply } from './reply.ts';

/** Deep-link payload that opens the help; used where Telegram demands a start parameter. */
export const HELP_PAYLOAD = 'help';

export function commandsFeature({ briefings, commandLimiter }: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:text', async (ctx) => {
    const text = ctx.msg.text;
    const isPrivate = ctx.chat.type === 'private';
    if (!isPrivate && !text.startsWith('/')) return;
    const parsed = parseCommand(text, { botUsername: ctx.me.username });
    if (!parsed) return;
    // `/start help` is the deep link behind the inline "slow down" button; it is not an article id.
    const command =
      parsed.kind === 'start' && parsed.payload.trim() === HELP_PAYLOAD
        ? ({ kind: 'help' } as const)
        : parsed;
    // An unknown "/foo" in a group is most likely for another bot; only answer it when addressed to us.
    const addressed = new RegExp(`^/\\w+@${ctx.me.username}\\b`, 'i').test(text);
    if (!isPrivate && command.kind === 'unknown' && !addressed) return;

    const decision = commandLimiter.take(ctx.from.id);
    if (!decision.allowed) {
      if (decision.notify)
        await ctx.reply(chromeFor(ctx.from.language_code).slowDown(decision.retryAfterSeconds));
      return;
    }
    const reply = await briefings.execute(command, await requestContext(ctx, command));
    await sendReply(ctx, reply);
  });
  return composer;
}
