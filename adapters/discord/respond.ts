/**
 * The 3-second rule, in one place: answer at once when the engine is quick, otherwise
 * acknowledge (defer) first and edit the answer in when it is ready.
 */
import { type ButtonInteraction, type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import type { DiscordMessage } from './render.ts';

/**
 * How long to wait for the engine before deferring. Discord wants the first response within
 * 3 s of the event; this leaves room for gateway lag and the HTTP round trip of the answer.
 */
export const DEFAULT_DEFER_AFTER_MS = 1_200;

/** `public`: a new message; `private`: a new message only the user sees; `update`: edit the button's message. */
export type ResponseStyle = 'public' | 'private' | 'update';

export interface Answer {
  message: DiscordMessage;
  /** With `update`: show this to the presser alone instead of replacing the message (e.g. an expired page). */
  aside?: boolean;
}

/** discord.js options for a rendered message; `content: ''` so an edit clears "thinking…". */
export function toDiscordJs(message: DiscordMessage) {
  return {
    content: message.content ?? '',
    embeds: message.embeds,
    components: message.components,
    allowedMentions: { parse: [] as [] },
  };
}

const PRIVATE = { flags: MessageFlags.Ephemeral } as const;

/**
 * Sends `work`'s answer. Defers when `deferNow` (work known to be slow) or when `work` is not
 * done within `budgetMs`. Returns whether it deferred, for logs and tests.
 */
export async function respond(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  style: ResponseStyle,
  work: Promise<Answer>,
  { deferNow, budgetMs }: { deferNow: boolean; budgetMs: number },
): Promise<{ deferred: boolean }> {
  // Mark a failure as handled while deferring: it is rethrown below when `work` is awaited.
  work.catch(() => undefined);
  const early = deferNow ? undefined : await within(work, budgetMs);
  if (early) {
    if (style === 'update' && !early.aside && interaction.isButton()) {
      await interaction.update(toDiscordJs(early.message));
    } else {
      // Here `update` means an aside (or a non-button), which only the presser should see.
      await interaction.reply({ ...toDiscordJs(early.message), ...(style === 'public' ? {} : PRIVATE) });
    }
    return { deferred: false };
  }
  if (style === 'update' && interaction.isButton()) await interaction.deferUpdate();
  else await interaction.deferReply(style === 'private' ? PRIVATE : {});
  const late = await work;
  if (style === 'update' && late.aside)
    await interaction.followUp({ ...toDiscordJs(late.message), ...PRIVATE });
  else await interaction.editReply(toDiscordJs(late.message));
  return { deferred: true };
}

/** The value of `work` if it settles within `ms`, else undefined (rejections propagate). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
