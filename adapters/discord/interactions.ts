/**
 * Turns Discord interactions into core commands and core replies into Discord answers:
 * slash commands, option autocomplete and button presses. Every failure is logged and the user
 * gets a polite error instead of Discord's "The application did not respond".
 */
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import {
  type Briefings,
  type Command,
  chromeFor,
  createRateLimiter,
  type Logger,
  type Reply,
  type RequestContext,
} from '../../src/index.ts';
import { autocompletes } from './commands.ts';
import { decodeButton } from './custom-ids.ts';
import { renderExpired, renderFailure, renderReply } from './render.ts';
import { type Answer, DEFAULT_DEFER_AFTER_MS, respond, toDiscordJs } from './respond.ts';
import {
  channelResolver,
  completeSubscriptions,
  completeTimezone,
  missingPosting,
  subscribeCommand,
} from './subscriptions.ts';
import { truncate } from './text.ts';

export interface HandlerOptions {
  /** See `DEFAULT_DEFER_AFTER_MS`. */
  deferAfterMs?: number;
  /** Commands and button presses per user per minute (RATE_LIMIT_PER_MINUTE); default 30. */
  rateLimitPerMinute?: number;
}

/** Autocomplete fires as the user types; it gets this many times the command allowance (as inline queries on Telegram). */
const AUTOCOMPLETE_ALLOWANCE_FACTOR = 3;

/** Commands whose work is known to be heavy (a briefing reads every article on a topic): defer at once. */
const ALWAYS_DEFER = new Set(['brief']);

/** Builds the `interactionCreate` listener. */
export function createInteractionHandler(
  briefings: Briefings,
  logger: Logger,
  options: HandlerOptions = {},
): (interaction: Interaction) => Promise<void> {
  const budgetMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
  const perMinute = options.rateLimitPerMinute ?? 30;
  const commandLimiter = createRateLimiter(perMinute);
  const autocompleteLimiter = createRateLimiter(perMinute * AUTOCOMPLETE_ALLOWANCE_FACTOR);

  /**
   * True when the user may go on; otherwise answers with the slow-down notice, privately. Unlike
   * Telegram, every refusal is answered: Discord shows "The application did not respond" for an
   * interaction left unanswered, and a private answer disturbs nobody else.
   */
  const allowed = async (interaction: ChatInputCommandInteraction | ButtonInteraction) => {
    const decision = commandLimiter.take(interaction.user.id);
    if (decision.allowed) return true;
    if (decision.notify) logger.info({ user: interaction.user.id }, 'discord user rate limited');
    await interaction.reply({
      content: chromeFor(interaction.locale).slowDown(decision.retryAfterSeconds),
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
    });
    return false;
  };

  const context = (interaction: Interaction): RequestContext => {
    const isPrivate = !interaction.inGuild();
    // A subscription posts embeds: the bot needs to see the channel, send and embed there.
    const missing = isPrivate ? [] : missingPosting(interaction.appPermissions, interaction.locale);
    return {
      locale: interaction.locale,
      chat: {
        platform: 'discord',
        chatId: interaction.channelId ?? interaction.user.id,
        userId: interaction.user.id,
        isPrivate,
        userCanManage:
          isPrivate || Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)),
        botCanPost: isPrivate || missing.length === 0,
        ...(missing.length > 0 ? { missingPermissions: missing } : {}),
        ...(isPrivate ? {} : { resolveChannel: channelResolver(interaction) }),
      },
    };
  };

  const answer = async (reply: Promise<Reply | undefined>, locale: string) => {
    const r = await reply;
    return {
      message: r ? renderReply(r, { locale }) : renderExpired(locale),
      aside: !r || r.kind === 'notice',
    } satisfies Answer;
  };

  const onCommand = async (interaction: ChatInputCommandInteraction) => {
    if (!(await allowed(interaction))) return;
    const command = toCommand(interaction);
    const work = answer(briefings.execute(command, context(interaction)), interaction.locale);
    const { deferred } = await respond(interaction, 'public', work, {
      deferNow: ALWAYS_DEFER.has(command.kind),
      budgetMs,
    });
    logger.debug({ command: command.kind, deferred }, 'discord command answered');
  };

  const onButton = async (interaction: ButtonInteraction) => {
    const action = decodeButton(interaction.customId);
    const ctx = context(interaction);
    const locale = interaction.locale;
    if (!action) {
      await interaction.reply({ ...toDiscordJs(renderExpired(locale)), flags: MessageFlags.Ephemeral });
      return;
    }
    if (!(await allowed(interaction))) return;
    const budget = { deferNow: false, budgetMs };
    if (action.kind === 'more') {
      await respond(
        interaction,
        'update',
        answer(briefings.execute({ kind: 'more', cursor: action.cursor }, ctx), locale),
        budget,
      );
    } else if (action.kind === 'open') {
      await respond(
        interaction,
        'private',
        answer(briefings.execute({ kind: 'article', id: action.id }, ctx), locale),
        budget,
      );
    } else if (action.kind === 'manage') {
      // The list is edited in place; a refusal goes to the presser alone.
      const work = briefings
        .execute({ kind: 'manage', action: action.action, id: action.id }, ctx)
        .then((r) => ({
          message: renderReply(r, { locale }),
          aside: r.kind === 'notice' && r.tone === 'error',
        }));
      await respond(interaction, 'update', work, budget);
    } else {
      await respond(interaction, 'public', answer(briefings.run(action.command, ctx), locale), budget);
    }
  };

  const onAutocomplete = async (interaction: AutocompleteInteraction) => {
    const focused = interaction.options.getFocused(true);
    if (!autocompleteLimiter.take(interaction.user.id).allowed) {
      await interaction.respond([]);
      return;
    }
    const typed = String(focused.value);
    if (interaction.commandName === 'subscribe' && focused.name === 'timezone') {
      await interaction.respond(completeTimezone(typed));
      return;
    }
    if (interaction.commandName === 'unsubscribe' && focused.name === 'subscription') {
      await interaction.respond(await completeSubscriptions(briefings, context(interaction), typed));
      return;
    }
    // Several topics ("mexico, pe"): complete the last one, keep those before it.
    const comma = interaction.commandName === 'subscribe' ? typed.lastIndexOf(',') : -1;
    const before = comma >= 0 ? `${typed.slice(0, comma + 1).trim()} ` : '';
    const choices = autocompletes(interaction.commandName, focused.name)
      ? briefings
          .complete(typed.slice(comma + 1), 25, { platform: 'discord', locale: interaction.locale })
          .map((c) => ({ label: before + c.label, value: before + c.value }))
          .filter((c) => c.value.length > 0 && c.value.length <= 100)
          .map((c) => ({ name: truncate(c.label, 100) || c.value, value: c.value }))
      : [];
    await interaction.respond(choices.slice(0, 25));
  };

  return async (interaction) => {
    try {
      if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isButton()) await onButton(interaction);
    } catch (error) {
      logger.error({ err: error, interaction: describe(interaction) }, 'discord interaction handler failed');
      await apologise(interaction, logger);
    }
  };
}

