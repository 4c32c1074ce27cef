import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, loadSeed, vocabularySize } from '../../bench/corpus.ts';
import { percentile } from '../../bench/stats.ts';
import type { Content } from '../../src/content/load.ts';

let seed: Content;
beforeAll(async () => {
  seed = await loadSeed('content');
});

describe('synthetic corpus', () => {
  it('is the same for the same seed and different for another', () => {
    const summary = (c: Content) =>
      c.articles.map((a) => `${a.id}|${a.title}|${a.publishedAt}|${a.topics.join(',')}`);
    const a = generateCorpus(seed, { size: 300, seed: 7 });
    const b = generateCorpus(seed, { size: 300, seed: 7 });
    const c = generateCorpus(seed, { size: 300, seed: 8 });
    expect(summary(a)).toEqual(summary(b));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(summary(c)).not.toEqual(summary(a));
  });

  it('grows its vocabulary with size, less than linearly (as real text does)', () => {
    const small = vocabularySize(generateCorpus(seed, { size: 500 }));
    const large = vocabularySize(generateCorpus(seed, { size: 4000 }));
    // Eight times the articles: clearly more words (not reshuffled sentences), far fewer than 8×.
    expect(large / small).toBeGreaterThan(1.8);
    expect(large / small).toBeLessThan(6);
  });

  it('spreads dates over 25 years and topics like a real archive (a few common, a long tail)', () => {
    const corpus = generateCorpus(seed, { size: 3000 });
    const years = corpus.articles.map((a) => Number(a.publishedAt.slice(0, 4)));
    expect(Math.min(...years)).toBe(2000);
    expect(Math.max(...years)).toBe(2024);
    const counts = new Map<string, number>();
    for (const a of corpus.articles)
      counts.set(a.topics[0] as string, (counts.get(a.topics[0] as string) ?? 0) + 1);
    const ranked = [...counts.values()].sort((x, y) => y - x);
    expect(ranked.length).toBeGreaterThan(20);
    expect(ranked[0] as number).toBeGreaterThan(4 * (ranked[10] as number));
  });

  it('keeps ids safe for deep links, twins paired both ways, and every article tagged', () => {
    const corpus = generateCorpus(seed, { size: 2000 });
    const byId = new Map(corpus.articles.map((a) => [a.id, a]));
    for (const a of corpus.articles) {
      expect(a.id).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      expect(a.topics.length).toBeGreaterThan(0);
      if (a.twinOf) expect(byId.get(a.twinOf)?.twinOf).toBe(a.id);
    }
    expect(corpus.articles.some((a) => a.passages.length > 0)).toBe(true);
    expect(corpus.articles.some((a) => a.language === 'es')).toBe(true);
  });
});

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([3], 99)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
});
