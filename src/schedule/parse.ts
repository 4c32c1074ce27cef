/**
 * Reads what follows `/subscribe`: `[channel] <topic>[, <topic>…] [+word…] [-word…] [lang:en|es]
 * [daily HH:MM | weekly <day> HH:MM | alerts | cron <5 fields> | <5 cron fields>] [timezone]
 * [always]`. A topic may be several words and several topics are separated by commas; the
 * schedule and zone are recognised from the end, so "united states weekly friday 18:00" works.
 * `+word` posts only articles mentioning one of those words, `-word` leaves out articles
 * mentioning any of them, and `lang:es` posts Spanish articles only (a story told in both
 * languages comes in Spanish).
 */

import { LocalisedError, subscriptionMessagesFor } from '../i18n/subscriptions.ts';
import type { WhenEmpty } from '../store/types.ts';
import { fold } from '../text/normalize.ts';
import { type Cadence, canonicalTimeZone, WEEKDAYS, type Weekday } from './cadence.ts';

export interface SubscribeRequest {
  /** A channel named instead of the current chat: `@channel`, `<#123>`, `-100…`. */
  channelRef?: string;
  topic: string;
  cadence: Cadence;
  /** Undefined: the default zone. */
  timezone?: string;
  whenEmpty: WhenEmpty;
  /** The topics as typed (one or more, comma-separated in the text). */
  topics: string[];
  /** `+word`: at least one must be mentioned. Folded (lower case, no accents), deduplicated. */
  include: string[];
  /** `-word`: none may be mentioned. */
  exclude: string[];
  /** `lang:en` / `lang:es`. */
  language?: SubscriptionLanguage;
}

export const LANGUAGES = ['en', 'es'] as const;
export type SubscriptionLanguage = (typeof LANGUAGES)[number];

/** Most topics one subscription follows, and most filter words of each kind. */
export const MAX_TOPICS = 5;
export const MAX_WORDS = 10;

/** Bad `/subscribe` input; the message is shown to the user. */
export class SubscribeSyntaxError extends LocalisedError {
  override name = 'SubscribeSyntaxError';
}

export const SUBSCRIBE_USAGE = subscriptionMessagesFor('en').usage;

/** Looks like a clock time ("25:99", "13pm") whether or not it is a valid one. */
const TIME_LIKE = /^\d{1,2}(?::\d{1,2})?\s*(?:am|pm|h)$|^\d{1,2}:\d{1,2}$/i;

/** The digest time when none is given. */
export const DEFAULT_TIME = '08:00';

const DAY_NAMES: Record<string, Weekday> = {
  mon: 'monday',
  tue: 'tuesday',
  tues: 'tuesday',
  wed: 'wednesday',
  thu: 'thursday',
  thur: 'thursday',
  thurs: 'thursday',
  fri: 'friday',
  sat: 'saturday',
  sun: 'sunday',
  lunes: 'monday',
  martes: 'tuesday',
  miercoles: 'wednesday',
  miércoles: 'wednesday',
  jueves: 'thursday',
  viernes: 'friday',
  sabado: 'saturday',
  sábado: 'saturday',
  domingo: 'sunday',
};

/** `@name`, `<#123>`, `#name` or a Telegram `-100…` id: a channel named instead of the current chat. */
export function isChannelRef(token: string): boolean {
  return (
    /^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(token) || /^<#\d{5,22}>$/.test(token) || /^-100\d{5,15}$/.test(token)
  );
}

/** A day name in English or Spanish, full, short or plural ("mondays"). */
function parseDay(token: string): Weekday | undefined {
  const lower = token.toLowerCase();
  for (const t of [lower, lower.replace(/s$/, '')]) {
    if ((WEEKDAYS as readonly string[]).includes(t)) return t as Weekday;
    if (DAY_NAMES[t]) return DAY_NAMES[t];
  }
  return undefined;
}

