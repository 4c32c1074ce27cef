/**
 * The slash commands as Discord registers them. Descriptions come from the core's help (one
 * wording everywhere); Spanish localisations make the menu native for Spanish-speaking users.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody as CommandJson,
  InteractionContextType,
} from 'discord.js';
import type { Briefings } from '../../src/commands/index.ts';
import { truncate } from './text.ts';

/** The commands the issue promises, in menu order. */
export const SLASH_COMMANDS = ['latest', 'search', 'brief', 'topics', 'article', 'help'] as const;
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
};

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

const spanish = (text: string) => ({ 'es-ES': text, 'es-419': text });

/**
 * The JSON to register. Global commands say where they work (servers and DMs with the bot);
 * guild commands may not carry `contexts`/`integration_types`, so those are left out for a guild.
 */
export function commandDefinitions(briefings: Briefings, scope: 'global' | 'guild'): CommandJson[] {
  const help = new Map(briefings.helpCommands().map((c) => [c.name, c.description]));
  return SLASH_COMMANDS.map((name) => {
    const option = OPTIONS[name];
    const description = truncate(help.get(name) ?? FALLBACK[name].en, 100);
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
