import { dateLabel } from '../content/dates.ts';
import { type Messages, messagesFor } from '../i18n/query.ts';
import type { CardsReply, ListCommand, NoticeReply, Reply, Suggestion } from '../reply.ts';
import type { Briefing, Engine, Hit, LatestPage, QueryOptions } from '../search/engine.ts';
import { typedWords } from '../text/analyze.ts';
import { detectLanguage, languageOfLocale } from '../text/language.ts';
import { squash, stripControl } from '../text/normalize.ts';
import { type Article, topicName } from '../types.ts';
import { SUMMARY_LENGTH, toArticleView, toCard } from './cards.ts';
import type { Command, RequestContext } from './command.ts';
import { Cursors } from './cursor.ts';
import { type CommandHelp, QUERY_COMMANDS, SUBSCRIPTION_COMMANDS } from './help.ts';
import { parseCommand } from './parse.ts';

export type * from '../reply.ts';
export { cardMeta } from './cards.ts';
export type { Command, RequestContext } from './command.ts';
export { parseCommand } from './parse.ts';

/** Longest query accepted, in characters: far above any real question, far below a pasted document. */
export const MAX_QUERY_CHARS = 300;
/**
 * Cards per page, on every platform: five cards with summaries stay far below Telegram's 4096
 * characters and Discord's 6000 per message, and readable.
 */
const PAGE = { default: 5, max: 50 };
/** Inline results per page: Telegram shows up to 50; 20 keeps each answer small and quick. */
export const INLINE_PAGE = 20;

/** Handles `/subscribe`, `/unsubscribe`, `/subscriptions` (see src/schedule). */
export interface SubscriptionHandler {
  handle(command: Command, ctx: RequestContext): Promise<Reply>;
}

/** Handles `/sources` (see src/sources): read-only, for administrators. */
export interface SourcesHandler {
  handle(ctx: RequestContext): Promise<Reply>;
}

/** How one query ended: answered, refused as bad input (shown to the user), or failed. */
export type QueryOutcome = 'ok' | 'rejected' | 'error';

/**
 * Told about every command, inline query and autocomplete request once it is answered (metrics).
 * `command` is the command kind, `inline` or `autocomplete`; `platform` comes from the context.
 */
export type QueryObserver = (query: {
  platform: string;
  command: string;
  seconds: number;
  outcome: QueryOutcome;
}) => void;

