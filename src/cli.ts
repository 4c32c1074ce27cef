import { parseArgs } from 'node:util';
import type { Command, Reply } from './commands/index.ts';
import { createBriefings } from './commands/index.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { ContentError } from './content/errors.ts';
import { loadEngine } from './content/load.ts';
import { createLogger } from './logger.ts';
import { renderText } from './render-text.ts';

/** Where a CLI command writes; injected so tests can run the CLI in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Style output for a terminal. */
  color?: boolean;
}

/** A subcommand contributed from elsewhere (the app's `start`, `discord:register`, `subscriptions`). */
export interface CliCommand {
  name: string;
  usage: string;
  description: string;
  run(args: string[], io: CliIO): Promise<number>;
}

const QUERY_USAGE: { name: string; usage: string; description: string }[] = [
  { name: 'search', usage: 'search <query…>', description: 'articles by relevance' },
  {
    name: 'latest',
    usage: 'latest [topic…]',
    description: 'newest articles, optionally on a topic or query',
  },
  {
    name: 'brief',
    usage: 'brief <topic…>',
    description: 'a briefing: overview and the best recent articles',
  },
  { name: 'topics', usage: 'topics', description: 'topics with article counts' },
  { name: 'article', usage: 'article <id>', description: 'one article in full' },
];

/** The JSON answer shape: `{ query, results: [...] }` plus whatever else the reply carries. */
export function replyToJson(reply: Reply, query: string): Record<string, unknown> {
  switch (reply.kind) {
    case 'cards': {
      const { kind: _kind, items, ...rest } = reply;
      // Search answers always say which words no article contains ([] when every word matched).
      const unmatched = reply.command === 'search' ? { unmatched: reply.unmatched ?? [] } : {};
      return { ...rest, ...unmatched, query: reply.query, results: items };
    }
    case 'article':
      return { query, results: [reply.article] };
    case 'topics':
      return { query, title: reply.title, results: reply.topics };
    case 'help':
      return { query, results: [], help: reply };
    case 'notice':
      return {
        query,
        results: [],
        notice: reply.message,
        tone: reply.tone,
        suggestions: reply.suggestions ?? [],
        ...(reply.unmatched ? { unmatched: reply.unmatched } : {}),
      };
  }
}

function usage(extra: CliCommand[]): string {
  const rows = [...QUERY_USAGE, ...extra].map((c) => `  briefings ${c.usage.padEnd(34)} ${c.description}`);
  return [
    'Usage:',
    ...rows,
    '',
    'Options for search, latest, brief, topics and article:',
    '  --limit N   how many results (1-50, default 5)',
    '  --json      machine-readable output on stdout',
    '',
    'Configuration comes from the environment and .env (see .env.example).',
    '',
  ].join('\n');
}

/**
 * The `briefings` command line: the engine's operations straight from a shell, readable or as
 * JSON. Returns the exit code: 0 answered, 1 the answer is an error, 2 bad usage or configuration.
 */
export async function runCli(argv: string[], io: CliIO, extra: CliCommand[] = []): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(extra));
    return name ? 0 : 2;
  }
  const contributed = extra.find((c) => c.name === name);
  if (contributed) return contributed.run(rest, io);
  if (!QUERY_USAGE.some((c) => c.name === name)) {
    io.stderr(`briefings: unknown command "${name}"\n\n${usage(extra)}`);
    return 2;
  }

  let parsed: ReturnType<typeof parseQueryArgs>;
  try {
    parsed = parseQueryArgs(rest);
  } catch (error) {
    io.stderr(`briefings ${name}: ${(error as Error).message}\n`);
    return 2;
  }
  const { words, limit, json } = parsed;
  const text = words.join(' ').trim();
  const command = toCommand(name, text);
  if (!command) {
    io.stderr(`briefings ${name}: ${name === 'article' ? 'an article id' : 'a query'} is required\n`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // The CLI's own chatter stays quiet unless asked for; answers go to stdout.
  const logger = createLogger(io.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn');
  let engine: Awaited<ReturnType<typeof loadEngine>>['engine'];
  try {
    ({ engine } = await loadEngine({
      contentDir: config.CONTENT_DIR,
      dataDir: config.DATA_DIR,
      maxFileBytes: config.CONTENT_MAX_FILE_MB * 2 ** 20,
      logger,
      // One answer and gone: no watcher checks afterwards, so every file is checked first.
      check: 'files',
    }));
  } catch (error) {
    if (error instanceof ContentError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr(`briefings: cannot load content from ${config.CONTENT_DIR}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const locale = io.env.LANG?.split('.')[0];
  const reply = await createBriefings(engine).execute(command, { limit, locale });
  if (reply.kind === 'topics' && limit) {
    reply.topics = reply.topics.slice(0, limit);
    // The note on twins only where a shown count needs it.
    if (!reply.topics.some((t) => (t.articles ?? 0) > t.count)) delete reply.note;
  }
  io.stdout(
    json
      ? `${JSON.stringify(replyToJson(reply, text), null, 2)}\n`
      : renderText(reply, { color: io.color, locale }),
  );
  return reply.kind === 'notice' && reply.tone === 'error' ? 1 : 0;
}

function parseQueryArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { limit: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = /^\d{1,2}$/.test(values.limit) ? Number(values.limit) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      throw new Error('--limit must be a whole number from 1 to 50');
  }
  return { words: positionals, limit, json: values.json };
}

function toCommand(name: string, text: string): Command | undefined {
  switch (name) {
    case 'search':
      return text ? { kind: 'search', query: text } : undefined;
    case 'latest':
      return { kind: 'latest', topic: text };
    case 'brief':
      return text ? { kind: 'brief', topic: text } : undefined;
    case 'topics':
      return { kind: 'topics' };
    case 'article':
      return text ? { kind: 'article', id: text } : undefined;
  }
  return undefined;
}
