import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateSortKey } from '../../src/content/dates.ts';
import { loadEngine } from '../../src/content/load.ts';
import type { Engine } from '../../src/search/engine.ts';
import { languageOfLocale } from '../../src/text/language.ts';
import { JUDGED_QUERIES } from '../fixtures/judged-queries.ts';

let engine: Engine;
beforeAll(async () => {
  ({ engine } = await loadEngine({ contentDir: 'content' }));
});

describe('answer quality on the judged queries', () => {
  it('has at least 30 judged queries', () => {
    expect(JUDGED_QUERIES.length).toBeGreaterThanOrEqual(30);
  });

  it('puts a relevant article in the top 3 for at least 95% of them', () => {
    const misses: string[] = [];
    for (const { query, relevant, locale } of JUDGED_QUERIES) {
      const top = engine
        .search(query, { limit: 3, language: languageOfLocale(locale) })
        .hits.map((h) => h.article.id);
      if (!top.some((id) => relevant.includes(id)))
        misses.push(`${query} → ${top.join(', ') || '(nothing)'}`);
    }
    const share = 1 - misses.length / JUDGED_QUERIES.length;
    console.info(
      `judged queries: ${JUDGED_QUERIES.length - misses.length}/${JUDGED_QUERIES.length} with a relevant article in the top 3`,
    );
    expect(share, `misses:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('lists the 2023 AMLO article first for latest mexico, with nothing from 2006 in the top five', () => {
    const top = engine.latest('mexico', { limit: 5 }).hits.map((h) => h.article);
    expect(top[0]?.id).toBe('23fcb2-01');
    expect(top[0]?.title).toMatch(/AMLO/);
    expect(top.filter((a) => a.publishedAt.startsWith('2006'))).toEqual([]);
  });

  it('never shows both twins, and picks the one in the asker language', () => {
    const en = engine.search('migrants chihuahua', { limit: 10 }).hits.map((h) => h.article.id);
    expect(en).toContain('23fcb2-03');
    expect(en).not.toContain('23fcb2-02');
    const es = engine
      .search('migrants chihuahua', { limit: 10, language: 'es' })
      .hits.map((h) => h.article.id);
    expect(es).toContain('23fcb2-02');
    expect(es).not.toContain('23fcb2-03');
    expect(engine.search('migrantes', { limit: 3 }).hits[0]?.article.id).toBe('23fcb2-02');
  });

  it('points a long-article hit at the matching section', () => {
    const hit = engine.search('Cochabamba water privatisation', { limit: 1 }).hits[0];
    expect(hit?.article.id).toBe('fbdf6a-01');
    expect(hit?.passage).toBeDefined();
    expect(hit?.article.passages[hit.passage as number]?.heading).toBe('Bolivia – the revolution has begun');
  });

  it('does not flood short words with fuzzy noise', () => {
    // "coup" (4 letters) must not fuzzily match "cob", "cuba", "copa"...: only articles that say coup.
    const hits = engine.search('coup', { limit: 50 }).hits;
    for (const h of hits) expect(h.article.body.toLowerCase()).toContain('coup');
  });

  it('widens to near spellings only a word no article holds', () => {
    // Held words match themselves: "protest" not "protect", "american" not "mexican".
    const reached = (query: string) =>
      new Set(engine.search(query, { limit: 50 }).hits.flatMap((h) => h.terms));
    expect([...reached('protest')]).toEqual(['protest']);
    expect(reached('american').has('mexican')).toBe(false);
    expect(reached('factories').has('victori')).toBe(false);
    // A misspelling no article holds still finds the word meant.
    expect(reached('protezt').has('protest')).toBe(true);
    // A word being typed past the stem of the word it will be still reaches that stem
    // ("revolutio" on the way to "revolution", stemmed "revolut"), but not a neighbour.
    expect(reached('revolutio').has('revolut')).toBe(true);
    expect(reached('teach').has('reach')).toBe(false);
    expect(engine.search('protezt').unmatched).toEqual([]);
  });

  it('keeps free-text latest to clearly relevant articles, newest first', () => {
    const page = engine.latest('solidarity pickets', { limit: 50 });
    expect(page.mode).toBe('query');
    expect(page.total).toBeGreaterThan(0);
    const keys = page.hits.map((h) => dateSortKey(h.article.publishedAt));
    expect([...keys].sort((a, b) => b - a)).toEqual(keys);
    for (const h of page.hits) expect(h.article.body.toLowerCase()).toMatch(/solidarity/);
    for (const h of page.hits) expect(h.article.body.toLowerCase()).toMatch(/picket/);
  });

  it('ranks a query the same whatever Unicode form its accents come in (NFC first)', () => {
    for (const composed of ['méxico', 'migración en méxico', 'Tenochtitlán', 'forum social québécois']) {
      const decomposed = composed.normalize('NFD');
      expect(decomposed).not.toBe(composed);
      const view = (q: string) =>
        engine.search(q, { limit: 10 }).hits.map((h) => `${h.article.id} ${h.score.toFixed(6)} ${h.strict}`);
      expect(view(decomposed), composed).toEqual(view(composed));
      expect(engine.latest(decomposed).hits.map((h) => h.article.id)).toEqual(
        engine.latest(composed).hits.map((h) => h.article.id),
      );
    }
    expect(engine.resolveTopic('Me\u0301xico')?.id).toBe('mexico');
  });

  it('resolves aliases and demonyms to topics', () => {
    expect(engine.resolveTopic('amlo')?.id).toBe('lopez-obrador');
    expect(engine.resolveTopic('López Obrador')?.id).toBe('lopez-obrador');
    expect(engine.resolveTopic('mexicans')?.id).toBe('mexico');
    expect(engine.resolveTopic('tegucigalpa')?.id).toBe('tegucigalpa');
    expect(engine.resolveTopic('zelaya')?.id).toBe('zelaya');
  });

  it('suggests near topics for typos', () => {
    expect(engine.nearestTopics('hondras').map((t) => t.id)).toContain('honduras');
    expect(engine.nearestTopics('venezula').map((t) => t.id)).toContain('venezuela');
  });
});

describe('a query sent whole', () => {
  const terms = (query: string, complete: boolean) =>
    new Set(engine.search(query, { limit: 50, complete }).hits.flatMap((h) => h.terms));

  it('takes its last word whole when the archive holds it', () => {
    // As typed, "revolution" may become "revolutionary"; sent whole, it is the word.
    expect(terms('revolution', false)).toContain('revolutionari');
    expect([...terms('revolution', true)]).toEqual(['revolut']);
    const whole = engine.search('revolution', { limit: 50, complete: true });
    expect(whole).toEqual(engine.search('revolution ', { limit: 50 }));
    expect(whole.total).toBeLessThan(engine.search('revolution', { limit: 50 }).total);
  });

  it('reads a last word the archive lacks as a prefix, as typed', () => {
    for (const query of ['venezue', 'mex', 'workers occupied facto']) {
      const page = engine.search(query, { limit: 10, complete: true });
      expect(page.total, query).toBeGreaterThan(0);
      expect(page.unmatched, query).toEqual([]);
      expect(page, query).toEqual(engine.search(query, { limit: 10 }));
    }
  });
});

describe('one word of a query, one query term', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  // A Spanish text's words are indexed under their English and Spanish stems: "Workers" under
  // "worker" and "workers". Typed without a final space, the word reaches "workers" twice: as a
  // longer form of its stem "worker", and as typed.
  it('counts a term reached through two spellings of the word once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'briefings-spellings-'));
    dirs.push(dir);
    await copyFile('content/gazetteer.yaml', join(dir, 'gazetteer.yaml'));
    const file = (id: string, title: string, language: string) =>
      `---\nid: ${id}\ntitle: ${title}\nlanguage: ${language}\ndate: 2024-05-01\nurl: https://example.org/${id}\n---\n\n${title}.\n`;
    await writeFile(join(dir, 'es.md'), file('strike', 'Workers strike', 'es'));
    await writeFile(join(dir, 'en.md'), file('assembly', 'General assembly', 'en'));
    const { engine: small } = await loadEngine({ contentDir: dir });
    const score = (query: string) => {
      const { hits } = small.search(query);
      expect(
        hits.map((h) => h.article.id),
        query,
      ).toEqual(['strike']);
      return hits[0]?.score as number;
    };
    // Finished, the word reaches one term ("worker"); being typed, two, each once and at full
    // weight: both lists hold the one document alike, so the score doubles. It is not multiplied
    // again as if the query held two words.
    expect(score('workers')).toBeCloseTo(2 * score('workers '), 9);
  });
});