export interface Briefings {
  execute(command: Command, ctx?: RequestContext): Promise<Reply>;
  /** Parses and executes; undefined for a command addressed to another bot. */
  run(text: string, ctx?: RequestContext & { botUsername?: string }): Promise<Reply | undefined>;
  /** Autocomplete choices for a topic or query option: topics first, then article titles. */
  complete(prefix: string, limit?: number, ctx?: RequestContext): { label: string; value: string }[];
  /**
   * Inline search (`@bot query`): a list page like `/search` (empty text lists the latest), with the
   * same corrections, unmatched line and suggestions. `cursor` is '' for the first page, then the
   * previous page's `next` (the same cursor as a list's "More"); an expired one gives no items.
   */
  inline(query: string, cursor: string, ctx?: RequestContext): Promise<CardsReply>;
  /** The commands there are; with a locale, described in its language (English otherwise). */
  helpCommands(locale?: string): CommandHelp[];
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

/** The core's front door: every adapter turns platform input into a Command and renders the Reply. */
export function createBriefings(
  initial: Engine,
  options: { subscriptions?: SubscriptionHandler; sources?: SourcesHandler; observer?: QueryObserver } = {},
): Briefings {
  let engine = initial;
  const cursors = new Cursors();
  const { observer } = options;
  /** Reports one query to the observer; never lets an observer failure reach the user. */
  const observed = (ctx: RequestContext, command: string, startedAt: number, outcome: QueryOutcome) => {
    if (!observer) return;
    const platform = ctx.platform ?? ctx.chat?.platform ?? 'unknown';
    try {
      observer({ platform, command, seconds: (performance.now() - startedAt) / 1000, outcome });
    } catch {
      // Metrics are best effort.
    }
  };

  const settings = (ctx: RequestContext) => {
    const language = languageOfLocale(ctx.locale);
    return {
      limit: clamp(ctx.limit, 1, PAGE.max, PAGE.default),
      summaryLength: clamp(ctx.summaryLength, SUMMARY_LENGTH.min, SUMMARY_LENGTH.max, SUMMARY_LENGTH.default),
      language,
      t: messagesFor(language),
    };
  };

  /** Cleans a query; refuses empty and oversized ones with an example of what works. */
  const cleanQuery = (raw: string, command: ListCommand, required: boolean, t: Messages): string => {
    if (raw.length > MAX_QUERY_CHARS * 4 || squash(raw).length > MAX_QUERY_CHARS) {
      throw new QueryError(t.tooLong(raw.length, command, MAX_QUERY_CHARS), [
        { label: `/${command} mexico`, command: `/${command} mexico` },
      ]);
    }
    const query = squash(stripControl(raw));
    if (!query && required) {
      throw new QueryError(t.emptyQuery(command === 'search' ? 'search' : 'brief'), [
        { label: `/${command} honduras`, command: `/${command} honduras` },
        { label: '/topics', command: '/topics' },
      ]);
    }
    return query;
  };

  /**
   * What the query asked for that the archive lacks, worded in the user's language, or when the
   * platform does not say, in the query's own language (Spanish wording for Spanish queries).
   */
  interface Honesty {
    unmatched: string[];
    nothingToSearch: boolean;
    /** Messages in the query's language (Spanish wording for Spanish queries). */
    said: Messages;
  }
  const honesty = (
    query: string,
    page: { unmatched: string[]; nothingToSearch: boolean },
    language: ReturnType<typeof languageOfLocale>,
  ): Honesty => ({
    unmatched: page.unmatched,
    nothingToSearch: page.nothingToSearch,
    said: messagesFor(language ?? detectLanguage(query)),
  });
  /**
   * As-you-type surfaces (inline, autocomplete): a last word of one or two letters is still being
   * typed, not a word the archive lacks.
   */
  const typing = (raw: string, page: { unmatched: string[]; nothingToSearch: boolean }) => {
    const last = /\s$/.test(raw) ? undefined : typedWords(raw).at(-1);
    if (!last || last.length >= 3 || page.unmatched.at(-1) !== last) return page;
    return { unmatched: page.unmatched.slice(0, -1), nothingToSearch: page.nothingToSearch };
  };
  /** The line that names what no article mentions, if anything. */
  const missingLine = (h: Honesty | undefined, query: string): string | undefined =>
    h?.nothingToSearch
      ? h.said.nothingToSearch(query)
      : h?.unmatched.length
        ? h.said.unmatched(h.unmatched)
        : undefined;

  const notFound = (query: string, t: Messages, language: string | undefined, h?: Honesty): NoticeReply => {
    const near = h?.nothingToSearch ? [] : engine.nearestTopics(query);
    const topics = near.length ? near : engine.topics().slice(0, 3);
    const line = missingLine(h, query);
    const message = !line
      ? t.notFound(query, near.length > 0)
      : h?.nothingToSearch
        ? line
        : `${line} ${(h as Honesty).said.tryInstead(near.length > 0)}`;
    return {
      kind: 'notice',
      tone: 'info',
      message,
      suggestions: topics.map((t) => ({ label: topicName(t, language), command: `/latest ${t.id}` })),
      ...(h ? { unmatched: h.unmatched } : {}),
    };
  };

  /** `typed`: the raw text of an as-you-type surface, whose last short word is not yet a word. */
  const list = (
    command: ListCommand,
    rawQuery: string,
    offset: number,
    ctx: RequestContext,
    typed?: string,
  ): CardsReply | NoticeReply => {
    const { limit, summaryLength, language, t } = settings(ctx);
    let query = cleanQuery(rawQuery, command, command !== 'latest', t);
    let notice: string | undefined;
    const corrected = command !== 'search' && query ? engine.correctTopic(query) : undefined;
    if (corrected) {
      notice = t.corrected(topicName(corrected, language), query);
      query = corrected.id;
    }
    // Sent as a command, the query's last word is whole unless the archive lacks it as it is.
    const opts: QueryOptions = { offset, limit, language, complete: typed === undefined };
    const cards = (hits: (Hit | Article)[]) =>
      hits.map((h) => toCard(h, engine.topicIndex, summaryLength, language));
    let reply: CardsReply;
    let honest: Honesty | undefined;
    if (command === 'search') {
      const page = engine.search(query, opts);
      honest = honesty(query, typed === undefined ? page : typing(typed, page), language);
      reply = {
        kind: 'cards',
        command,
        query,
        title: t.searchTitle(query),
        items: cards(page.hits),
        offset,
        total: page.total,
        unmatched: honest.unmatched,
      };
    } else {
      const page: LatestPage & Partial<Briefing> =
        command === 'brief' ? engine.brief(query, opts) : engine.latest(query, opts);
      const subject = page.topic ? topicName(page.topic, language) : query ? t.quote(query) : undefined;
      reply = {
        kind: 'cards',
        command,
        query,
        title: command === 'brief' ? t.briefTitle(subject ?? '') : t.latestTitle(subject),
        items: cards(page.hits),
        offset,
        total: page.total,
      };
      if (page.mode === 'query') {
        honest = honesty(query, page, language);
        reply.unmatched = page.unmatched;
      }
      if (page.themes) {
        const label = (a: Article) => dateLabel(a.publishedAt, a.dateSource, language);
        const { range } = page;
        reply.overview = t.overview(
          // Twins (one story in both languages) are listed once: say so when the count differs.
          page.topic && page.topic.count > page.total ? t.stories(page.total, page.topic.count) : page.total,
          range && label(range.from),
          range && label(range.to),
          page.themes.map((theme) => topicName(theme, language)),
        );
        reply.suggestions = page.themes.map((theme) => ({
          label: topicName(theme, language),
          command: `/brief ${theme.id}`,
        }));
      }
    }
    const line = missingLine(honest, query);
    if (notice || line) reply.notice = [notice, line].filter(Boolean).join(' ');
    // A page past the end (an old button after content changed, or a forged cursor) says so.
    if (reply.items.length === 0)
      return offset > 0
        ? { kind: 'notice', tone: 'info', message: t.noMore }
        : notFound(query, t, language, honest);
    if (offset + reply.items.length < reply.total)
      reply.next = cursors.encode({ command, query, offset: offset + reply.items.length });
    return reply;
  };

  const helpReply = (t: Messages): Reply => ({
    kind: 'help',
    title: t.helpTitle,
    intro: t.helpIntro(engine.size),
    commands: helpCommands(t.language),
    examples: t.examples,
  });

  const helpCommands = (locale?: string): CommandHelp[] => {
    const commands = options.subscriptions ? [...QUERY_COMMANDS, ...SUBSCRIPTION_COMMANDS] : QUERY_COMMANDS;
    const t = messagesFor(languageOfLocale(locale));
    return commands.map((c) => ({ name: c.name, usage: t.usage(c.name), description: t.describe(c.name) }));
  };

  const articleReply = (rawId: string, ctx: RequestContext): Reply => {
    const { t, language } = settings(ctx);
    const id = squash(stripControl(rawId)).slice(0, 64);
    if (!id) throw new QueryError(t.whichArticle);
    const article = engine.article(id);
    if (!article) {
      // Only terminals print ids under results; chat platforms offer the numbered buttons instead.
      const platform = ctx.platform ?? ctx.chat?.platform;
      const ids = platform === 'telegram' || platform === 'discord' ? 'buttons' : 'list';
      return { kind: 'notice', tone: 'error', message: t.noSuchArticle(id, ids) };
    }
    return {
      kind: 'article',
      title: article.title,
      article: toArticleView(article, engine.topicIndex, language),
    };
  };

  const dispatch = async (command: Command, ctx: RequestContext): Promise<Reply> => {
    const { t, language } = settings(ctx);
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
          return { kind: 'notice', tone: 'info', message: t.expired };
        }
        return list(page.command, page.query, page.offset, ctx);
      }
      case 'topics': {
        // Counted as `/latest <topic>` counts: stories, a story in both languages once.
        const topics = engine.topics().map((topic) => ({
          id: topic.id,
          name: topicName(topic, language),
          kind: topic.kind,
          count: engine.topicStories(topic.id, language),
          articles: topic.count,
        }));
        return {
          kind: 'topics',
          title: t.topicsTitle,
          topics,
          ...(topics.some((topic) => (topic.articles ?? 0) > topic.count) ? { note: t.topicsNote } : {}),
        };
      }
      case 'article':
        return articleReply(command.id, ctx);
      case 'start':
        return command.payload.trim() ? articleReply(command.payload, ctx) : helpReply(t);
      case 'help':
        return helpReply(t);
      case 'subscribe':
      case 'unsubscribe':
      case 'subscriptions':
      case 'manage':
        if (!options.subscriptions) {
          return { kind: 'notice', tone: 'info', message: t.noSubscriptions };
        }
        return options.subscriptions.handle(command, ctx);
      case 'sources':
        if (!options.sources) return { kind: 'notice', tone: 'info', message: t.noSources };
        return options.sources.handle(ctx);
      case 'unknown':
        return {
          kind: 'notice',
          tone: 'error',
          message: t.unknownCommand(command.name),
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
      const startedAt = performance.now();
      try {
        const reply = await dispatch(command, ctx);
        observed(
          ctx,
          command.kind,
          startedAt,
          reply.kind === 'notice' && reply.tone === 'error' ? 'rejected' : 'ok',
        );
        return reply;
      } catch (error) {
        if (error instanceof QueryError) {
          observed(ctx, command.kind, startedAt, 'rejected');
          return { kind: 'notice', tone: 'error', message: error.message, suggestions: error.suggestions };
        }
        observed(ctx, command.kind, startedAt, 'error');
        throw error;
      }
    },
    async run(text, ctx = {}) {
      const command = parseCommand(text, { botUsername: ctx.botUsername });
      return command ? briefings.execute(command, ctx) : undefined;
    },
    complete(prefix, limit = 25, ctx = {}) {
      const startedAt = performance.now();
      const clean = squash(stripControl(prefix)).slice(0, 100);
      const max = clamp(limit, 1, 25, 25);
      const language = settings(ctx).language;
      const choices = engine.suggest(clean, max, language).map(({ label, value, kind }) => ({
        label: label.slice(0, 100),
        value: kind === 'article' ? label.slice(0, 100) : value,
      }));
      // A word nobody wrote about is said first; choosing that line still runs what was typed.
      const page = clean ? typing(prefix, engine.search(clean, { limit: 1, language })) : undefined;
      const line = page && missingLine(honesty(clean, page, language), clean);
      observed(ctx, 'autocomplete', startedAt, 'ok');
      if (!line) return choices;
      return [{ label: line.slice(0, 100), value: clean }, ...choices].slice(0, max);
    },
    async inline(rawQuery, offset, ctx = {}) {
      const startedAt = performance.now();
      try {
        const reply = await inlineReply(rawQuery, offset, ctx);
        observed(ctx, 'inline', startedAt, 'ok');
        return reply;
      } catch (error) {
        observed(ctx, 'inline', startedAt, 'error');
        throw error;
      }
    },
    helpCommands,
  };

  /**
   * Inline search: the list `/search` gives (the latest for empty text), paged by the same cursors;
   * a misspelt topic is listed as `/latest` lists it, with the same correction notice.
   */
  const inlineReply = async (rawQuery: string, cursor: string, ctx: RequestContext): Promise<CardsReply> => {
    const inlineCtx = { limit: INLINE_PAGE, ...ctx };
    const { t, language } = settings(inlineCtx);
    const query = squash(stripControl(rawQuery)).slice(0, MAX_QUERY_CHARS);
    const command: ListCommand = query ? 'search' : 'latest';
    const empty = (message: string): CardsReply => ({
      kind: 'cards',
      command,
      query,
      title: query ? t.searchTitle(query) : t.latestTitle(undefined),
      items: [],
      offset: 0,
      total: 0,
      notice: message,
    });
    if (cursor) {
      const page = cursors.decode(cursor);
      if (!page) return empty(t.expired);
      // Read as the first page was: as typed.
      const next = list(page.command, page.query, page.offset, inlineCtx, page.query);
      return next.kind === 'cards' ? next : { ...empty(next.message), offset: page.offset };
    }
    // A misspelt topic is corrected and listed as `/latest` does ("Showing Honduras (you typed …)"):
    // a single word at once; longer text only when its search finds nothing, since while typing
    // "mexico t" is a search in the making, not a misspelt "mexico".
    const corrected = query ? engine.correctTopic(query) !== undefined : false;
    let reply =
      corrected && !/\s/.test(query)
        ? list('latest', query, 0, inlineCtx)
        : list(command, query, 0, inlineCtx, rawQuery);
    if (reply.kind === 'notice' && corrected) reply = list('latest', query, 0, inlineCtx);
    if (reply.kind === 'cards') return reply;
    // One line fits above inline results: what no article mentions, not the advice after it.
    const missing = reply.unmatched?.length
      ? missingLine(honesty(query, { unmatched: reply.unmatched, nothingToSearch: false }, language), query)
      : undefined;
    return {
      ...empty(missing ?? reply.message),
      ...(reply.suggestions?.length ? { suggestions: reply.suggestions } : {}),
      ...(reply.unmatched ? { unmatched: reply.unmatched } : {}),
    };
  };
  return briefings;
}
