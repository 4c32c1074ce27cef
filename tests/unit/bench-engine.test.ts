import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, loadSeed } from '../../bench/corpus.ts';
import type { Content } from '../../src/content/load.ts';
import { docRefs, type IndexDoc, toIndexDoc } from '../../src/search/documents.ts';
import { Engine } from '../../src/search/engine.ts';
import { stem } from '../../src/text/analyze.ts';

/**
 * The compact index must answer exactly as the MiniSearch index it replaced: same articles, same
 * order, same scores. The reference is MiniSearch configured as the engine used to configure it.
 */
let content: Content;
let engine: Engine;
let reference: MiniSearch<IndexDoc>;
const split = (text: string) => (text ? text.split(' ') : []);

beforeAll(async () => {
  const generated = generateCorpus(await loadSeed('content'), { size: 1500, seed: 3 });
  // Twins merge into one answer by design; the reference compares plain articles.
  content = { ...generated, articles: generated.articles.map((a) => ({ ...a, twinOf: undefined })) };
  engine = Engine.build(content);
  reference = new MiniSearch<IndexDoc>({
    fields: ['title', 'text', 'topics'],
    storeFields: [],
    tokenize: split,
    processTerm: (t) => t,
    searchOptions: {
      tokenize: split,
      processTerm: (t) => t,
      boost: { title: 2, topics: 0.4, text: 1 },
      weights: { fuzzy: 0.35, prefix: 0.5 },
    },
  });
  const refs = docRefs(content.articles);
  reference.addAll(refs.map((ref, id) => toIndexDoc(id, ref, content.articles)));
});

/**
 * MiniSearch's answer for complete words, folded to articles as the engine does (best document).
 * As in the engine, near spellings only for a word no title or text holds.
 */
function expected(words: string[], limit: number): { id: string; score: number }[] {
  const refs = docRefs(content.articles);
  const held = (term: string) => reference.search(term, { fields: ['title', 'text'], fuzzy: 0 }).length > 0;
  const results = reference.search({
    combineWith: 'AND',
    queries: words.map((w) => ({
      queries: [stem(w, 'en')],
      fields: ['title', 'text'],
      fuzzy: w.length < 5 || held(stem(w, 'en')) ? 0 : w.length < 8 ? 1 : 2,
      prefix: false,
    })),
  });
  const best = new Map<number, number>();
  for (const r of results) {
    const article = refs[r.id as number]?.article as number;
    best.set(article, Math.max(best.get(article) ?? 0, r.score));
  }
  return [...best.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit)
    .map(([i, score]) => ({ id: content.articles[i]?.id as string, score }));
}

describe('compact index against MiniSearch', () => {
  // Words that name no gazetteer topic, so the query is words only, as in the reference.
  for (const words of [
    // A misspelling no article holds, matched by its near spellings.
    ['factoreis'],
    ['factories'],
    ['workers'],
    ['oil'],
    ['capitalism', 'crisis'],
    ['revolutionary', 'party', 'workers'],
  ]) {
    it(`ranks "${words.join(' ')}" with the same articles and scores`, () => {
      const want = expected(words, 10);
      const got = engine
        .search(`${words.join(' ')} `, { limit: 10 })
        .hits.filter((h) => h.strict)
        .map((h) => ({ id: h.article.id, score: h.score }));
      expect(want.length).toBeGreaterThan(0);
      expect(got.map((h) => `${h.id} ${h.score.toFixed(4)}`)).toEqual(
        want.map((h) => `${h.id} ${h.score.toFixed(4)}`),
      );
    });
  }

  it('answers the same after a round trip through the binary index (the snapshot and the reload worker)', () => {
    const restored = Engine.fromIndexBytes(content, engine.indexBytes());
    for (const q of ['workers', 'general strike', 'revo', 'venezuala', 'la lucha de los trabajadores']) {
      const ids = (e: Engine) =>
        e.search(q, { limit: 20 }).hits.map((h) => [h.article.id, h.score, h.passage, h.terms]);
      expect(ids(restored)).toEqual(ids(engine));
      expect(restored.search(q).total).toBe(engine.search(q).total);
    }
  });

  it('keeps the date order, twins and topic lists a snapshot stores, and ignores those of other articles', async () => {
    const seed = await loadSeed('content');
    const twinned = generateCorpus(seed, { size: 1500, seed: 5 });
    expect(twinned.articles.some((a) => a.twinOf)).toBe(true);
    const built = Engine.build(twinned);
    const answers = (e: Engine) =>
      JSON.stringify([
        e.latest('', { limit: 30 }).hits.map((h) => h.article.id),
        ...['mexico', 'venezuela', 'cuba', 'workers'].flatMap((q) =>
          (['en', 'es'] as const).map((language) =>
            e.latest(q, { limit: 30, language }).hits.map((h) => [h.article.id, h.article.twinOf]),
          ),
        ),
        e.search('workers', { limit: 30 }).hits.map((h) => [h.article.id, h.score]),
        e.topicIndex.stats().map((t) => [t.id, t.count]),
      ]);
    const derived = built.derivedBytes();
    expect(answers(Engine.fromSnapshotBytes(twinned, built.indexBytes(), derived))).toBe(answers(built));
    // Used as stored: the newest two swapped in the bytes (after a header of five words) swap in answers.
    const swapped = derived.slice();
    const words = new Uint32Array(swapped.buffer);
    [words[5], words[6]] = [words[6] as number, words[5] as number];
    const first = (e: Engine) => e.latest('', { limit: 2 }).hits.map((h) => h.article.id);
    expect(first(Engine.fromSnapshotBytes(twinned, built.indexBytes(), swapped))).toEqual(
      first(built).reverse(),
    );
    // Those of other articles, or of no known version, are worked out again.
    const other = Engine.build(generateCorpus(seed, { size: 1400, seed: 5 })).derivedBytes();
    const future = derived.slice();
    new Uint32Array(future.buffer)[0] = 99;
    for (const bytes of [other, future, new Uint8Array(0)])
      expect(answers(Engine.fromSnapshotBytes(twinned, built.indexBytes(), bytes))).toBe(answers(built));
  });

  it('refuses an index of another format instead of answering from it', () => {
    const header = Buffer.from('{"format":"0"}');
    const bytes = Buffer.concat([Buffer.alloc(4), header]);
    bytes.writeUInt32LE(header.length, 0);
    expect(() => Engine.fromIndexBytes(content, bytes)).toThrow(/format/);
  });
});
