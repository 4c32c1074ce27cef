/**
 * `briefings sources add|list|remove|poll`: operators point the bot at publishers' feeds. Safe to
 * run next to a live bot: the state file is changed under a lock, and article files are written
 * atomically into CONTENT_DIR, where the running bot's content watcher picks them up.
 */
import { parseArgs } from 'node:util';
import { closest } from 'fastest-levenshtein';
import type { CliCommand, CliIO } from '../cli.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { FEEDS_DIR } from '../content/files.ts';
import { createLogger } from '../logger.ts';
import { fetchFeed } from './fetch.ts';
import { normalizeLink } from './link.ts';
import type { PollReport, SourceReport } from './poll.ts';
import { describeSource, summarizeSource } from './report.ts';
import { openSourcesStore, type Source, SourcesBusyError, SourcesStateError } from './state.ts';

const USAGE = [
  'Usage:',
  '  briefings sources add <feed-url> [--name <name>] [--topic <topic>]… [--language en|es] [--skip-check]',
  '  briefings sources list [--json]',
  '  briefings sources remove <id>',
  '  briefings sources poll [<id>…] [--json]',
  '',
].join('\n');

export const LANGUAGES = ['en', 'es'] as const;

/** A usage problem: exit 2 with the message and the usage. */
class UsageError extends Error {}
/** The command could not do what was asked: exit 1 with the message. */
class AnswerError extends Error {}

/** A short id from a name: lowercase words joined by "-", unique among `taken`. */
export function sourceIdFor(name: string, taken: Set<string>): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // Whole words up to 20 characters (room for a "-2" suffix within the 24 allowed).
  let base = '';
  for (const w of words) {
    const next = base ? `${base}-${w}` : w;
    if (next.length > 20) break;
    base = next;
  }
  base ||= words[0]?.slice(0, 20) || 'feed';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function config(io: CliIO): Config {
  return loadConfig(io.env);
}

async function add(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      topic: { type: 'string', multiple: true },
      language: { type: 'string' },
      'skip-check': { type: 'boolean', default: false },
    },
  });
  const [url, ...extra] = positionals;
  if (!url) throw new UsageError('a feed URL is required');
  if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}" (one feed URL at a time)`);
  if (!normalizeLink(url)) throw new UsageError(`"${url}" is not an http(s) URL`);
  const name = values.name?.trim();
  if (values.name !== undefined && (!name || name.length > 100))
    throw new UsageError('--name must be 1-100 characters');
  const language = values.language?.trim().toLowerCase();
  if (language !== undefined && !LANGUAGES.includes(language as 'en'))
    throw new UsageError(`--language must be ${LANGUAGES.join(' or ')}`);
  const topics = [
    ...new Set((values.topic ?? []).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase())),
  ].filter(Boolean);

  const cfg = config(io);
  // poll.ts and parse.ts are imported where used: this command is part of the bot's executable,
  // and the feed and HTML parsers they load are not start-up's business.
  if (topics.length) {
    const { gazetteerTopicIds } = await import('./poll.ts');
    const known = await gazetteerTopicIds(cfg.CONTENT_DIR).catch((error: Error) => {
      throw new AnswerError(`cannot check topics: ${error.message} (CONTENT_DIR=${cfg.CONTENT_DIR})`);
    });
    for (const t of topics) {
      if (known.has(t)) continue;
      const near = closest(t, [...known]);
      throw new UsageError(
        `"${t}" is not a topic in the gazetteer${near ? `; did you mean "${near}"?` : ''}`,
      );
    }
  }
  const store = openSourcesStore({ dataDir: cfg.DATA_DIR });
  const before = await store.read();
  const duplicate = before.sources.find((s) => normalizeLink(s.url) === normalizeLink(url));
  if (duplicate) throw new AnswerError(`${url} is already a source: ${duplicate.id} (${duplicate.name})`);

  let feedTitle: string | undefined;
  let itemCount: number | undefined;
  if (!values['skip-check']) {
    try {
      const fetched = await fetchFeed(url);
      if (fetched.status === 'ok') {
        const { parseFeed } = await import('./parse.ts');
        const feed = parseFeed(fetched.text);
        feedTitle = feed.title;
        itemCount = feed.items.length;
      }
    } catch (error) {
      throw new AnswerError(
        `could not read a feed at ${url}: ${(error as Error).message}\n(add --skip-check to add it anyway; polls will retry it)`,
      );
    }
  }
  const displayName = name ?? feedTitle?.slice(0, 100) ?? new URL(url).hostname.replace(/^www\./, '');
  const source = await store.update((state) => {
    const again = state.sources.find((s) => normalizeLink(s.url) === normalizeLink(url));
    if (again) throw new AnswerError(`${url} is already a source: ${again.id} (${again.name})`);
    const created: Source = {
      id: sourceIdFor(name ?? displayName, new Set(state.sources.map((s) => s.id))),
      url,
      name: displayName,
      topics,
      language,
      addedAt: new Date().toISOString(),
      feedTitle,
      failures: 0,
      imported: 0,
      items: {},
    };
    state.sources.push(created);
    return created;
  });
  const holds =
    itemCount === undefined ? '' : ` It holds ${itemCount} item${itemCount === 1 ? '' : 's'} now.`;
  io.stdout(
    `Added ${source.id} (${source.name}): ${source.url}.${holds}\n` +
      `Its articles go to ${cfg.CONTENT_DIR}/${FEEDS_DIR}/${source.id}/ on the next poll ` +
      `(every ${cfg.FEED_POLL_MINUTES} min while the bot runs), or now: briefings sources poll ${source.id}\n`,
  );
  return 0;
}