/** Slash command + options → core command. Typed text that is not a suggested choice is fine. */
export function toCommand(interaction: ChatInputCommandInteraction): Command {
  const text = (name: string) => interaction.options.getString(name) ?? '';
  switch (interaction.commandName) {
    case 'latest':
      return { kind: 'latest', topic: text('topic') };
    case 'search':
      return { kind: 'search', query: text('query') };
    case 'brief':
      return { kind: 'brief', topic: text('topic') };
    case 'topics':
      return { kind: 'topics' };
    case 'article':
      return { kind: 'article', id: text('id') };
    case 'help':
      return { kind: 'help' };
    case 'subscribe':
      return subscribeCommand(interaction);
    case 'unsubscribe':
      return { kind: 'unsubscribe', args: text('subscription') };
    case 'subscriptions':
      return { kind: 'subscriptions' };
    case 'sources':
      return { kind: 'sources' };
    default:
      return { kind: 'unknown', name: interaction.commandName };
  }
}

async function apologise(interaction: Interaction, logger: Logger): Promise<void> {
  if (interaction.isAutocomplete()) {
    // An empty list beats Discord's "Loading options failed"; the user can still type freely.
    if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    return;
  }
  if (!interaction.isRepliable()) return;
  const message = toDiscordJs(renderFailure(interaction.locale));
  try {
    if (interaction.deferred || interaction.replied)
      await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
  } catch (error) {
    logger.warn({ err: error }, 'could not tell the user about the failure');
  }
}

function describe(interaction: Interaction) {
  return {
    id: interaction.id,
    type: interaction.type,
    command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
    customId: interaction.isMessageComponent() ? interaction.customId : undefined,
  };
}
