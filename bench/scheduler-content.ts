/** The few articles the delivery benchmark's digests are made of (content does not matter there). */
import type { Article, Topic } from '../src/types.ts';

export const BENCH_TOPICS: Topic[] = [{ id: 'mexico', name: 'Mexico', kind: 'country', aliases: [] }];

export const BENCH_ARTICLES: Article[] = Array.from({ length: 5 }, (_, i) => ({
  id: `bench-${i}`,
  title: `Bench article ${i}`,
  titleSource: 'seen',
  summary: `Summary ${i}.`,
  body: `Body ${i}.`,
  passages: [],
  url: `https://example.org/bench-${i}`,
  urlKind: 'article',
  publishedAt: `2026-11-0${i + 1}`,
  datePrecision: 'day',
  dateSource: 'seen',
  language: 'en',
  topics: ['mexico'],
  source: 'Bench',
  file: `bench-${i}.md`,
}));
