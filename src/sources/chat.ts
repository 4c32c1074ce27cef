/**
 * `/sources` in chat: the feeds the archive grows from and whether each is healthy. Read-only and
 * for administrators (of the group, or the person in a private chat with the bot); adding and
 * removing stay on the command line. Feed URLs can carry access keys, so chat shows hosts only.
 */

import type { RequestContext } from '../commands/command.ts';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import { languageOfLocale } from '../text/language.ts';
import { type SourceSummary, summarizeSource } from './report.ts';
import type { SourcesStore } from './state.ts';

/** Sources listed in one message; the rest are counted (the CLI lists all). */
const MAX_LISTED = 25;
const MAX_ERROR_CHARS = 160;

interface Words {
  refused: string;
  none: string;
  title(n: number): string;
  articles(n: number): string;
  ok(ago: string): string;
  never: string;
  failing(long: boolean, since: string): string;
  more(n: number): string;
  footer: string;
  unreadable: string;
  ago(minutes: number): string;
}

const en: Words = {
  refused: 'Only administrators of this chat can see the feed sources.',
  none: 'No feed sources yet. An operator adds them with: briefings sources add <feed-url>',
  title: (n) => `Feed sources (${n}):`,
  articles: (n) => `${n} article${n === 1 ? '' : 's'}`,
  ok: (ago) => `ok, polled ${ago}`,
  never: 'not polled yet',
  failing: (long, since) => `${long ? 'FAILING FOR OVER A DAY' : 'failing'} since ${since}`,
  more: (n) => `… and ${n} more (briefings sources list shows all).`,
  footer: 'Sources are added and removed on the command line: briefings sources add|remove.',
  unreadable:
    'The sources list cannot be read right now; the operator can check it with: briefings sources list',
  ago: (m) =>
    m < 1
      ? 'just now'
      : m < 60
        ? `${m} min ago`
        : m < 2880
          ? `${Math.round(m / 60)} h ago`
          : `${Math.round(m / 1440)} days ago`,
};

const es: Words = {
  refused: 'Solo los administradores de este chat pueden ver las fuentes.',
  none: 'Todavía no hay fuentes. Se añaden con: briefings sources add <url-del-feed>',
  title: (n) => `Fuentes (${n}):`,
  articles: (n) => `${n} artículo${n === 1 ? '' : 's'}`,
  ok: (ago) => `bien, consultada ${ago}`,
  never: 'aún sin consultar',
  failing: (long, since) => `${long ? 'FALLA DESDE HACE MÁS DE UN DÍA' : 'falla'} desde ${since}`,
  more: (n) => `… y ${n} más (briefings sources list las muestra todas).`,
  footer: 'Las fuentes se añaden y quitan en la línea de comandos: briefings sources add|remove.',
  unreadable:
    'Ahora no se puede leer la lista de fuentes; el operador puede verla con: briefings sources list',
  ago: (m) =>
    m < 1
      ? 'ahora mismo'
      : m < 60
        ? `hace ${m} min`
        : m < 2880
          ? `hace ${Math.round(m / 60)} h`
          : `hace ${Math.round(m / 1440)} días`,
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
const host = (url: string) => {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '?';
  }
};
/** Errors name URLs; their query strings (where access keys live) are left out in chat. */
const redact = (s: string) => s.replace(/(https?:\/\/[^\s?#]+)[?#][^\s]*?(?=:?\s|$)/g, '$1?…');
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function line(s: SourceSummary, w: Words, now: number): string {
  const minutes = (iso: string) => Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  const status =
    s.status === 'new'
      ? w.never
      : s.status === 'ok'
        ? w.ok(w.ago(minutes(s.lastPolledAt as string)))
        : `${w.failing(s.failingLong, utc(s.failingSince ?? (s.lastPolledAt as string)))}: ${redact(clean(s.lastError ?? '?')).slice(0, MAX_ERROR_CHARS)}`;
  return `• ${s.id}: ${clean(s.name)} (${host(s.url)}), ${w.articles(s.articles)}, ${status}`;
}

/** What `createBriefings(engine, { sources })` routes `/sources` to. */
export function createSourcesChatHandler(options: {
  store: SourcesStore;
  logger?: Logger;
  clock?: () => number;
}) {
  const { store, clock = Date.now } = options;
  return {
    async handle(ctx: RequestContext): Promise<Reply> {
      const w = languageOfLocale(ctx.locale) === 'es' ? es : en;
      if (!ctx.chat?.userCanManage) return { kind: 'notice', tone: 'error', message: w.refused };
      let summaries: SourceSummary[];
      const now = clock();
      try {
        summaries = (await store.read()).sources.map((s) => summarizeSource(s, now));
      } catch (error) {
        options.logger?.warn({ err: error }, '/sources could not read the sources state');
        return { kind: 'notice', tone: 'error', message: w.unreadable };
      }
      if (summaries.length === 0) return { kind: 'notice', tone: 'info', message: w.none };
      // Failing sources first: that is what an administrator asking wants to know.
      const ordered = [...summaries].sort(
        (a, b) => Number(b.status === 'failing') - Number(a.status === 'failing') || a.id.localeCompare(b.id),
      );
      const lines = [w.title(summaries.length), ...ordered.slice(0, MAX_LISTED).map((s) => line(s, w, now))];
      if (ordered.length > MAX_LISTED) lines.push(w.more(ordered.length - MAX_LISTED));
      lines.push('', w.footer);
      return { kind: 'notice', tone: 'info', message: lines.join('\n') };
    },
  };
}
