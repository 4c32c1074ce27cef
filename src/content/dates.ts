import type { Article, DatePrecision, DateSource } from '../types.ts';
import type { ContentProblem } from './errors.ts';
import { SOURCES_FILE } from './files.ts';

const MONTHS: Record<string, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  es: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
};

export function precisionOf(date: string): DatePrecision {
  return date.length === 4 ? 'year' : date.length === 7 ? 'month' : 'day';
}

/**
 * Milliseconds for ordering by date. A month sorts at its middle and a year at mid-year, so an
 * item known only as "2022" sorts after one from June 2022 and before one from November.
 */
export function dateSortKey(date: string): number {
  // A full date by position, without arrays: this runs for every article at each start.
  if (date.length === 10 && date[4] === '-' && date[7] === '-')
    return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8)));
  const [y, m, d] = date.split('-').map(Number) as [number, number?, number?];
  if (m === undefined) return Date.UTC(y, 6, 1);
  if (d === undefined) return Date.UTC(y, m - 1, 15);
  return Date.UTC(y, m - 1, d);
}

/** "31 Oct 2006", "Oct 2006", "2006"; estimates get a "~" so nobody mistakes them for facts. */
export function dateLabel(date: string, source: DateSource, language = 'en'): string {
  const [y, m, d] = date.split('-');
  const month = m ? (MONTHS[language] ?? MONTHS.en)?.[Number(m) - 1] : undefined;
  const text = [d ? String(Number(d)) : undefined, month, y].filter(Boolean).join(' ');
  return source === 'estimate' ? `~${text}` : text;
}

/**
 * The first instant still in the future everywhere, as an ISO string: a date (at its own
 * precision) after it is in the future. A day counts as future only once it has begun nowhere on
 * Earth yet (UTC+14), so a timezone ahead of UTC is not flagged.
 */
function futureFrom(now: Date): string {
  return new Date(now.getTime() + 14 * 3600_000).toISOString();
}

export const FUTURE = 'is in the future';

/**
 * Articles dated after today: served, but flagged for a look (a typo such as 2042 for 2024 would
 * otherwise sit at the top of every `latest` list). Worked out on every start, cached or not.
 */
export function futureDates(articles: readonly Article[], now: Date): ContentProblem[] {
  const from = futureFrom(now);
  return articles
    .filter((a) => a.publishedAt > from.slice(0, a.publishedAt.length))
    .map((a) => ({
      file: a.file,
      field: a.file.endsWith('.md') ? 'date' : `${a.id}.date (${SOURCES_FILE})`,
      reason: `${a.publishedAt} ${FUTURE}; the article is served with that date (check it)`,
      outcome: 'flagged' as const,
    }));
}
