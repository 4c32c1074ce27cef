/**
 * Everything the subscription dialogue says (`/subscribe`, `/unsubscribe`, `/subscriptions`, the
 * manage buttons, schedule descriptions and input errors), per interface language. The sibling of
 * src/commands/messages.ts, picked the same way: Spanish for Spanish locales, English otherwise.
 */
import type { TextLanguage } from '../text/language.ts';
import type { Weekday } from './cadence.ts';

const list = (items: readonly string[], or: string) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} ${or} ${items.at(-1)}` : (items[0] ?? '');

/** The usage line: the grammar's keywords are the same in both languages (Spanish day names work too). */
const USAGE =
  '/subscribe <topic>[, topic] [+word] [-word] [lang:en|es] [daily HH:MM | weekly <day> HH:MM | alerts | cron <m h dom mon dow>] [timezone] [always]';
const USAGE_ES =
  '/subscribe <tema>[, tema] [+palabra] [-palabra] [lang:en|es] [daily HH:MM | weekly <día> HH:MM | alerts | cron <m h dom mes dow>] [zona horaria] [always]';

export interface SubscriptionMessages {
  usage: string;
  /** How a date and time is written: a Luxon locale. */
  dateLocale: string;
  // Where a subscription posts.
  thisChannel: string;
  thisChat: string;
  // Who may do what.
  onlyManageChannels(where: string): string;
  onlyAdminsOf(where: string): string;
  onlyAdminsOfGroup: string;
  needPermissions(where: string, permissions: readonly string[]): string;
  needAdminToPost(where: string): string;
  cannotPostHere: string;
  cannotLookUp(ref: string): string;
  cannotFind(ref: string): string;
  noChat: string;
  notAllowed: string;
  // Shaping and the listing.
  languageName(language: string): string;
  onlyMentioning(words: readonly string[]): string;
  noneMentioning(words: readonly string[]): string;
  onlyInLanguage(name: string): string;
  pinging(role: string): string;
  pausedBecause(reason: string | undefined): string;
  /** The reason shown for a subscription paused with its button. */
  pausedByAdmin: string;
  nextPost(when: string): string;
  inChat(title: string): string;
  subscriptionsOf(where: string, lines: readonly string[]): string;
  noSubscriptions(where: string): string;
  // Subscribing.
  unknownTopic(text: string): string;
  noEveryone: string;
  roleOnAlerts: string;
  vanished: string;
  alertsWhat(where: string, label: string, filters: string, ping: string): string;
  digestWhat(where: string, label: string, filters: string, cadence: string, zone: string): string;
  nextPostAt(when: string | undefined): string;
  whenEmptyLatest: string;
  whenEmptySkip: string;
  subscribed(id: number, what: string, updated: boolean, note: string): string;
  roleNotMentionable(role: string): string;
  // Unsubscribing.
  whichSubscription: string;
  noSuchSubscription(where: string, what: string): string;
  unsubscribed(id: number, label: string, where: string): string;
  // The manage buttons.
  gone(id: number): string;
  alreadyPaused(name: string): string;
  paused(name: string): string;
  alreadyRunning(name: string): string;
  stillNotFixed(why: string): string;
  resumed(name: string, requeued: number): string;
  postNowUnavailable: string;
  posting(name: string, items: number, fresh: boolean): string;
  justPosted(name: string): string;
  nothingToPost(name: string): string;
  pausedResumeFirst(name: string): string;
  removed(name: string): string;
  notASubscriptionCommand(kind: string): string;
  // Scheduled posts (digests and alerts).
  alertTitle(label: string): string;
  digestTitle(label: string): string;
  latestTitle(label: string): string;
  moreNotShown(more: number, label: string): string;
  articles(n: number): string;
  alsoAbout(themes: readonly string[]): string;
  // Schedules.
  daily(time: string): string;
  weekly(day: Weekday, time: string): string;
  cron(expression: string): string;
  alerts: string;
  // Bad input.
  pickTopic: string;
  whichTopic: string;
  badZone(zone: string): string;
  badLanguageOption(text: string): string;
  badLanguageToken(text: string): string;
  cronFields(given: number): string;
  notATime(text: string): string;
  whichDay: string;
  notADay(text: string): string;
  badWord(word: string, what: 'include' | 'exclude'): string;
  tooManyWords(max: number, given: number, what: 'include' | 'exclude'): string;
  tooManyTopics(max: number, given: number): string;
  wordAfterSign: string;
  badSchedule(text: string): string;
  scheduleDoesNotParse(reason: string): string;
  neverComes: string;
  tooOften(minutes: number): string;
}

/** The reason stored for a subscription paused with its button (the store keeps it in English). */
export const PAUSED_BY_ADMIN = 'paused by an administrator';

const capitalised = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
const CRON_HELP =
  'A cron schedule has 5 fields: minute hour day-of-month month day-of-week, e.g. cron 30 8 * * 1-5';
const CRON_HELP_ES =
  'Un horario cron tiene 5 campos: minuto hora día-del-mes mes día-de-la-semana, p. ej. cron 30 8 * * 1-5';

const en: SubscriptionMessages = {
  usage: USAGE,
  dateLocale: 'en-GB',
  thisChannel: 'this channel',
  thisChat: 'this chat',
  onlyManageChannels: (where) =>
    `Only members with the Manage Channels permission can change subscriptions of ${where}.`,
  onlyAdminsOf: (where) => `Only administrators of ${where} can change its subscriptions.`,
  onlyAdminsOfGroup: 'Only administrators of this group can change its subscriptions.',
  needPermissions: (where, missing) =>
    `I can't post in ${where}: give me the ${missing.join(', ')} permission${missing.length > 1 ? 's' : ''} there first.`,
  needAdminToPost: (where) =>
    `I can't post in ${where}: make me an administrator allowed to post messages there first.`,
  cannotPostHere: "I can't post here.",
  cannotLookUp: (ref) => `I can't look up ${ref} from here; run the command in that chat instead.`,
  cannotFind: (ref) => `I can't find ${ref}, or I am not a member there.`,
  noChat: 'Subscriptions belong to a chat or channel; use this command in one.',
  notAllowed: 'Not allowed.',
  languageName: (language) => ({ en: 'English', es: 'Spanish' })[language] ?? language,
  onlyMentioning: (words) => `only articles mentioning ${list(words, 'or')}`,
  noneMentioning: (words) => `none mentioning ${list(words, 'or')}`,
  onlyInLanguage: (name) => `in ${name} only`,
  pinging: (role) => `, pinging ${role}`,
  pausedBecause: (reason) => ` — paused: ${reason ?? 'unknown reason'}`,
  pausedByAdmin: PAUSED_BY_ADMIN,
  nextPost: (when) => `, next ${when}`,
  inChat: (title) => ` — in ${title}`,
  subscriptionsOf: (where, lines) => `Subscriptions of ${where}:\n${lines.join('\n')}`,
  noSubscriptions: (where) => `${capitalised(where)} has no subscriptions. Start one with ${USAGE}`,
  unknownTopic: (text) => `I know no topic or articles for "${text}". Try /topics to see what there is.`,
  noEveryone: 'Alerts cannot ping @everyone; pick a role made for them (e.g. @news-alerts).',
  roleOnAlerts: 'A role can only be pinged on alerts; choose the schedule "alerts" or leave out the mention.',
  vanished: 'That subscription vanished while I was changing it; please try again.',
  alertsWhat: (where, label, filters, ping) =>
    `${where} will get new articles on ${label}${filters} as soon as they arrive${ping}.`,
  digestWhat: (where, label, filters, cadence, zone) =>
    `${where} will get a briefing on ${label}${filters} ${cadence} (${zone}).`,
  nextPostAt: (when) => `Next post: ${when ?? 'never'}.`,
  whenEmptyLatest: 'If nothing is new, it shows the latest instead.',
  whenEmptySkip: 'If nothing is new, no post.',
  subscribed: (id, what, updated, note) =>
    `${updated ? 'Updated' : 'Subscribed'} (#${id}): ${capitalised(what)}${note} Stop with /unsubscribe ${id}; /subscriptions to pause or post now.`,
  roleNotMentionable: (role) =>
    ` Note: ${role} is not mentionable and I lack Mention All Roles, so the ping will notify nobody; make the role mentionable in the server settings.`,
  whichSubscription: 'Which subscription? Usage: /unsubscribe <topic or id>; /subscriptions lists them.',
  noSuchSubscription: (where, what) =>
    `${capitalised(where)} has no subscription "${what}". /subscriptions lists them.`,
  unsubscribed: (id, label, where) => `Unsubscribed (#${id}): no more posts on ${label} in ${where}.`,
  gone: (id) => `Subscription #${id} is gone; here is what is left.`,
  alreadyPaused: (name) => `${name} was already paused.`,
  paused: (name) => `Paused ${name}: nothing is posted until you resume it.`,
  alreadyRunning: (name) => `${name} is already running.`,
  stillNotFixed: (why) => `Still not fixed: ${why}`,
  resumed: (name, n) =>
    `Resumed ${name}.${n > 0 ? ` ${n === 1 ? 'The post' : `${n} posts`} it missed will go out now.` : ''}`,
  postNowUnavailable: 'Posting now is not available here.',
  posting: (name, items, fresh) =>
    `Posting ${name} now: ${items} ${items === 1 ? 'article' : 'articles'}${fresh ? ' new since the last post' : ' (nothing new, so the latest)'}.`,
  justPosted: (name) => `${name} was just posted; nothing new since.`,
  nothingToPost: (name) => `Nothing to post for ${name}: no articles match it yet.`,
  pausedResumeFirst: (name) => `${name} is paused; resume it first.`,
  removed: (name) => `Unsubscribed ${name}.`,
  notASubscriptionCommand: (kind) => `Not a subscription command: ${kind}`,
  alertTitle: (label) => `New on ${label}`,
  digestTitle: (label) => `Briefing: ${label}`,
  latestTitle: (label) => `Latest on ${label} (nothing new since the last briefing)`,
  moreNotShown: (more, label) => `${more} more not shown here; ask for /latest ${label} to see them.`,
  articles: (n) => `${n} ${n === 1 ? 'article' : 'articles'}`,
  alsoAbout: (themes) => ` Also about: ${themes.join(', ')}.`,
  daily: (time) => `every day at ${time}`,
  weekly: (day, time) => `every ${capitalised(day)} at ${time}`,
  cron: (expression) => `on the schedule "${expression}"`,
  alerts: 'as soon as new articles arrive',
  pickTopic: 'Which topic? Pick one from the list.',
  whichTopic: `Which topic? Usage: ${USAGE}`,
  badZone: (zone) => `"${zone}" is not a time zone I know; use a name like Europe/Madrid.`,
  badLanguageOption: (text) => `"${text}" is not a language I have; use en or es.`,
  badLanguageToken: (text) => `"${text}" is not a language I have; use lang:en or lang:es.`,
  cronFields: (given) => `${CRON_HELP} (you gave ${given}).`,
  notATime: (text) => `"${text}" is not a time of day; use HH:MM from 00:00 to 23:59.`,
  whichDay: 'Say which day: weekly monday 08:00.',
  notADay: (text) => `"${text}" is not a day; use monday … sunday: weekly monday 08:00.`,
  badWord: (word, what) => `"${word}" is not a word I can ${what}; use letters and digits.`,
  tooManyWords: (max, given, what) => `At most ${max} words to ${what}; you gave ${given}.`,
  tooManyTopics: (max, given) => `At most ${max} topics per subscription; you gave ${given}.`,
  wordAfterSign: 'Put the word right after + or -, without a space: +election -football.',
  badSchedule: (text) =>
    `I don't understand the schedule "${text}"; use daily 08:00, weekly monday 09:30, alerts, or a cron like 30 8 * * 1-5 (add "always" to post the latest when nothing is new).`,
  scheduleDoesNotParse: (reason) => `That schedule does not parse: ${reason}`,
  neverComes: 'That schedule never comes round.',
  tooOften: (minutes) => `Digests can come at most every ${minutes} minutes.`,
};

