import { dateLabel } from '../content/dates.ts';
import { translator } from '../i18n/index.ts';
import type { ArticleView, Card } from '../reply.ts';
import type { Hit } from '../search/engine.ts';
import type { TopicIndex } from '../search/topic-index.ts';
import { stem, words } from '../text/analyze.ts';
import { bestSentences, summarize } from '../text/summary.ts';
import { type Article, topicName } from '../types.ts';

/** Default and bounds for summary length, in characters. */
export const SUMMARY_LENGTH = { default: 280, min: 60, max: 1000 };

/** How many topic names a card lists. */
const CARD_TOPICS = 4;

function topicNames(article: Article, topics: TopicIndex, language: string): string[] {
  return article.topics
    .map((id) => {
      const topic = topics.get(id);
      return topic && topicName(topic, language);
    })
    .filter((n): n is string => n !== undefined)
    .slice(0, CARD_TOPICS);
}

/** A site's host without `www.`; undefined for a url that is not http(s). */
function hostOf(url: string): string | undefined {
  try {
    const { protocol, hostname } = new URL(url);
    return /^https?:$/.test(protocol) ? hostname.toLowerCase().replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who the card names as its source: the publisher, when the link is on the publisher's site; the
 * site of the link otherwise ("bolshevik.info, via In Defence of Marxism (marxist.com)"), since
 * a listing often carries articles published elsewhere. A publisher naming its domain is compared
 * by domain; one that does not, by the site's name ("theguardian" in "The Guardian").
 */
export function attribution(source: string, url: string, language: string | undefined): string {
  const host = hostOf(url);
  if (!host || !source) return source || host || '';
  const domains = source.toLowerCase().match(/[a-z0-9-]+(?:\.[a-z0-9-]+)+/g) ?? [];
  const labels = host.split('.');
  const name = labels.length > 1 ? labels[labels.length - 2] : labels[0];
  const same = domains.length
    ? domains.some((d) => host === d || host.endsWith(`.${d}`))
    : source
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .includes(name ?? host);
  return same ? source : translator(language)('page.via', { site: host, source });
}

/** The card's meta line, the same on every surface: "31 Oct 2006 · In Defence of Marxism (marxist.com)". */
export function cardMeta(card: Pick<Card, 'dateLabel' | 'source'>): string {
  return [card.dateLabel, card.source].filter(Boolean).join(' · ');
}

/**
 * A list item for one article. For a hit inside a long article the summary is the section's
 * best-matching sentences (and `section` names it), not the article's opening.
 */
export function toCard(
  hit: Hit | Article,
  topics: TopicIndex,
  summaryLength: number,
  uiLanguage = 'en',
): Card {
  const article = 'article' in hit ? hit.article : hit;
  const card: Card = {
    id: article.id,
    title: article.title,
    summary: summarize(article.summary, summaryLength, article.language),
    url: article.url,
    urlKind: article.urlKind,
    publishedAt: article.publishedAt,
    datePrecision: article.datePrecision,
    dateSource: article.dateSource,
    dateLabel: dateLabel(article.publishedAt, article.dateSource, uiLanguage),
    language: article.language,
    topics: topicNames(article, topics, uiLanguage),
    source: attribution(article.source, article.url, uiLanguage),
    ...(article.twinOf ? { twinId: article.twinOf } : {}),
  };
  const passage = 'article' in hit && hit.passage !== undefined ? article.passages[hit.passage] : undefined;
  if (passage && 'terms' in hit) {
    const wanted = new Set(hit.terms);
    const score = (sentence: string) => words(sentence).filter((w) => wanted.has(stem(w, 'en'))).length;
    const snippet = bestSentences(passage.text, score, summaryLength, article.language);
    card.snippet = snippet;
    card.summary = snippet;
    card.section = passage.heading;
  }
  return card;
}

export function toArticleView(article: Article, topics: TopicIndex, uiLanguage = 'en'): ArticleView {
  return {
    ...toCard(article, topics, SUMMARY_LENGTH.max, uiLanguage),
    body: article.body,
    passages: article.passages,
  };
}
