import { dateLabel } from '../content/dates.ts';
import type { Briefing, Engine, Hit, LatestPage, QueryOptions } from '../search/engine.ts';
import { languageOfLocale } from '../text/language.ts';
import { squash, stripControl } from '../text/normalize.ts';
import type { Article } from '../types.ts';
import { SUMMARY_LENGTH, toArticleView, toCard } from './cards.ts';
import type { Command, RequestContext } from './command.ts';
import { Cursors } from './cursor.ts';
import { type CommandHelp, EXAMPLES, QUERY_COMMANDS, SUBSCRIPTION_COMMANDS } from './help.ts';
import { parseCommand } from './parse.ts';
import type { CardsReply, ListCommand, NoticeReply, Reply, Suggestion } from './reply.ts';

export type { Command, RequestContext } from './command.ts';
export { parseCommand } from './parse.ts';
export type * from './reply.ts';

/** Longest query accepted, in characters: far above any real question, far below a pasted document. */
export const MAX_QUERY_CHARS = 300;
const PAGE = { default: 5, max: 50 };

/** Handles `/subscribe`, `/unsubscribe`, `/subscriptions` (see src/schedule). */
export interface SubscriptionHandler {
  handle(command: Command, ctx: RequestContext): Promise<Reply>;
}

export interface Briefings {
  execute(command: Command, ctx?: RequestContext): Promise<Reply>;
  /** Parses and executes; undefined for a command addressed to another bot. */
  run(text: string, ctx?: RequestContext & { botUsername?: string }): Promise<Reply | undefined>;
  /** Autocomplete choices for a topic or query option: topics first, then article titles. */
  complete(prefix: string, limit?: number): { label: string; value: string }[];
  /** Inline search (`@bot query`): empty text lists the latest. `next` is the next offset in decimal. */
  inline(query: string, offset: number, ctx?: RequestContext): Promise<CardsReply>;
  helpCommands(): CommandHelp[];
  /** Swaps in a re-indexed engine (content changed); in-flight requests finish on the old one. */
  setEngine(engine: Engine): void;
  readonly engine: Engine;
}

