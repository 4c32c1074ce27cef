/**
 * The slash commands as Discord registers them. Descriptions come from the core's help (one
 * wording everywhere); Spanish localisations make the menu native for Spanish-speaking users.
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
import type { Briefings } from '../../src/index.ts';
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

const FALLBACK: Record<SlashCommandName, { en: string; es: string }> = {
  latest: {
    en: 'Newest articles, on a topic if you name one',
    es: 'Los artículos más recientes, sobre un tema si lo indicas',
  },
  search: {
    en: 'Find articles about anything, best match first',
    es: 'Busca artículos sobre cualquier cosa',
  },
  brief: {
    en: 'A briefing: overview, date range and key articles',
    es: 'Un informe: resumen, fechas y artículos clave',
  },
  topics: { en: 'Countries, people and themes in the archive', es: 'Países, personas y temas del archivo' },
  article: { en: 'One article in full', es: 'Un artículo completo' },
  help: { en: 'What I can do', es: 'Lo que puedo hacer' },
  subscribe: {
    en: 'Scheduled briefings or new-article alerts in this channel',
    es: 'Informes programados o alertas de artículos nuevos en este canal',
  },
  unsubscribe: { en: 'Stop a subscription', es: 'Detener una suscripción' },
  subscriptions: {
    en: "This channel's subscriptions",
    es: 'Las suscripciones de este canal',
  },
  sources: {
    en: 'The feeds the archive grows from, and their health',
    es: 'Las fuentes de las que crece el archivo, y su estado',
  },
};

const spanish = (text: string) => ({ 'es-ES': text, 'es-419': text });

/** Subscription commands change what a channel gets: Manage Channels by default (servers can widen it). */
const MANAGE_CHANNELS = String(PermissionFlagsBits.ManageChannels);

const text = (en: string, es: string) => ({ description: en, description_localizations: spanish(es) });

/** The options of the subscription commands, in the order Discord shows them. */
const SUBSCRIPTION_OPTIONS: Partial<Record<SlashCommandName, APIApplicationCommandOption[]>> = {
  subscribe: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'topic',
      ...text('A topic, or several separated by commas', 'Un tema, o varios separados por comas'),
      required: true,
      autocomplete: true,
      max_length: 200,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'schedule',
      ...text(
        'daily 08:00, weekly monday 09:30, alerts, or cron; add "always" (default daily 08:00)',
        'daily 08:00, weekly monday 09:30, alerts o cron; añade "always" (por defecto daily 08:00)',
      ),
      required: false,
      max_length: 100,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'timezone',
      ...text(
        'Time zone of the schedule, e.g. Europe/Madrid',
        'Zona horaria del horario, p. ej. Europe/Madrid',
      ),
      required: false,
      autocomplete: true,
      max_length: 64,
    },
    {
      type: ApplicationCommandOptionType.Channel,
      name: 'channel',
      ...text('Post in another channel of this server', 'Publicar en otro canal de este servidor'),
      required: false,
      channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
    },
    {
      type: ApplicationCommandOptionType.Role,
      name: 'mention',
      ...text('A role to ping on alerts (nobody else is pinged)', 'Un rol al que avisar en las alertas'),
      required: false,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'include',
      ...text(
        'Only articles mentioning one of these words',
        'Solo artículos que mencionen alguna de estas palabras',
      ),
      required: false,
      max_length: 200,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'exclude',
      ...text(
        'Leave out articles mentioning any of these words',
        'Omitir artículos que mencionen estas palabras',
      ),
      required: false,
      max_length: 200,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'language',
      ...text('Only articles in this language', 'Solo artículos en este idioma'),
      required: false,
      choices: [
        { name: 'English', name_localizations: spanish('Inglés'), value: 'en' },
        { name: 'Spanish', name_localizations: spanish('Español'), value: 'es' },
      ],
    },
  ],
  unsubscribe: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'subscription',
      ...text('A topic or subscription id', 'Un tema o el id de la suscripción'),
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
  description: { en: string; es: string };
  required: boolean;
  autocomplete: boolean;
  maxLength: number;
}

const OPTIONS: Partial<Record<SlashCommandName, OptionSpec>> = {
  latest: {
    name: 'topic',
    description: { en: 'A country, person or theme (optional)', es: 'Un país, persona o tema (opcional)' },
    required: false,
    autocomplete: true,
    maxLength: 100,
  },
  search: {
    name: 'query',
    description: { en: 'Words to look for', es: 'Palabras que buscar' },
    required: true,
    autocomplete: true,
    maxLength: 300,
  },
  brief: {
    name: 'topic',
    description: { en: 'A country, person or theme', es: 'Un país, persona o tema' },
    required: true,
    autocomplete: true,
    maxLength: 100,
  },
  article: {
    name: 'id',
    description: {
      en: 'The article id shown under a result',
      es: 'El id del artículo que aparece en un resultado',
    },
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
export function commandDefinitions(briefings: Briefings, scope: 'global' | 'guild'): CommandJson[] {
  const help = new Map(briefings.helpCommands().map((c) => [c.name, c.description]));
  return SLASH_COMMANDS.map((name) => {
    const option = OPTIONS[name];
    const description = truncate(help.get(name) ?? FALLBACK[name].en, 100);
    const many = SUBSCRIPTION_OPTIONS[name];
    // Subscriptions change what a channel gets; sources are operators' business: both for managers.
    const manages =
      name === 'subscribe' || name === 'unsubscribe' || name === 'subscriptions' || name === 'sources';
    return {
      type: ApplicationCommandType.ChatInput,
      name,
      description,
      description_localizations: spanish(FALLBACK[name].es),
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
                description: option.description.en,
                description_localizations: spanish(option.description.es),
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
