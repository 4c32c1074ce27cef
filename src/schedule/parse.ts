/**
 * Reads what follows `/subscribe`: `[channel] <topic> [daily HH:MM | weekly <day> HH:MM | alerts |
 * cron <5 fields> | <5 cron fields>] [timezone] [always]`. The topic may be several words; the
 * schedule and zone are recognised from the end, so "united states weekly friday 18:00" works.
 */
import type { WhenEmpty } from '../store/types.ts';
import { type Cadence, canonicalTimeZone, WEEKDAYS, type Weekday } from './cadence.ts';

export interface SubscribeRequest {
  /** A channel named instead of the current chat: `@channel`, `<#123>`, `-100…`. */
  channelRef?: string;
  topic: string;
  cadence: Cadence;
  /** Undefined: the default zone. */
  timezone?: string;
  whenEmpty: WhenEmpty;
}

/** Bad `/subscribe` input; the message is shown to the user. */
export class SubscribeSyntaxError extends Error {
  override name = 'SubscribeSyntaxError';
}

export const SUBSCRIBE_USAGE =
  '/subscribe <topic> [daily HH:MM | weekly <day> HH:MM | alerts | cron <m h dom mon dow>] [timezone] [always]';

const CRON_HELP =
  'A cron schedule has 5 fields: minute hour day-of-month month day-of-week, e.g. cron 30 8 * * 1-5';

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
    if (fields !== 5) throw new SubscribeSyntaxError(`${CRON_HELP} (you gave ${fields}).`);
    const expression = tokens.splice(cronAt).slice(1).join(' ');
    return { kind: 'cron', expression };
  }
  let cronFields = 0;
  while (cronFields < tokens.length - 1 && isCronField(tokens[last - cronFields] ?? '')) cronFields++;
  const trailing = tokens.slice(-cronFields);
  if (cronFields >= 5 && trailing.some((t) => t.includes('*'))) {
    if (cronFields > 5) throw new SubscribeSyntaxError(`${CRON_HELP} (you gave ${cronFields}).`);
    return { kind: 'cron', expression: tokens.splice(-5).join(' ') };
  }
  const time = parseTime(tokens[last] ?? '');
  if (time === undefined && TIME_LIKE.test(tokens[last] ?? '')) {
    throw new SubscribeSyntaxError(`"${tokens[last]}" is not a time of day; use HH:MM from 00:00 to 23:59.`);
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
    throw new SubscribeSyntaxError('Say which day: weekly monday 08:00.');
  }
  if (keywordAt > 1 && (lower[keywordAt - 1] === 'weekly' || lower[keywordAt - 1] === 'semanal')) {
    throw new SubscribeSyntaxError(
      `"${tokens[keywordAt]}" is not a day; use monday … sunday: weekly monday 08:00.`,
    );
  }
  if (time !== undefined) {
    tokens.splice(last);
    return { kind: 'daily', time };
  }
  return { kind: 'daily', time: DEFAULT_TIME };
}

/** Parses `/subscribe` arguments; throws SubscribeSyntaxError with a message for the user. */
export function parseSubscribeArgs(args: string): SubscribeRequest {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  const channelRef = tokens[0] !== undefined && isChannelRef(tokens[0]) ? tokens.shift() : undefined;
  let whenEmpty: WhenEmpty = 'skip';
  if (tokens.length > 1 && tokens.at(-1)?.toLowerCase() === 'always') {
    tokens.pop();
    whenEmpty = 'latest';
  }
  let timezone: string | undefined;
  const zone = tokens.at(-1);
  if (tokens.length > 1 && zone && /[/]|^utc$|^gmt$/i.test(zone) && !isCronField(zone)) {
    timezone = canonicalTimeZone(zone);
    if (!timezone)
      throw new SubscribeSyntaxError(`"${zone}" is not a time zone I know; use a name like Europe/Madrid.`);
    tokens.pop();
  }
  const cadence = takeCadence(tokens);
  const topic = tokens.join(' ').trim();
  if (!topic) throw new SubscribeSyntaxError(`Which topic? Usage: ${SUBSCRIBE_USAGE}`);
  return { channelRef, topic, cadence, timezone, whenEmpty };
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
