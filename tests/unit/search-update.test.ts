import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCorpus, loadSeed } from '../../bench/corpus.ts';
import { queryMix } from '../../bench/queries.ts';
import { type Content, loadEngine } from '../../src/content/load.ts';
import { INDEX_FIELDS, type IndexDoc } from '../../src/search/documents.ts';
import { Engine } from '../../src/search/engine.ts';
import { PostingIndex } from '../../src/search/postings.ts';
import type { Article } from '../../src/types.ts';
import { JUDGED_QUERIES } from '../fixtures/judged-queries.ts';

/**
 * A reload updates the previous index instead of rebuilding it (`PostingIndex.update`): the
 * result must be the index a rebuild makes (same terms, postings and lengths; term numbers may
 * differ), and the engine's answers the same.
 */

/** Every term's postings and every field's lengths, by term string: what answers depend on. */
function byTerm(index: PostingIndex) {
  const terms: Record<string, { docs: number[]; freqs: number[] }[]> = {};
  index.terms.forEach((term, id) => {
    terms[term] = INDEX_FIELDS.map((_, f) => {
      const { docs, freqs } = index.postings(f, id);
      return { docs: [...docs], freqs: [...freqs] };
    });
  });
  const lengths = INDEX_FIELDS.map((_, f) => [...index.fieldLengths(f)]);
  return { docCount: index.docCount, terms, lengths, avgLength: [...index.avgLength] };
}

const word = fc.constantFrom(
  'mexico',
  'strike',
  'teachers',
  'oil',
  'peru',
  'lima',
  'vote',
  'war',
  'gas',
  'x',
);
const field = fc.array(word, { maxLength: 6 }).map((w) => w.join(' '));
const doc = fc.record({ title: field, text: field, topics: field });

describe('PostingIndex encoded without its terms', () => {
  it('decodes, given the terms as text, to the index encoded with them; other terms are refused', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 25 }), (docs) => {
        const index = PostingIndex.build(docs.map((d, id) => ({ ...d, id })));
        const apart = PostingIndex.decode(index.encode(false), index.termsText());
        expect(apart.terms).toEqual(index.terms);
        expect(byTerm(apart)).toEqual(byTerm(PostingIndex.decode(index.encode())));
      }),
    );
    const index = PostingIndex.build([{ id: 0, title: 'mexico strike', text: 'teachers', topics: '' }]);
    expect(() => PostingIndex.decode(index.encode(false), 'mexico strike')).toThrow(/terms/);
  });

  it('works out the average lengths when an older encoding does not carry them', () => {
    const index = PostingIndex.build([
      { id: 0, title: 'mexico strike', text: 'teachers oil', topics: 'mexico' },
      { id: 1, title: 'peru', text: 'lima vote war gas', topics: '' },
    ]);
    const bytes = index.encode();
    const jsonLength = new DataView(bytes.buffer).getUint32(0, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(4, 4 + jsonLength)).toString());
    expect(header.avgLength).toEqual([...index.avgLength]);
    delete header.avgLength;
    // The header re-encoded shorter, the arrays after it at the next 4-byte boundary, as encode lays them.
    const json = Buffer.from(JSON.stringify(header));
    const align = (n: number) => (n + 3) & ~3;
    const arrays = bytes.subarray(align(4 + jsonLength));
    const older = new Uint8Array(align(4 + json.length) + arrays.length);
    new DataView(older.buffer).setUint32(0, json.length, true);
    older.set(json, 4);
    older.set(arrays, align(4 + json.length));
    expect(byTerm(PostingIndex.decode(older))).toEqual(byTerm(index));
  });
});