const DAYS_ES: Record<Weekday, string> = {
  monday: 'lunes',
  tuesday: 'martes',
  wednesday: 'miércoles',
  thursday: 'jueves',
  friday: 'viernes',
  saturday: 'sábado',
  sunday: 'domingo',
};

const es: SubscriptionMessages = {
  usage: USAGE_ES,
  dateLocale: 'es',
  thisChannel: 'este canal',
  thisChat: 'este chat',
  onlyManageChannels: (where) =>
    `Solo los miembros con el permiso Gestionar canales pueden cambiar las suscripciones de ${where}.`,
  onlyAdminsOf: (where) => `Solo los administradores de ${where} pueden cambiar sus suscripciones.`,
  onlyAdminsOfGroup: 'Solo los administradores de este grupo pueden cambiar sus suscripciones.',
  needPermissions: (where, missing) =>
    `No puedo publicar en ${where}: dame antes ${missing.length > 1 ? 'los permisos' : 'el permiso'} ${missing.join(', ')} allí.`,
  needAdminToPost: (where) =>
    `No puedo publicar en ${where}: hazme antes administrador con permiso para publicar mensajes allí.`,
  cannotPostHere: 'No puedo publicar aquí.',
  cannotLookUp: (ref) => `No puedo buscar ${ref} desde aquí; ejecuta el comando en ese chat.`,
  cannotFind: (ref) => `No encuentro ${ref}, o no soy miembro de ese chat.`,
  noChat: 'Las suscripciones pertenecen a un chat o canal; usa este comando en uno.',
  notAllowed: 'No está permitido.',
  languageName: (language) => ({ en: 'inglés', es: 'español' })[language] ?? language,
  onlyMentioning: (words) => `solo artículos que mencionen ${list(words, 'o')}`,
  noneMentioning: (words) => `ninguno que mencione ${list(words, 'o')}`,
  onlyInLanguage: (name) => `solo en ${name}`,
  pinging: (role) => `, avisando a ${role}`,
  pausedBecause: (reason) => ` — en pausa: ${reason ?? 'motivo desconocido'}`,
  pausedByAdmin: 'pausada por un administrador',
  nextPost: (when) => `, próxima ${when}`,
  inChat: (title) => ` — en ${title}`,
  subscriptionsOf: (where, lines) => `Suscripciones de ${where}:\n${lines.join('\n')}`,
  noSubscriptions: (where) => `${capitalised(where)} no tiene suscripciones. Crea una con ${USAGE_ES}`,
  unknownTopic: (text) =>
    `No conozco ningún tema ni artículos sobre "${text}". Prueba /topics para ver qué hay.`,
  noEveryone: 'Las alertas no pueden avisar a @everyone; elige un rol creado para ellas (p. ej. @alertas).',
  roleOnAlerts: 'Solo se puede avisar a un rol en las alertas; elige el horario "alerts" o quita la mención.',
  vanished: 'Esa suscripción desapareció mientras la cambiaba; inténtalo de nuevo.',
  alertsWhat: (where, label, filters, ping) =>
    `${where} recibirá los artículos nuevos sobre ${label}${filters} en cuanto lleguen${ping}.`,
  digestWhat: (where, label, filters, cadence, zone) =>
    `${where} recibirá un resumen sobre ${label}${filters} ${cadence} (${zone}).`,
  nextPostAt: (when) => `Próxima publicación: ${when ?? 'nunca'}.`,
  whenEmptyLatest: 'Si no hay nada nuevo, muestra lo último.',
  whenEmptySkip: 'Si no hay nada nuevo, no se publica nada.',
  subscribed: (id, what, updated, note) =>
    `${updated ? 'Actualizada' : 'Suscrito'} (#${id}): ${capitalised(what)}${note} Cancélala con /unsubscribe ${id}; /subscriptions para pausarla o publicar ahora.`,
  roleNotMentionable: (role) =>
    ` Nota: ${role} no se puede mencionar y me falta el permiso Mencionar todos los roles, así que el aviso no llegará a nadie; haz el rol mencionable en los ajustes del servidor.`,
  whichSubscription: '¿Qué suscripción? Uso: /unsubscribe <tema o id>; /subscriptions las lista.',
  noSuchSubscription: (where, what) =>
    `${capitalised(where)} no tiene ninguna suscripción "${what}". /subscriptions las lista.`,
  unsubscribed: (id, label, where) =>
    `Suscripción cancelada (#${id}): no habrá más publicaciones sobre ${label} en ${where}.`,
  gone: (id) => `La suscripción #${id} ya no existe; estas son las que quedan.`,
  alreadyPaused: (name) => `${name} ya estaba en pausa.`,
  paused: (name) => `${name} en pausa: no se publica nada hasta que la reanudes.`,
  alreadyRunning: (name) => `${name} ya está activa.`,
  stillNotFixed: (why) => `Sigue sin arreglarse: ${why}`,
  resumed: (name, n) =>
    `${name} reanudada.${n > 0 ? ` ${n === 1 ? 'La publicación perdida saldrá' : `Las ${n} publicaciones perdidas saldrán`} ahora.` : ''}`,
  postNowUnavailable: 'Publicar ahora no está disponible aquí.',
  posting: (name, items, fresh) =>
    `Publicando ${name} ahora: ${items} ${items === 1 ? 'artículo' : 'artículos'}${fresh ? (items === 1 ? ' nuevo desde la última publicación' : ' nuevos desde la última publicación') : ' (nada nuevo, así que lo último)'}.`,
  justPosted: (name) => `${name} se acaba de publicar; no hay nada nuevo desde entonces.`,
  nothingToPost: (name) => `Nada que publicar para ${name}: todavía no hay artículos que coincidan.`,
  pausedResumeFirst: (name) => `${name} está en pausa; reanúdala primero.`,
  removed: (name) => `Suscripción cancelada: ${name}.`,
  notASubscriptionCommand: (kind) => `No es un comando de suscripción: ${kind}`,
  alertTitle: (label) => `Nuevo sobre ${label}`,
  digestTitle: (label) => `Resumen: ${label}`,
  latestTitle: (label) => `Lo último sobre ${label} (nada nuevo desde el último resumen)`,
  moreNotShown: (more, label) => `${more} más que no se muestran aquí; pide /latest ${label} para verlos.`,
  articles: (n) => `${n} ${n === 1 ? 'artículo' : 'artículos'}`,
  alsoAbout: (themes) => ` También sobre: ${themes.join(', ')}.`,
  daily: (time) => `cada día a las ${time}`,
  weekly: (day, time) => `cada ${DAYS_ES[day]} a las ${time}`,
  cron: (expression) => `según el horario "${expression}"`,
  alerts: 'en cuanto lleguen artículos nuevos',
  pickTopic: '¿Qué tema? Elige uno de la lista.',
  whichTopic: `¿Qué tema? Uso: ${USAGE_ES}`,
  badZone: (zone) => `No conozco la zona horaria "${zone}"; usa un nombre como Europe/Madrid.`,
  badLanguageOption: (text) => `No tengo el idioma "${text}"; usa en o es.`,
  badLanguageToken: (text) => `No tengo el idioma "${text}"; usa lang:en o lang:es.`,
  cronFields: (given) => `${CRON_HELP_ES} (diste ${given}).`,
  notATime: (text) => `"${text}" no es una hora del día; usa HH:MM de 00:00 a 23:59.`,
  whichDay: 'Di qué día: weekly lunes 08:00.',
  notADay: (text) => `"${text}" no es un día; usa lunes … domingo: weekly lunes 08:00.`,
  badWord: (word, what) =>
    `"${word}" no es una palabra que pueda ${what === 'include' ? 'incluir' : 'excluir'}; usa letras y cifras.`,
  tooManyWords: (max, given, what) =>
    `Como mucho ${max} palabras para ${what === 'include' ? 'incluir' : 'excluir'}; diste ${given}.`,
  tooManyTopics: (max, given) => `Como mucho ${max} temas por suscripción; diste ${given}.`,
  wordAfterSign: 'Pon la palabra justo después de + o -, sin espacio: +elecciones -fútbol.',
  badSchedule: (text) =>
    `No entiendo el horario "${text}"; usa daily 08:00, weekly lunes 09:30, alerts o un cron como 30 8 * * 1-5 (añade "always" para publicar lo último cuando no haya nada nuevo).`,
  scheduleDoesNotParse: (reason) => `Ese horario no se puede leer: ${reason}`,
  neverComes: 'Ese horario no llega nunca.',
  tooOften: (minutes) => `Los resúmenes pueden llegar como mucho cada ${minutes} minutos.`,
};

/** Both tables, for checks that every key exists in every language. */
export const SUBSCRIPTION_MESSAGES: Record<TextLanguage, SubscriptionMessages> = { en, es };

/** The subscription dialogue in an interface language: Spanish for Spanish, English otherwise. */
export function subscriptionMessagesFor(language: TextLanguage | undefined): SubscriptionMessages {
  return language === 'es' ? es : en;
}

/**
 * Bad subscription input, worded in every language: `say` picks the words, `message` is the English
 * for logs and callers that know no language.
 */
export class LocalisedError extends Error {
  constructor(readonly say: (m: SubscriptionMessages) => string) {
    super(say(en));
  }
}
