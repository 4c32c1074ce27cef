/**
 * When a subscription posts. Daily and weekly times are wall-clock times in the subscriber's zone;
 * croner turns them (and raw cron expressions) into instants, so DST gaps and repeats are handled
 * by a maintained library, not by hand.
 */
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import { LocalisedError, type SubscriptionMessages, subscriptionMessagesFor } from '../i18n/subscriptions.ts';
import { type Cadence, WEEKDAYS } from '../types.ts';

export { type Cadence, WEEKDAYS, type Weekday } from '../types.ts';

/** Raised for a schedule the user typed that cannot work; the message is shown to them. */
export class CadenceError extends LocalisedError {
  override name = 'CadenceError';
}

/** Digests closer together than this would flood a channel; cron expressions must respect it. */
export const MIN_DIGEST_INTERVAL_MS = 15 * 60_000;

/**
 * The canonical spelling of an IANA zone name the runtime knows (`europe/madrid` → `Europe/Madrid`),
 * or undefined. Asks Intl, since croner computes slots through Intl too.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The cron pattern behind a digest cadence; undefined for alerts. */
export function cronPattern(cadence: Cadence): string | undefined {
  switch (cadence.kind) {
    case 'daily':
    case 'weekly': {
      const [hour, minute] = cadence.time.split(':').map(Number);
      const dow = cadence.kind === 'weekly' ? String((WEEKDAYS.indexOf(cadence.day) + 1) % 7) : '*';
      return `${minute} ${hour} * * ${dow}`;
    }
    case 'cron':
      return cadence.expression;
    case 'alerts':
      return undefined;
  }
}

function cronOf(cadence: Cadence, zone: string): Cron | undefined {
  const pattern = cronPattern(cadence);
  if (pattern === undefined) return undefined;
  return new Cron(pattern, { timezone: zone, mode: '5-part' });
}

/**
 * Checks that a cadence and zone can produce slots at a sane pace. Throws CadenceError with a
 * message for the user otherwise.
 */
export function validateCadence(cadence: Cadence, zone: string): void {
  if (!canonicalTimeZone(zone)) throw new CadenceError((m) => m.badZone(zone));
  let cron: Cron | undefined;
  try {
    cron = cronOf(cadence, zone);
  } catch (error) {
    throw new CadenceError((m) => m.scheduleDoesNotParse((error as Error).message));
  }
  if (!cron) return;
  const [first, second] = cron.nextRuns(2, new Date());
  if (!first) throw new CadenceError((m) => m.neverComes);
  if (second && second.getTime() - first.getTime() < MIN_DIGEST_INTERVAL_MS) {
    throw new CadenceError((m) => m.tooOften(MIN_DIGEST_INTERVAL_MS / 60_000));
  }
}

/** The first slot strictly after `after` (ms), or undefined for alerts and exhausted patterns. */
export function nextSlot(cadence: Cadence, zone: string, after: number): number | undefined {
  return cronOf(cadence, zone)?.nextRun(new Date(after))?.getTime();
}

/**
 * The latest slot in (from, to], or undefined if none. Used to collapse missed slots into one: a
 * bot back after a week posts the most recent digest only.
 */
export function latestSlotBetween(
  cadence: Cadence,
  zone: string,
  from: number,
  to: number,
): number | undefined {
  // croner's previousRuns excludes its reference; slots fall on whole minutes, so +1 s includes `to`.
  const [latest] = cronOf(cadence, zone)?.previousRuns(1, new Date(to + 1000)) ?? [];
  const at = latest?.getTime();
  return at !== undefined && at > from && at <= to ? at : undefined;
}

/**
 * Plain words for a cadence in the given messages' language: "every day at 08:00", "every Monday at
 * 09:30" ("cada día a las 08:00", "cada lunes a las 09:30"). English by default.
 */
export function describeCadence(
  cadence: Cadence,
  m: SubscriptionMessages = subscriptionMessagesFor('en'),
): string {
  switch (cadence.kind) {
    case 'daily':
      return m.daily(cadence.time);
    case 'weekly':
      return m.weekly(cadence.day, cadence.time);
    case 'cron':
      return m.cron(cadence.expression);
    case 'alerts':
      return m.alerts;
  }
}

/** An instant as the subscriber reads it: "Mon 23 Nov 2026, 08:00 CET" ("lun 23 nov 2026, 08:00 CET"). */
export function formatInZone(
  at: number,
  zone: string,
  m: SubscriptionMessages = subscriptionMessagesFor('en'),
): string {
  return DateTime.fromMillis(at, { zone }).setLocale(m.dateLocale).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
}