async function list(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length) throw new UsageError(`unexpected "${positionals.join(' ')}"`);
  const cfg = config(io);
  const state = await openSourcesStore({ dataDir: cfg.DATA_DIR }).read();
  const now = Date.now();
  const summaries = state.sources.map((s) => summarizeSource(s, now));
  if (values.json) io.stdout(`${JSON.stringify({ sources: summaries }, null, 2)}\n`);
  else if (summaries.length === 0) io.stdout('No sources yet. Add one: briefings sources add <feed-url>\n');
  else io.stdout(`${summaries.map((s) => describeSource(s, now)).join('\n\n')}\n`);
  return 0;
}

async function remove(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError('remove takes one source id (see: briefings sources list)');
  const cfg = config(io);
  const removed = await openSourcesStore({ dataDir: cfg.DATA_DIR }).update((state) => {
    const index = state.sources.findIndex((s) => s.id === id);
    if (index < 0) {
      const ids = state.sources.map((s) => s.id);
      throw new AnswerError(
        `no source "${id}"${ids.length ? `; sources are: ${ids.join(', ')}` : ' (there are no sources)'}`,
      );
    }
    return state.sources.splice(index, 1)[0] as Source;
  });
  const count = Object.keys(removed.items).length;
  io.stdout(
    `Removed ${removed.id} (${removed.name}). It is no longer polled.\n` +
      (count
        ? `Its ${count} article${count === 1 ? '' : 's'} stay in the archive (${cfg.CONTENT_DIR}/${FEEDS_DIR}/${removed.id}/); delete that folder to drop them.\n`
        : ''),
  );
  return 0;
}

function describePoll(r: SourceReport): string {
  const head =
    r.status === 'failed'
      ? `${r.id}: FAILED: ${r.error}`
      : r.status === 'not-modified'
        ? `${r.id}: not modified since the last poll`
        : `${r.id}: ${r.added.length} added, ${r.updated.length} updated, ${r.unchanged} unchanged, ${r.skipped.length} skipped`;
  const lines = [head];
  for (const a of r.added) lines.push(`  + ${a.title} (${a.id})`);
  for (const u of r.updated) lines.push(`  ~ ${u.title} (${u.id})`);
  for (const s of r.skipped) lines.push(`  - skipped${s.title ? ` "${s.title}"` : ''}: ${s.reason}`);
  if (r.status === 'failed' && r.nextAttemptAt)
    lines.push(`  the running bot retries it from ${r.nextAttemptAt.slice(0, 16).replace('T', ' ')} UTC`);
  return lines.join('\n');
}

async function poll(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const cfg = config(io);
  const store = openSourcesStore({ dataDir: cfg.DATA_DIR });
  const logger = createLogger(io.env.LOG_LEVEL ? cfg.LOG_LEVEL : 'silent');
  if ((await store.read()).sources.length === 0) {
    if (values.json)
      io.stdout(`${JSON.stringify({ sources: [], added: 0, updated: 0, failed: 0, ms: 0 }, null, 2)}\n`);
    else io.stdout('No sources yet. Add one: briefings sources add <feed-url>\n');
    return 0;
  }
  let report: PollReport;
  try {
    const { pollSources } = await import('./poll.ts');
    report = await pollSources({
      store,
      contentDir: cfg.CONTENT_DIR,
      logger,
      ids: positionals.length ? positionals : undefined,
      intervalMs: cfg.FEED_POLL_MINUTES * 60_000 || 30 * 60_000,
    });
  } catch (error) {
    if ((error as Error).message.startsWith('no source')) throw new AnswerError((error as Error).message);
    throw error;
  }
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.stdout(
      `${report.sources.map(describePoll).join('\n')}\n` +
        `${report.added} added, ${report.updated} updated, ${report.failed} failed (${report.ms} ms)\n`,
    );
  return report.failed > 0 ? 1 : 0;
}

const ACTIONS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  add,
  list,
  remove,
  poll,
};

/** The `sources` CLI subcommand, mounted by the composition root like `subscriptions`. */
export const sourcesCommand: CliCommand = {
  name: 'sources',
  usage: 'sources add|list|remove|poll …',
  description: "publishers' feeds the archive grows from",
  async run(args, io) {
    const [action, ...rest] = args;
    const run = action ? ACTIONS[action] : undefined;
    if (!run) {
      const helpAsked = action === '--help' || action === '-h' || action === 'help';
      if (action && !helpAsked) io.stderr(`briefings sources: unknown action "${action}"\n`);
      (helpAsked ? io.stdout : io.stderr)(USAGE);
      return helpAsked ? 0 : 2;
    }
    try {
      return await run(rest, io);
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`${error.message}\n`);
        return 2;
      }
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr(`briefings sources ${action}: ${(error as Error).message}\n\n${USAGE}`);
        return 2;
      }
      if (
        error instanceof AnswerError ||
        error instanceof SourcesStateError ||
        error instanceof SourcesBusyError
      ) {
        io.stderr(`briefings sources ${action}: ${(error as Error).message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
