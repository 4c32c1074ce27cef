/**
 * How a source is described to operators, on the command line (`sources list`) and in chat
 * (`/sources`): one shape for `--json`, one wording for people.
 */
import type { Source } from './state.ts';

/** A source failing this long is flagged in `sources list`. */
export const FAILING_FOR_LONG_MS = 24 * 60 * 60_000;

/** One source as `sources list --json` prints it. */
export interface SourceSummary {
  id: string;
  name: string;
  url: string;
  topics: string[];
  language: string | null;
  addedAt: string;
  /** Articles imported from it so far. */
  articles: number;
  /** `new`: never polled; `ok`: the last poll worked; `failing`: the last poll(s) failed. */
  status: 'new' | 'ok' | 'failing';
  /** True when it has been failing for a day or more. */
  failingLong: boolean;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  failingSince: string | null;
  failures: number;
  nextAttemptAt: string | null;
}

export function summarizeSource(s: Source, now: number): SourceSummary {
  const failing = s.failures > 0;
  return {
    id: s.id,
    name: s.name,
    url: s.url,
    topics: s.topics,
    language: s.language ?? null,
    addedAt: s.addedAt,
    articles: Math.max(s.imported, Object.keys(s.items).length),
    status: failing ? 'failing' : s.lastPolledAt ? 'ok' : 'new',
    failingLong: failing && !!s.failingSince && now - Date.parse(s.failingSince) >= FAILING_FOR_LONG_MS,
    lastPolledAt: s.lastPolledAt ?? null,
    lastSuccessAt: s.lastSuccessAt ?? null,
    lastError: s.lastError ?? null,
    failingSince: s.failingSince ?? null,
    failures: s.failures,
    nextAttemptAt: s.nextAttemptAt ?? null,
  };
}

/** "3 h", "2 d": how long ago, for people. */
export function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** Human lines for one source. Names and errors come from outside, so control characters go. */
export function describeSource(r: SourceSummary, now: number): string {
  const lines = [`${r.id}  ${clean(r.name)}  ${clean(r.url)}`];
  const facts = [
    `${r.articles} article${r.articles === 1 ? '' : 's'}`,
    r.topics.length ? `topics ${r.topics.join(', ')}` : undefined,
    r.language ? `language ${r.language}` : undefined,
  ].filter(Boolean);
  lines.push(`    ${facts.join(' · ')}`);
  if (r.status === 'new') lines.push('    not polled yet');
  else if (r.status === 'ok') lines.push(`    ok, last polled ${ago(r.lastPolledAt as string, now)}`);
  else {
    const since = r.failingSince ? ` since ${r.failingSince.slice(0, 16).replace('T', ' ')} UTC` : '';
    const flag = r.failingLong ? 'FAILING FOR OVER A DAY' : 'failing';
    lines.push(
      `    ${flag}${since} (${r.failures} attempt${r.failures === 1 ? '' : 's'}): ${clean(r.lastError ?? 'unknown error')}`,
    );
    if (r.lastSuccessAt) lines.push(`    last worked ${ago(r.lastSuccessAt, now)}`);
    if (r.nextAttemptAt) lines.push(`    next attempt ${r.nextAttemptAt.slice(0, 16).replace('T', ' ')} UTC`);
  }
  return lines.join('\n');
}
