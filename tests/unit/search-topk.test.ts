import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, loadSeed } from '../../bench/corpus.ts';
import { queryMix } from '../../bench/queries.ts';
import { Random } from '../../bench/random.ts';
import type { Content } from '../../src/content/load.ts';
import { Engine } from '../../src/search/engine.ts';
import type { TextLanguage } from '../../src/text/language.ts';
import { JUDGED_QUERIES, UNANSWERABLE_QUERIES } from '../fixtures/judged-queries.ts';

/**
 * Top-k pruning must not change answers: the first page, its order, scores, strictness, matched
 * sections and the total are those of scoring every match.
 */
let content: Content;
let engine: Engine;
beforeAll(async () => {
  content = generateCorpus(await loadSeed('content'), { size: 4000, seed: 7 });
  engine = Engine.build(content);
  // Prune every query, however short its lists, so the pruned path is what is compared.
  engine.pruneFrom = 0;
});

function queries(): { text: string; language?: TextLanguage }[] {
  const random = new Random(11);
  const vocabulary = [...new Set(content.articles.flatMap((a) => a.title.split(/\s+/)))].filter((w) =>
    /^\p{L}{3,}$/u.test(w),
  );
  const pick = () => vocabulary[Math.floor(random.next() * vocabulary.length)] as string;
  const out: { text: string; language?: TextLanguage }[] = [
    ...JUDGED_QUERIES.map((q) => ({ text: q.query })),
    ...UNANSWERABLE_QUERIES.map((q) => ({ text: q.query })),
    ...queryMix(content).map((q) => ({ text: q.text, language: q.language })),
  ];
  // The most frequent words: their totals come from story bitsets made on first use.
  const counts = new Map<string, number>();
  for (const a of content.articles)
    for (const w of new Set(a.body.toLowerCase().match(/\p{L}{4,}/gu) ?? []))
      counts.set(w, (counts.get(w) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 40);
  for (const [w] of common) {
    out.push({ text: w }, { text: `${w} ` }, { text: w.slice(0, 4) }, { text: `${w} ${pick()}` });
  }
  for (let i = 0; i < 150; i++) out.push({ text: pick() });
  for (let i = 0; i < 150; i++) out.push({ text: `${pick()} ${pick()}` });
  for (let i = 0; i < 60; i++) out.push({ text: `${pick()} ${pick()} ${pick()}`, language: 'es' });
  return out;
}

describe('top-k pruning', () => {
  it('answers every page exactly as scoring every match does', () => {
    const view = (
      q: { text: string; language?: TextLanguage },
      limit: number,
      offset: number,
      exhaustive: boolean,
    ) => {
      engine.forgetAnswers();
      const page = engine.search(q.text, { limit, offset, language: q.language, exhaustive });
      return {
        total: page.total,
        unmatched: page.unmatched,
        hits: page.hits.map((h) => [
          h.article.id,
          h.score.toPrecision(12),
          h.strict,
          h.passage,
          h.terms.join(' '),
        ]),
      };
    };
    let compared = 0;
    let pruned = 0;
    const internals = engine as unknown as {
      bestRanked(query: string, language: TextLanguage | undefined, k: number): { partial: boolean };
      scorer: { pilotShare: number; narrowed: number };
    };
    const { scorer } = internals;
    const usual = scorer.pilotShare;
    // At this size a first page from the strongest lists is rarely affordable: compare with it
    // always tried too, so that narrowing candidates to the strong lists is compared as well.
    for (const pilotShare of [usual, 1000]) {
      scorer.pilotShare = pilotShare;
      for (const q of queries()) {
        engine.forgetAnswers();
        if (internals.bestRanked(q.text, q.language, 10).partial) pruned++;
        for (const [limit, offset] of [
          [10, 0],
          [5, 5],
          [1, 0],
        ] as const) {
          expect(view(q, limit, offset, false), `${q.text} (${limit}@${offset}, ${pilotShare})`).toEqual(
            view(q, limit, offset, true),
          );
          compared++;
        }
      }
    }
    scorer.pilotShare = usual;
    expect(compared).toBeGreaterThan(2000);
    // Most queries take the pruned path (the rest hold too few all-word matches to fill a page).
    expect(pruned).toBeGreaterThan(compared / 3 / 2);
    expect(scorer.narrowed).toBeGreaterThan(50);
  });

  it('ranks a query of few postings without per-document scratch arrays exactly as with them', () => {
    const scorer = (engine as unknown as { scorer: { fewPostings: number } }).scorer;
    const ranked = (q: { text: string; language?: TextLanguage }, fewPostings: number) => {
      scorer.fewPostings = fewPostings;
      engine.forgetAnswers();
      const page = engine.search(q.text, { limit: 40, language: q.language, exhaustive: true });
      return {
        total: page.total,
        unmatched: page.unmatched,
        hits: page.hits.map((h) => [h.article.id, h.score, h.strict, h.passage, h.terms.join(' ')]),
      };
    };
    const usual = scorer.fewPostings;
    let compared = 0;
    try {
      for (const q of queries()) {
        const few = ranked(q, Number.POSITIVE_INFINITY);
        expect(few, q.text).toEqual(ranked(q, 0));
        if (few.total > 0) compared++;
      }
    } finally {
      scorer.fewPostings = usual;
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('scores exactly only the documents of several words whose bound reaches the page', () => {
    // Common words in pairs: thousands of documents hold both, a page needs ten.
    const counts = new Map<string, number>();
    for (const a of content.articles)
      for (const w of new Set(a.body.toLowerCase().match(/\p{L}{5,}/gu) ?? []))
        counts.set(w, (counts.get(w) ?? 0) + 1);
    const common = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 12)
      .map(([w]) => w);
    const internals = engine as unknown as {
      scorer: { exactlyScored: number };
      ranked(query: string): { size: number; strict: Uint8Array };
    };
    let queries = 0;
    for (let i = 0; i + 1 < common.length; i += 2) {
      const text = `${common[i]} ${common[i + 1]} `;
      engine.forgetAnswers();
      const all = internals.ranked(text);
      let both = 0;
      for (let e = 0; e < all.size; e++) both += all.strict[e] as number;
      if (both < 200) continue;
      engine.forgetAnswers();
      engine.search(text, { limit: 10 });
      expect(internals.scorer.exactlyScored, text).toBeGreaterThan(0);
      expect(internals.scorer.exactlyScored, text).toBeLessThan(both / 2);
      queries++;
    }
    expect(queries).toBeGreaterThan(2);
  });

  it('answers as-you-type keystrokes with cached term expansions exactly as a fresh engine', () => {
    const fresh = Engine.build(content);
    fresh.pruneFrom = 0;
    const page = (e: Engine, text: string, exhaustive = false) => {
      const p = e.search(text, { limit: 10, exhaustive });
      return {
        total: p.total,
        unmatched: p.unmatched,
        hits: p.hits.map((h) => [
          h.article.id,
          h.score.toPrecision(12),
          h.strict,
          h.passage,
          h.terms.join(' '),
        ]),
      };
    };
    engine.forgetAnswers();
    let compared = 0;
    for (const typed of ['revolutionary workers', 'general strike in bolivia', 'privatisation of water']) {
      for (let n = 3; n <= typed.length; n++) {
        const text = typed.slice(0, n);
        // The engine under test keeps its expansions from keystroke to keystroke; the fresh one forgets.
        fresh.forgetAnswers();
        const cached = page(engine, text);
        expect(cached, text).toEqual(page(fresh, text));
        fresh.forgetAnswers();
        expect(cached, `${text} (every match scored)`).toEqual(page(fresh, text, true));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("counts each topic's stories as `latest <topic>` lists them, in either language", () => {
    let twinned = 0;
    for (const topic of engine.topics()) {
      for (const language of ['en', 'es'] as const) {
        const listed = engine.latest(topic.id, { limit: 1, language }).total;
        expect(engine.topicStories(topic.id, language), `${topic.id} (${language})`).toBe(listed);
        if (listed < topic.count) twinned++;
      }
    }
    // Some topics hold both articles of a story: their counts are below their article counts.
    expect(twinned).toBeGreaterThan(0);
  });
});