/** A problem with what the user typed: shown to them as is. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly suggestions: Suggestion[] = [],
  ) {
    super(message);
  }
}

const clamp = (n: number | undefined, min: number, max: number, fallback: number) =>
  n === undefined || !Number.isFinite(n) ? fallback : Math.min(max, Math.max(min, Math.floor(n)));

const quote = (text: string) => `“${text}”`;

/** The core's front door: every adapter turns platform input into a Command and renders the Reply. */
export function createBriefings(
  initial: Engine,
  options: { subscriptions?: SubscriptionHandler } = {},
): Briefings {
  let engine = initial;
  const cursors = new Cursors();

  const settings = (ctx: RequestContext) => ({
    limit: clamp(ctx.limit, 1, PAGE.max, PAGE.default),
    summaryLength: clamp(ctx.summaryLength, SUMMARY_LENGTH.min, SUMMARY_LENGTH.max, SUMMARY_LENGTH.default),
    language: languageOfLocale(ctx.locale),
  });

  /** Cleans a query; refuses empty and oversized ones with an example of what works. */
  const cleanQuery = (raw: string, command: ListCommand, required: boolean): string => {
    if (raw.length > MAX_QUERY_CHARS * 4 || squash(raw).length > MAX_QUERY_CHARS) {
      throw new QueryError(
        `That is ${raw.length.toLocaleString('en')} characters; please keep ${command} queries under ${MAX_QUERY_CHARS}. A few key words work best.`,
        [{ label: `/${command} mexico`, command: `/${command} mexico` }],
      );
    }
    const query = squash(stripControl(raw));
    if (!query && required) {
      throw new QueryError(
        `What should I ${command === 'search' ? 'search for' : 'brief you on'}? Add a topic or a few words.`,
        [
          { label: `/${command} honduras`, command: `/${command} honduras` },
          { label: '/topics', command: '/topics' },
        ],
      );
    }
    return query;
  };

  const notFound = (query: string): NoticeReply => {
    const near = engine.nearestTopics(query);
    const topics = near.length ? near : engine.topics().slice(0, 3);
    return {
      kind: 'notice',
      tone: 'info',
      message: `I found no articles about ${quote(query)}. ${near.length ? 'Did you mean one of these?' : 'Try one of the most covered topics, or /topics for all.'}`,
      suggestions: topics.map((t) => ({ label: t.name, command: `/latest ${t.id}` })),
    };
  };

  const list = (command: ListCommand, rawQuery: string, offset: number, ctx: RequestContext): Reply => {
    const { limit, summaryLength, language } = settings(ctx);
    let query = cleanQuery(rawQuery, command, command !== 'latest');
    let notice: string | undefined;
    const corrected = command !== 'search' && query ? engine.correctTopic(query) : undefined;
    if (corrected) {
      notice = `Showing ${corrected.name} (you typed ${quote(query)}).`;
      query = corrected.id;
    }
    const opts: QueryOptions = { offset, limit, language };
    const cards = (hits: (Hit | Article)[]) => hits.map((h) => toCard(h, engine.topicIndex, summaryLength));
    let reply: CardsReply;
    if (command === 'search') {
      const page = engine.search(query, opts);
      reply = {
        kind: 'cards',
        command,
        query,
        title: `Search: ${quote(query)}`,
        items: cards(page.hits),
        offset,
        total: page.total,
      };
    } else {
      const page: LatestPage & Partial<Briefing> =
        command === 'brief' ? engine.brief(query, opts) : engine.latest(query, opts);
      const subject = page.topic?.name ?? (query ? quote(query) : '');
      reply = {
        kind: 'cards',
        command,
        query,
        title:
          command === 'brief' ? `Briefing: ${subject}` : subject ? `Latest on ${subject}` : 'Latest articles',
        items: cards(page.hits),
        offset,
        total: page.total,
      };
      if (page.themes) {
        reply.overview = overview(
          page.total,
          page.range,
          page.themes.map((t) => t.name),
        );
        reply.suggestions = page.themes.map((t) => ({ label: t.name, command: `/brief ${t.id}` }));
      }
    }
    if (notice) reply.notice = notice;
    if (reply.total === 0)
      return offset > 0
        ? { kind: 'notice', tone: 'info', message: 'There are no more results.' }
        : notFound(query);
    if (offset + reply.items.length < reply.total)
      reply.next = cursors.encode({ command, query, offset: offset + reply.items.length });
    return reply;
  };

  const helpReply = (): Reply => ({
    kind: 'help',
    title: 'Briefings',
    intro: `Short, sourced briefings from an archive of ${engine.size} articles on Latin American politics and labour movements. Ask about a country, a person or a theme.`,
    commands: helpCommands(),
    examples: EXAMPLES,
  });

  const helpCommands = () =>
    options.subscriptions ? [...QUERY_COMMANDS, ...SUBSCRIPTION_COMMANDS] : QUERY_COMMANDS;

  const articleReply = (rawId: string): Reply => {
    const id = squash(stripControl(rawId)).slice(0, 64);
    if (!id)
      throw new QueryError('Which article? Give its id, as shown under each result: /article 23fcb2-03');
    const article = engine.article(id);
    if (!article) {
      return {
        kind: 'notice',
        tone: 'error',
        message: `There is no article with the id ${quote(id)}. Ids are shown under each result.`,
      };
    }
    return { kind: 'article', title: article.title, article: toArticleView(article, engine.topicIndex) };
  };

  const dispatch = async (command: Command, ctx: RequestContext): Promise<Reply> => {
    switch (command.kind) {
      case 'latest':
        return list('latest', command.topic, 0, ctx);
      case 'search':
        return list('search', command.query, 0, ctx);
      case 'brief':
        return list('brief', command.topic, 0, ctx);
      case 'more': {
        const page = cursors.decode(command.cursor);
        if (!page) {
          return {
            kind: 'notice',
            tone: 'info',
            message: 'That list has expired. Please run the command again.',
          };
        }
        return list(page.command, page.query, page.offset, ctx);
      }
      case 'topics':
        return {
          kind: 'topics',
          title: 'Topics in the archive',
          topics: engine.topics().map(({ id, name, kind, count }) => ({ id, name, kind, count })),
        };
      case 'article':
        return articleReply(command.id);
      case 'start':
        return command.payload.trim() ? articleReply(command.payload) : helpReply();
      case 'help':
        return helpReply();
      case 'subscribe':
      case 'unsubscribe':
      case 'subscriptions':
        if (!options.subscriptions) {
          return { kind: 'notice', tone: 'info', message: 'Subscriptions are not available here.' };
        }
        return options.subscriptions.handle(command, ctx);
      case 'unknown':
        return {
          kind: 'notice',
          tone: 'error',
          message: `I don't know the command /${command.name}. Try /help for what I can do.`,
          suggestions: [{ label: '/help', command: '/help' }],
        };
    }
  };

  const briefings: Briefings = {
    get engine() {
      return engine;
    },
    setEngine(next) {
      engine = next;
    },
    async execute(command, ctx = {}) {
      try {
        return await dispatch(command, ctx);
      } catch (error) {
        if (error instanceof QueryError)
          return { kind: 'notice', tone: 'error', message: error.message, suggestions: error.suggestions };
        throw error;
      }
    },
    async run(text, ctx = {}) {
      const command = parseCommand(text, { botUsername: ctx.botUsername });
      return command ? briefings.execute(command, ctx) : undefined;
    },
    complete(prefix, limit = 25) {
      const clean = squash(stripControl(prefix)).slice(0, 100);
      return engine.suggest(clean, clamp(limit, 1, 25, 25)).map(({ label, value, kind }) => ({
        label: label.slice(0, 100),
        value: kind === 'article' ? label.slice(0, 100) : value,
      }));
    },
    async inline(rawQuery, offset, ctx = {}) {
      const { limit, summaryLength, language } = settings({ limit: 20, ...ctx });
      const query = squash(stripControl(rawQuery)).slice(0, MAX_QUERY_CHARS);
      const start = clamp(offset, 0, 10_000, 0);
      const page = query
        ? engine.search(query, { offset: start, limit, language })
        : engine.latest('', { offset: start, limit, language });
      const items = page.hits.map((h) => toCard(h, engine.topicIndex, summaryLength));
      const reply: CardsReply = {
        kind: 'cards',
        command: query ? 'search' : 'latest',
        query,
        title: query ? `Search: ${quote(query)}` : 'Latest articles',
        items,
        offset: start,
        total: page.total,
      };
      if (start + items.length < page.total) reply.next = String(start + items.length);
      return reply;
    },
    helpCommands,
  };
  return briefings;
}

/** "26 articles, Aug 2004 – ~Sep 2023. Key themes: Electoral fraud, Oaxaca and Repression." */
function overview(
  total: number,
  range: { from: Article; to: Article } | undefined,
  themes: string[],
): string {
  const count = `${total} ${total === 1 ? 'article' : 'articles'}`;
  const label = (a: Article) => dateLabel(a.publishedAt, a.dateSource);
  const dates = range
    ? range.from === range.to
      ? ` (${label(range.from)})`
      : `, ${label(range.from)} – ${label(range.to)}`
    : '';
  const list =
    themes.length > 1 ? `${themes.slice(0, -1).join(', ')} and ${themes.at(-1)}` : (themes[0] ?? '');
  return `${count}${dates}.${list ? ` Key themes: ${list}.` : ''}`;
}
