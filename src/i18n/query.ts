/**
 * The query answers' words (`/latest`, `/search`, `/brief`, `/topics`, `/article`, `/help`), drawn
 * from the catalogue in one interface language.
 */
import type { TextLanguage } from '../text/language.ts';
import { joinList, type Translate, translator } from './index.ts';

export interface Messages {
  language: TextLanguage;
  searchTitle(query: string): string;
  briefTitle(subject: string): string;
  latestTitle(subject: string | undefined): string;
  topicsTitle: string;
  topicsNote: string;
  helpTitle: string;
  helpIntro(articles: number): string;
  /** A command's description for /help and the platforms' command menus. */
  describe(command: string): string;
  /** A command's usage line: `/brief <topic>`, `/brief <tema>`. */
  usage(command: string): string;
  /** Example commands for /help, with queries in this language. */
  examples: string[];
  /** "4 articles, ~22 Sep 2009 – ~Nov 2009. Key themes: a, b and c." */
  /** `total`: a count of articles, or already worded (`stories`). */
  overview(
    total: number | string,
    from: string | undefined,
    to: string | undefined,
    themes: string[],
  ): string;
  /** "26 stories (27 articles: one in both languages)", or "26 articles" when no story is doubled. */
  stories(stories: number, articles: number): string;
  articles(n: number): string;
  corrected(topic: string, typed: string): string;
  notFound(query: string, haveNear: boolean): string;
  /** Words no article contains: "No article mentions “atenco”." */
  unmatched(words: string[]): string;
  /** A query of only question and filler words ("what happened"). */
  nothingToSearch(query: string): string;
  /** Said after `unmatched` when nothing at all was found. */
  tryInstead(haveNear: boolean): string;
  noMore: string;
  expired: string;
  tooLong(chars: number, command: string, max: number): string;
  emptyQuery(command: 'search' | 'brief'): string;
  /** `ids`: where this surface shows article ids ('list') or only offers buttons ('buttons'). */
  whichArticle: string;
  noSuchArticle(id: string, ids: 'list' | 'buttons'): string;
  noSubscriptions: string;
  noSources: string;
  unknownCommand(name: string): string;
  quote(text: string): string;
}

function view(language: TextLanguage): Messages {
  const t: Translate = translator(language);
  const q = (text: string) => t('quote', { text });
  const articles = (count: number) => t('count.articles', { count });
  return {
    language,
    searchTitle: (query) => t('query.searchTitle', { query: q(query) }),
    briefTitle: (subject) => t('query.briefTitle', { subject }),
    latestTitle: (subject) => (subject ? t('query.latestOn', { subject }) : t('query.latestAll')),
    topicsTitle: t('query.topicsTitle'),
    topicsNote: t('query.topicsNote'),
    helpTitle: t('help.title'),
    helpIntro: (count) => t('help.intro', { count }),
    describe: (name) => t(`help.commands.${name}`),
    usage: (name) => t(name === 'subscribe' ? 'subscriptions.usage' : `help.usage.${name}`),
    examples: t('help.examples', { returnObjects: true }) as string[],
    overview: (total, from, to, themes) =>
      t('query.overview', {
        count: typeof total === 'number' ? articles(total) : total,
        dates:
          from && to
            ? from === to
              ? t('query.overviewDay', { date: from })
              : t('query.overviewRange', { from, to })
            : '',
        themes: themes.length ? t('query.keyThemes', { themes: joinList(t, themes) }) : '',
      }),
    stories: (stories, total) =>
      stories === total
        ? articles(total)
        : t('count.storiesTwins', {
            stories: t('count.stories', { count: stories }),
            articles: articles(total),
            twins: t('count.twins', { count: total - stories }),
          }),
    articles,
    corrected: (topic, typed) => t('query.corrected', { topic, typed: q(typed) }),
    notFound: (query, near) =>
      `${t('query.notFound', { query: q(query) })} ${t(near ? 'query.didYouMean' : 'query.tryTopics')}`,
    unmatched: (words) => t('query.unmatched', { words: joinList(t, words.map(q), 'nor') }),
    nothingToSearch: (query) => t('query.nothingToSearch', { query: q(query) }),
    tryInstead: (near) => t(near ? 'query.didYouMean' : 'query.tryTopics'),
    noMore: t('query.noMore'),
    expired: t('query.expired'),
    tooLong: (chars, command, max) =>
      t('query.tooLong', { chars: chars.toLocaleString(language), command, max }),
    emptyQuery: (command) => t(command === 'search' ? 'query.emptySearch' : 'query.emptyBrief'),
    whichArticle: t('query.whichArticle'),
    noSuchArticle: (id, ids) =>
      `${t('query.noSuchArticle', { id: q(id) })} ${t(ids === 'list' ? 'query.idsInList' : 'query.idsByButton')}`,
    noSubscriptions: t('query.noSubscriptions'),
    noSources: t('query.noSources'),
    unknownCommand: (name) => t('query.unknownCommand', { name }),
    quote: q,
  };
}

const VIEWS: Record<TextLanguage, Messages> = { en: view('en'), es: view('es') };

/** The interface language for a user: Spanish for Spanish locales, English otherwise. */
export function messagesFor(language: TextLanguage | undefined): Messages {
  return VIEWS[language === 'es' ? 'es' : 'en'];
}