describe('PostingIndex.update', () => {
  it('gives the postings and lengths a rebuild gives, whatever is kept, dropped or added', () => {
    fc.assert(
      fc.property(
        fc.array(doc, { maxLength: 25 }),
        fc.array(fc.constantFrom('keep', 'drop', 'change'), { maxLength: 25 }),
        fc.array(fc.tuple(fc.nat(30), doc), { maxLength: 6 }),
        (before, fates, inserted) => {
          const old = PostingIndex.build(before.map((d, id) => ({ ...d, id })));
          // The new list: kept and changed documents in their order, new ones inserted anywhere.
          const after: { doc: Omit<IndexDoc, 'id'>; from?: number }[] = [];
          before.forEach((d, i) => {
            const fate = fates[i] ?? 'keep';
            if (fate === 'keep') after.push({ doc: d, from: i });
            else if (fate === 'change') after.push({ doc: { ...d, text: `${d.text} gas` } });
          });
          for (const [at, d] of inserted) after.splice(Math.min(at, after.length), 0, { doc: d });
          const kept = new Int32Array(before.length).fill(-1);
          const added: IndexDoc[] = [];
          after.forEach((d, id) => {
            if (d.from === undefined) added.push({ ...d.doc, id });
            else kept[d.from] = id;
          });
          const updated = old.update(kept, added, after.length);
          const rebuilt = PostingIndex.build(after.map((d, id) => ({ ...d.doc, id })));
          expect(byTerm(updated)).toEqual(byTerm(rebuilt));
          expect(byTerm(PostingIndex.decode(updated.encode()))).toEqual(byTerm(rebuilt));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Engine.build over a previous engine', () => {
  let content: Content;
  beforeAll(async () => {
    content = generateCorpus(await loadSeed('content'), { size: 3000, seed: 5 });
  });

  it('answers as an engine built afresh after articles were added, changed and removed', () => {
    const full = content.articles;
    const earlier: Article[] = [];
    full.forEach((a, i) => {
      if (i % 7 === 0) return; // added since
      if (i === 10)
        earlier.push({ ...a, title: 'An older title about oil' }); // changed since
      else earlier.push(a);
      if (i % 500 === 3) earlier.push({ ...a, id: `${a.id}-gone`, twinOf: undefined }); // removed since
    });
    const previous = Engine.build({ ...content, articles: earlier });
    const updated = Engine.build(content, undefined, previous.earlier());
    const fresh = Engine.build(content);
    expect(byTerm(PostingIndex.decode(updated.indexBytes()))).toEqual(
      byTerm(PostingIndex.decode(fresh.indexBytes())),
    );
    const queries = [...JUDGED_QUERIES.map((q) => q.query), ...queryMix(content).map((q) => q.text)];
    for (const q of queries) {
      const a = updated.search(q, { limit: 20 });
      const b = fresh.search(q, { limit: 20 });
      expect(a.total, q).toBe(b.total);
      expect(
        a.hits.map((h) => [h.article.id, h.score]),
        q,
      ).toEqual(b.hits.map((h) => [h.article.id, h.score]));
    }
  });

  it('builds afresh when kept articles changed order', () => {
    const reversed = [...content.articles].reverse();
    const previous = Engine.build({ ...content, articles: reversed.slice(0, 200) });
    const small = { ...content, articles: content.articles.slice(-200) };
    const updated = Engine.build(small, undefined, previous.earlier());
    expect(byTerm(PostingIndex.decode(updated.indexBytes()))).toEqual(
      byTerm(PostingIndex.decode(Engine.build(small).indexBytes())),
    );
  });
});

describe('a restart after files changed', () => {
  let dir: string;
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("updates the snapshot's index with the new files' articles, and answers as a fresh build", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-update-'));
    const contentDir = path.join(dir, 'content');
    const dataDir = path.join(dir, 'data');
    cpSync(path.resolve('content'), contentDir, { recursive: true });
    await loadEngine({ contentDir, dataDir });
    writeFileSync(
      path.join(contentDir, 'oaxaca-2026.md'),
      '---\nid: oaxaca-2026\ntitle: Oaxaca teachers strike again\ndate: 2026-11-20\nurl: https://example.org/oaxaca-2026\n---\n\nTeachers in Oaxaca walked out again, demanding the wages they were promised.\n',
    );
    const update = vi.spyOn(PostingIndex.prototype, 'update');
    const { engine, parsed } = await loadEngine({ contentDir, dataDir });
    expect(parsed).toBe(1);
    expect(update).toHaveBeenCalledTimes(1);
    const fresh = (await loadEngine({ contentDir })).engine;
    expect(byTerm(PostingIndex.decode(engine.indexBytes()))).toEqual(
      byTerm(PostingIndex.decode(fresh.indexBytes())),
    );
    for (const q of ['oaxaca teachers', ...JUDGED_QUERIES.map((j) => j.query)]) {
      const a = engine.search(q, { limit: 10 });
      const b = fresh.search(q, { limit: 10 });
      expect([a.total, a.hits.map((h) => [h.article.id, h.score])], q).toEqual([
        b.total,
        b.hits.map((h) => [h.article.id, h.score]),
      ]);
    }
  });
});
