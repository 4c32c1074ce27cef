/**
 * Inline mode (`@bot query` in any chat): matching articles as results that post a card, paged with
 * `next_offset` as the user scrolls; an empty query lists the latest. The core shapes each page like
 * a list (`next_offset` is the list's own cursor, at most 48 bytes where Telegram allows 64).
 */
import { Composer, type Context } from 'grammy';
import { chromeFor } from '../../../src/index.ts';
import { renderInlineNotice, renderInlineResults } from '../render.ts';
import { HELP_PAYLOAD } from './commands.ts';
import type { FeatureDeps } from './deps.ts';

/** Short cache: content changes rarely, but answers depend on the user's language. */
const CACHE_SECONDS = 30;

export function inlineFeature({ briefings, inlineLimiter }: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('inline_query', async (ctx) => {
    const { query, offset, from } = ctx.inlineQuery;
    const decision = inlineLimiter.take(from.id);
    if (!decision.allowed) {
      await ctx.answerInlineQuery([], {
        cache_time: 0,
        is_personal: true,
        button: {
          text: chromeFor(from.language_code).slowDown(decision.retryAfterSeconds),
          start_parameter: HELP_PAYLOAD,
        },
      });
      return;
    }
    const locale = from.language_code;
    const reply = await briefings.inline(query, offset, {
      platform: 'telegram',
      ...(locale ? { locale } : {}),
    });
    // A correction, what no article mentions, or suggestions: above the results, on the first page.
    const notice = offset === '' || reply.items.length === 0 ? renderInlineNotice(reply) : undefined;
    await ctx.answerInlineQuery(renderInlineResults(reply, { ...(locale ? { locale } : {}) }), {
      next_offset: reply.next && Buffer.byteLength(reply.next) <= 64 ? reply.next : '',
      cache_time: CACHE_SECONDS,
      is_personal: true,
      ...(notice ? { button: { text: notice, start_parameter: HELP_PAYLOAD } } : {}),
    });
  });
  return composer;
}
