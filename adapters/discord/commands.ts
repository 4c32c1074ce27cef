/**
 * The slash commands as Discord registers them. Descriptions and their Spanish localisations
 * (es-ES, es-419) come from the message catalogue, the same words as /help and Telegram's menu.
 * Command and option names stay English: they are the commands' contract on every platform.
 */
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody as CommandJson,
  InteractionContextType,
  PermissionFlagsBits,
} from 'discord.js';
import { translator } from '../../src/index.ts';
import { truncate } from './text.ts';

/** The commands the issue promises, in menu order. */
export const SLASH_COMMANDS = [
  'latest',
  'search',
  'brief',
  'topics',
  'article',
  'help',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'sources',
] as const;
export type SlashCommandName = (typeof SLASH_COMMANDS)[number];

const en = translator('en');
const es = translator('es');
/** Discord's Spanish locales, both given the catalogue's Spanish. */
const spanish = (text: string) => ({ 'es-ES': text, 'es-419': text });
/** A catalogue entry as a Discord description (at most 100 characters) with its Spanish. */
const described = (key: string) => ({
  description: truncate(en(key), 100),
  description_localizations: spanish(truncate(es(key), 100)),
});

/** Subscription commands change what a channel gets: Manage Channels by default (servers can widen it). */
const MANAGE_CHANNELS = String(PermissionFlagsBits.ManageChannels);

const text = (option: string) => described(`help.options.${option}`);

/** The options of the subscription commands, in the order Discord shows them. */
const SUBSCRIPTION_OPTIONS: Partial<Record<SlashCommandName, APIApplicationCommandOption[]>> = {
  subscribe: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'topic',
      ...text('subscribeTopic'),
      required: true,
      autocomplete: true,
      max_length: 200,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'schedule',
      ...text('subscribeSchedule'),
      required: false,
      max_length: 100,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'timezone',
      ...text('subscribeTimezone'),
      required: false,
      autocomplete: true,
      max_length: 64,
    },
    {
      type: ApplicationCommandOptionType.Channel,
      name: 'channel',
      ...text('subscribeChannel'),
      required: false,
      channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
    },
    {
      type: ApplicationCommandOptionType.Role,
      name: 'mention',
      ...text('subscribeMention'),
      required: false,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'include',
      ...text('subscribeInclude'),
      required: false,
      max_length: 200,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'exclude',
      ...text('subscribeExclude'),
      required: false,
      max_length: 200,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'language',
      ...text('subscribeLanguage'),
      required: false,
      choices: [
        { name: en('languages.en'), name_localizations: spanish(es('languages.en')), value: 'en' },
        { name: en('languages.es'), name_localizations: spanish(es('languages.es')), value: 'es' },
      ],
    },
  ],
  unsubscribe: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'subscription',
      ...text('unsubscribeSubscription'),
      required: true,
      autocomplete: true,
      max_length: 200,
    },
  ],
};

/** Is `option` of `command` autocompleted (subscription commands have several options)? */
export function autocompletes(command: string, option: string): boolean {
  const spec = SUBSCRIPTION_OPTIONS[command as SlashCommandName]?.find((o) => o.name === option);
  if (spec) return 'autocomplete' in spec && spec.autocomplete === true;
  const single = OPTIONS[command as SlashCommandName];
  return Boolean(single?.autocomplete && single.name === option);
}

interface OptionSpec {
  name: string;
  /** Its description's catalogue key, under `help.options`. */
  description: string;
  required: boolean;
  autocomplete: boolean;
  maxLength: number;
}

const OPTIONS: Partial<Record<SlashCommandName, OptionSpec>> = {
  latest: {
    name: 'topic',
    description: 'latestTopic',
    required: false,
    autocomplete: true,
    maxLength: 100,
  },
  search: {
    name: 'query',
    description: 'searchQuery',
    required: true,
    autocomplete: true,
    maxLength: 300,
  },
  brief: {
    name: 'topic',
    description: 'briefTopic',
    required: true,
    autocomplete: true,
    maxLength: 100,
  },
  article: {
    name: 'id',
    description: 'articleId',
    required: true,
    autocomplete: false,
    maxLength: 40,
  },
};

/** Which option of a command carries its argument (and is autocompleted, when it is). */
export function optionOf(command: string): OptionSpec | undefined {
  return OPTIONS[command as SlashCommandName];
}

/**
 * The JSON to register. Global commands say where they work (servers and DMs with the bot);
 * guild commands may not carry `contexts`/`integration_types`, so those are left out for a guild.
 */
export function commandDefinitions(scope: 'global' | 'guild'): CommandJson[] {
  return SLASH_COMMANDS.map((name) => {
    const option = OPTIONS[name];
    const many = SUBSCRIPTION_OPTIONS[name];
    // Subscriptions change what a channel gets; sources are operators' business: both for managers.
    const manages =
      name === 'subscribe' || name === 'unsubscribe' || name === 'subscriptions' || name === 'sources';
    return {
      type: ApplicationCommandType.ChatInput,
      name,
      ...described(`help.commands.${name}`),
      ...(scope === 'global'
        ? {
            contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
            integration_types: [ApplicationIntegrationType.GuildInstall],
          }
        : {}),
      ...(manages ? { default_member_permissions: MANAGE_CHANNELS } : {}),
      ...(many ? { options: many } : {}),
      ...(option
        ? {
            options: [
              {
                type: ApplicationCommandOptionType.String,
                name: option.name,
                ...text(option.description),
                required: option.required,
                autocomplete: option.autocomplete,
                max_length: option.maxLength,
              },
            ],
          }
        : {}),
    };
  });
}