/** `8:30`, `08:30`, `8am`, `8:30pm`, `20h` → `HH:MM`; undefined when not a time. */
export function parseTime(token: string): string | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?$/i.exec(token);
  if (!m || (m[2] === undefined && m[3] === undefined)) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const suffix = m[3]?.toLowerCase();
  if (suffix === 'am' || suffix === 'pm') {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (suffix === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

const CRON_FIELD = /^(?:[0-9*?LW#/,-]|[A-Za-z]{3})+$/;
const isCronField = (t: string) => CRON_FIELD.test(t) && /[0-9*?]/.test(t);

/** Takes the schedule off the end of `tokens` (mutating it); default daily at DEFAULT_TIME. */
function takeCadence(tokens: string[]): Cadence {
  const last = tokens.length - 1;
  const lower = tokens.map((t) => t.toLowerCase());
  if (lower[last] === 'alerts' || lower[last] === 'alert') {
    tokens.splice(last, 1);
    return { kind: 'alerts' };
  }
  const cronAt = lower.lastIndexOf('cron');
  if (cronAt > 0) {
    const fields = tokens.length - cronAt - 1;
    if (fields !== 5) throw new SubscribeSyntaxError((m) => m.cronFields(fields));
    const expression = tokens.splice(cronAt).slice(1).join(' ');
    return { kind: 'cron', expression };
  }
  let cronFields = 0;
  while (cronFields < tokens.length - 1 && isCronField(tokens[last - cronFields] ?? '')) cronFields++;
  const trailing = tokens.slice(-cronFields);
  if (cronFields >= 5 && trailing.some((t) => t.includes('*'))) {
    if (cronFields > 5) throw new SubscribeSyntaxError((m) => m.cronFields(cronFields));
    return { kind: 'cron', expression: tokens.splice(-5).join(' ') };
  }
  const time = parseTime(tokens[last] ?? '');
  if (time === undefined && TIME_LIKE.test(tokens[last] ?? '')) {
    const typed = tokens[last] ?? '';
    throw new SubscribeSyntaxError((m) => m.notATime(typed));
  }
  const timeTaken = time !== undefined ? 1 : 0;
  const keywordAt = last - timeTaken;
  if (lower[keywordAt] === 'daily' || lower[keywordAt] === 'diario') {
    tokens.splice(keywordAt);
    return { kind: 'daily', time: time ?? DEFAULT_TIME };
  }
  const day = parseDay(tokens[keywordAt] ?? '');
  if (day && (lower[keywordAt - 1] === 'weekly' || lower[keywordAt - 1] === 'semanal')) {
    tokens.splice(keywordAt - 1);
    return { kind: 'weekly', day, time: time ?? DEFAULT_TIME };
  }
  if (lower[keywordAt] === 'weekly' || lower[keywordAt] === 'semanal') {
    throw new SubscribeSyntaxError((m) => m.whichDay);
  }
  if (keywordAt > 1 && (lower[keywordAt - 1] === 'weekly' || lower[keywordAt - 1] === 'semanal')) {
    const typed = tokens[keywordAt] ?? '';
    throw new SubscribeSyntaxError((m) => m.notADay(typed));
  }
  if (time !== undefined) {
    tokens.splice(last);
    return { kind: 'daily', time };
  }
  return { kind: 'daily', time: DEFAULT_TIME };
}

/** Lower case without accents, as filter words are stored and compared. */
export function foldWord(word: string): string {
  return fold(word);
}

const FILTER_WORD = /^[+-]([\p{L}\p{N}][\p{L}\p{N}'’_.-]{0,39})$/u;
const LANGUAGE_TOKEN = /^(?:lang|language|idioma):(\S*)$/i;

/** Parses a language name or code (`es`, `Spanish`, `español`); undefined when unknown. */
export function parseLanguage(text: string): SubscriptionLanguage | undefined {
  const t = foldWord(text.trim());
  if (t === 'en' || t === 'english' || t === 'ingles') return 'en';
  if (t === 'es' || t === 'spanish' || t === 'espanol' || t === 'castellano') return 'es';
  return undefined;
}

/** Words typed for a Discord `include`/`exclude` option: spaces or commas between them, `+`/`-` optional. */
export function parseWordList(text: string, what: 'include' | 'exclude'): string[] {
  const words = text
    .split(/[\s,;]+/)
    .map((w) => w.replace(/^[+-]/, ''))
    .filter(Boolean);
  for (const w of words) {
    if (!FILTER_WORD.test(`+${w}`)) throw new SubscribeSyntaxError((m) => m.badWord(w, what));
  }
  return checkWords(words.map(foldWord), what);
}

function checkWords(words: string[], what: 'include' | 'exclude'): string[] {
  const unique = [...new Set(words)];
  if (unique.length > MAX_WORDS)
    throw new SubscribeSyntaxError((m) => m.tooManyWords(MAX_WORDS, unique.length, what));
  return unique;
}

/** Splits "mexico, peru" into topics; refuses empty ones and too many. */
export function splitTopics(text: string): string[] {
  const topics = text
    .split(',')
    .map((t) => t.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  if (topics.length > MAX_TOPICS)
    throw new SubscribeSyntaxError((m) => m.tooManyTopics(MAX_TOPICS, topics.length));
  return topics;
}

/** Takes `+word`, `-word` and `lang:xx` tokens out of `tokens` (mutating it). */
function takeFilters(tokens: string[]): Pick<SubscribeRequest, 'include' | 'exclude' | 'language'> {
  const include: string[] = [];
  const exclude: string[] = [];
  let language: SubscriptionLanguage | undefined;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i] ?? '';
    const lang = LANGUAGE_TOKEN.exec(token);
    if (lang) {
      language = parseLanguage(lang[1] ?? '');
      if (!language) throw new SubscribeSyntaxError((m) => m.badLanguageToken(lang[1] ?? ''));
      tokens.splice(i, 1);
      continue;
    }
    const word = FILTER_WORD.exec(token);
    // "-100…" channel ids never get here (taken first); digits-only words are fine ("+2024").
    if (word) {
      (token.startsWith('+') ? include : exclude).unshift(foldWord(word[1] ?? ''));
      tokens.splice(i, 1);
    } else if (token === '+' || token === '-') {
      throw new SubscribeSyntaxError((m) => m.wordAfterSign);
    }
  }
  return { include: checkWords(include, 'include'), exclude: checkWords(exclude, 'exclude'), language };
}

/**
 * Reads a schedule given on its own (Discord's `schedule` option): `daily 08:00`, `weekly monday
 * 09:30`, `alerts`, a cron expression, optionally followed by `always`. Anything left over is an error.
 */
export function parseScheduleOption(text: string): { cadence: Cadence; whenEmpty: WhenEmpty } {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  let whenEmpty: WhenEmpty = 'skip';
  if (tokens.at(-1)?.toLowerCase() === 'always') {
    tokens.pop();
    whenEmpty = 'latest';
  }
  if (tokens.length === 0) return { cadence: { kind: 'daily', time: DEFAULT_TIME }, whenEmpty };
  // A placeholder topic in front, so the schedule grammar reads exactly as in /subscribe.
  const withTopic = ['\u0000', ...tokens];
  const cadence = takeCadence(withTopic);
  if (withTopic.length !== 1) {
    throw new SubscribeSyntaxError((m) => m.badSchedule(text.trim()));
  }
  return { cadence, whenEmpty };
}

/** Parses `/subscribe` arguments; throws SubscribeSyntaxError with a message for the user. */
export function parseSubscribeArgs(args: string): SubscribeRequest {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  const channelRef = tokens[0] !== undefined && isChannelRef(tokens[0]) ? tokens.shift() : undefined;
  const filters = takeFilters(tokens);
  let whenEmpty: WhenEmpty = 'skip';
  if (tokens.length > 1 && tokens.at(-1)?.toLowerCase() === 'always') {
    tokens.pop();
    whenEmpty = 'latest';
  }
  let timezone: string | undefined;
  const zone = tokens.at(-1);
  if (tokens.length > 1 && zone && /[/]|^utc$|^gmt$/i.test(zone) && !isCronField(zone)) {
    timezone = canonicalTimeZone(zone);
    if (!timezone) throw new SubscribeSyntaxError((m) => m.badZone(zone));
    tokens.pop();
  }
  const cadence = takeCadence(tokens);
  const topic = tokens.join(' ').trim();
  const topics = splitTopics(topic);
  if (topics.length === 0) throw new SubscribeSyntaxError((m) => m.whichTopic);
  return { channelRef, topic, topics, cadence, timezone, whenEmpty, ...filters };
}

export interface UnsubscribeRequest {
  channelRef?: string;
  /** A subscription id (`3` or `#3`) or a topic. */
  what: string;
}

/** Parses `/unsubscribe [channel] <topic or id>` and `/subscriptions [channel]`. */
export function parseTargetArgs(args: string): UnsubscribeRequest {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  const channelRef = tokens[0] !== undefined && isChannelRef(tokens[0]) ? tokens.shift() : undefined;
  return { channelRef, what: tokens.join(' ') };
}
