import type { TextLanguage } from '../text/language.ts';
import type { CommandHelp } from './help.ts';

const q = (text: string) => `“${text}”`;
const list = (items: string[], and: string) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}` : (items[0] ?? '');

/** Everything the core says to people, per interface language. Article text is never translated. */
export interface Messages {
  searchTitle(query: string): string;
  briefTitle(subject: string): string;
  latestTitle(subject: string | undefined): string;
  topicsTitle: string;
  helpTitle: string;
  helpIntro(articles: number): string;
  describe(command: CommandHelp): string;
  overview(total: number, from: string | undefined, to: string | undefined, themes: string[]): string;
  corrected(topic: string, typed: string): string;
  notFound(query: string, haveNear: boolean): string;
  /** Words no article contains: "No article mentions “atenco”." */
  unmatched(words: string[]): string;
  /** A query of only question and filler words ("what happened"). */
  nothingToSearch(query: string): string;
  /** Said after `unmatched` when nothing at all was found. */
  tryInstead(haveNear: boolean): string;
  noMore: string;
  expired: string;
  tooLong(chars: number, command: string, max: number): string;
  emptyQuery(command: 'search' | 'brief'): string;
  whichArticle: string;
  noSuchArticle(id: string): string;
  noSubscriptions: string;
  noSources: string;
  unknownCommand(name: string): string;
  quote(text: string): string;
}

const en: Messages = {
  searchTitle: (query) => `Search: ${q(query)}`,
  briefTitle: (subject) => `Briefing: ${subject}`,
  latestTitle: (subject) => (subject ? `Latest on ${subject}` : 'Latest articles'),
  topicsTitle: 'Topics in the archive',
  helpTitle: 'Briefings',
  helpIntro: (n) =>
    `Short, sourced briefings from an archive of ${n} articles on Latin American politics and labour movements. Ask about a country, a person or a theme.`,
  describe: (c) => c.description,
  overview: (total, from, to, themes) => {
    const count = `${total} ${total === 1 ? 'article' : 'articles'}`;
    const dates = from && to ? (from === to ? ` (${from})` : `, ${from} – ${to}`) : '';
    return `${count}${dates}.${themes.length ? ` Key themes: ${list(themes, 'and')}.` : ''}`;
  },
  corrected: (topic, typed) => `Showing ${topic} (you typed ${q(typed)}).`,
  notFound: (query, near) =>
    `I found no articles about ${q(query)}. ${near ? 'Did you mean one of these?' : 'Try one of the most covered topics, or /topics for all.'}`,
  unmatched: (words) => `No article mentions ${list(words.map(q), 'or')}.`,
  nothingToSearch: (query) =>
    `${q(query)} has no words I can search for. Name a place, a person or a theme, e.g. /search oaxaca teachers.`,
  tryInstead: (near) =>
    near ? 'Did you mean one of these?' : 'Try one of the most covered topics, or /topics for all.',
  noMore: 'There are no more results.',
  expired: 'That list has expired. Please run the command again.',
  tooLong: (chars, command, max) =>
    `That is ${chars.toLocaleString('en')} characters; please keep ${command} queries under ${max}. A few key words work best.`,
  emptyQuery: (command) =>
    `What should I ${command === 'search' ? 'search for' : 'brief you on'}? Add a topic or a few words.`,
  whichArticle: 'Which article? Give its id, as shown under each result: /article 23fcb2-03',
  noSuchArticle: (id) => `There is no article with the id ${q(id)}. Ids are shown under each result.`,
  noSubscriptions: 'Subscriptions are not available here.',
  noSources: 'Feed sources are not available here.',
  unknownCommand: (name) => `I don't know the command /${name}. Try /help for what I can do.`,
  quote: q,
};

const ES_DESCRIPTIONS: Record<string, string> = {
  latest: 'Los artículos más recientes, sobre un tema si lo indicas',
  search: 'Buscar artículos sobre cualquier cosa, los mejores primero',
  brief: 'Un resumen: panorama, fechas y artículos clave',
  topics: 'Países, personas y temas del archivo',
  article: 'Un artículo completo',
  help: 'Qué puedo hacer',
  subscribe: 'Resúmenes programados o alertas de artículos nuevos en este canal',
  unsubscribe: 'Cancelar una suscripción',
  subscriptions: 'Las suscripciones de este canal',
};

const es: Messages = {
  searchTitle: (query) => `Búsqueda: ${q(query)}`,
  briefTitle: (subject) => `Resumen: ${subject}`,
  latestTitle: (subject) => (subject ? `Lo último sobre ${subject}` : 'Artículos recientes'),
  topicsTitle: 'Temas del archivo',
  helpTitle: 'Briefings',
  helpIntro: (n) =>
    `Resúmenes breves y con fuentes de un archivo de ${n} artículos sobre política y movimientos obreros en América Latina. Pregunta por un país, una persona o un tema.`,
  describe: (c) => ES_DESCRIPTIONS[c.name] ?? c.description,
  overview: (total, from, to, themes) => {
    const count = `${total} ${total === 1 ? 'artículo' : 'artículos'}`;
    const dates = from && to ? (from === to ? ` (${from})` : `, ${from} – ${to}`) : '';
    return `${count}${dates}.${themes.length ? ` Temas clave: ${list(themes, 'y')}.` : ''}`;
  },
  corrected: (topic, typed) => `Mostrando ${topic} (escribiste ${q(typed)}).`,
  notFound: (query, near) =>
    `No encontré artículos sobre ${q(query)}. ${near ? '¿Quisiste decir alguno de estos?' : 'Prueba uno de los temas más cubiertos, o /topics para verlos todos.'}`,
  unmatched: (words) => `Ningún artículo menciona ${list(words.map(q), 'ni')}.`,
  nothingToSearch: (query) =>
    `${q(query)} no tiene palabras que pueda buscar. Nombra un lugar, una persona o un tema, p. ej. /search maestros oaxaca.`,
  tryInstead: (near) =>
    near
      ? '¿Quisiste decir alguno de estos?'
      : 'Prueba uno de los temas más cubiertos, o /topics para verlos todos.',
  noMore: 'No hay más resultados.',
  expired: 'Esa lista ha caducado. Vuelve a ejecutar el comando.',
  tooLong: (chars, command, max) =>
    `Son ${chars.toLocaleString('es')} caracteres; las consultas de /${command} deben tener menos de ${max}. Bastan unas pocas palabras clave.`,
  emptyQuery: (command) =>
    `${command === 'search' ? '¿Qué debo buscar?' : '¿Sobre qué quieres el resumen?'} Añade un tema o unas palabras.`,
  whichArticle: '¿Qué artículo? Indica su id, que aparece bajo cada resultado: /article 23fcb2-03',
  noSuchArticle: (id) => `No hay ningún artículo con el id ${q(id)}. Los ids aparecen bajo cada resultado.`,
  noSubscriptions: 'Las suscripciones no están disponibles aquí.',
  noSources: 'Las fuentes no están disponibles aquí.',
  unknownCommand: (name) => `No conozco el comando /${name}. Prueba /help para ver qué puedo hacer.`,
  quote: q,
};

/** Both tables, for checks that every key exists in every language. */
export const MESSAGES: Record<TextLanguage, Messages> = { en, es };

/** The interface language for a user: Spanish for Spanish locales, English otherwise. */
export function messagesFor(language: TextLanguage | undefined): Messages {
  return language === 'es' ? es : en;
}
