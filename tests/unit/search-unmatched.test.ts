import { beforeAll, describe, expect, it } from 'vitest';
import { renderInlineNotice } from '../../adapters/telegram/render.ts';
import { replyToJson } from '../../src/cli.ts';
import { type Briefings, type CardsReply, createBriefings } from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';
import type { Engine } from '../../src/search/engine.ts';
import { languageOfLocale } from '../../src/text/language.ts';
import { JUDGED_QUERIES, UNANSWERABLE_QUERIES } from '../fixtures/judged-queries.ts';

let engine: Engine;
let briefings: Briefings;
beforeAll(async () => {
  ({ engine } = await loadEngine({ contentDir: 'content' }));
  briefings = createBriefings(engine);
});

describe('honest answers: what the archive does not hold', () => {
  it('finds every word of every judged query (none reported missing)', () => {
    for (const { query, locale } of JUDGED_QUERIES) {
      expect(engine.search(query, { language: languageOfLocale(locale) }).unmatched, query).toEqual([]);
    }
  });

  it.each(UNANSWERABLE_QUERIES)('names what no article mentions: $query', ({ query, unmatched, results }) => {
    const page = engine.search(query, { limit: 10 });
    expect(page.unmatched).toEqual(unmatched);
    expect(page.total > 0).toBe(results);
    // Whatever is listed matched every word that exists in the archive, not a filler word.
    for (const hit of page.hits) expect(hit.strict, `${query} → ${hit.article.id}`).toBe(true);
  });

  it('never lets question or filler words carry a search', () => {
    for (const query of ['what happened', 'who won', 'qué pasó', 'según', 'according to', 'sobre']) {
      const page = engine.search(query);
      expect(page, query).toMatchObject({ total: 0, nothingToSearch: true, unmatched: [] });
    }
    // Stopwords alone still search when nothing was asked around them.
    expect(engine.search('ni una menos').total).toBeGreaterThan(0);
    // A question word inside a topic name is part of the name.
    expect(engine.search('what happened in bolivia').hits[0]?.article.topics).toContain('bolivia');
  });

  it('answers with no results, the missing word named, and suggestions', async () => {
    const reply = await briefings.run('/search what happened in atenco');
    expect(reply).toMatchObject({
      kind: 'notice',
      tone: 'info',
      message: expect.stringMatching(/^No article mentions “atenco”\. /),
      unmatched: ['atenco'],
    });
    if (reply?.kind !== 'notice') throw new Error('expected a notice');
    expect(reply.suggestions?.length).toBeGreaterThan(0);
    expect(replyToJson(reply, 'what happened in atenco')).toMatchObject({
      results: [],
      unmatched: ['atenco'],
    });
  });

  it('answers with results and the line when other words matched', async () => {
    const reply = (await briefings.run('/search bitcoin in latin america')) as CardsReply;
    expect(reply).toMatchObject({
      kind: 'cards',
      notice: 'No article mentions “bitcoin”.',
      unmatched: ['bitcoin'],
    });
    expect(reply.items.length).toBeGreaterThan(0);
    const json = replyToJson(reply, 'bitcoin in latin america');
    expect(json).toMatchObject({ unmatched: ['bitcoin'], query: 'bitcoin in latin america' });
    expect((json.results as unknown[]).length).toBe(reply.items.length);
    expect(await briefings.run('/search the war in ukraine')).toMatchObject({
      notice: 'No article mentions “ukraine”.',
    });
    expect(await briefings.run('/search blockchain cryptocurrency')).toMatchObject({
      kind: 'notice',
      message: expect.stringMatching(/^No article mentions “blockchain” or “cryptocurrency”\./),
    });
  });

  it('says it in Spanish for Spanish queries, and for Spanish-speaking users', async () => {
    expect(await briefings.run('/search qué pasó en Atenco')).toMatchObject({
      message: expect.stringMatching(/^Ningún artículo menciona “atenco”\. /),
    });
    expect(await briefings.run('/search bitcoin y migrantes', { locale: 'es-MX' })).toMatchObject({
      kind: 'cards',
      notice: 'Ningún artículo menciona “bitcoin”.',
    });
    expect(await briefings.run('/search qué pasó')).toMatchObject({
      kind: 'notice',
      message: expect.stringMatching(/^“qué pasó” no tiene palabras que pueda buscar/),
      unmatched: [],
    });
    expect(await briefings.run('/search what happened')).toMatchObject({
      message: expect.stringMatching(/^“what happened” has no words I can search for/),
    });
  });

  it('always carries "unmatched" in search JSON, empty when every word matched', async () => {
    const reply = await briefings.run('/search amlo');
    expect(replyToJson(reply as CardsReply, 'amlo')).toMatchObject({ unmatched: [] });
    const latest = await briefings.run('/latest mexico');
    expect(replyToJson(latest as CardsReply, 'mexico')).not.toHaveProperty('unmatched');
  });

  it('says it in inline mode, above the results, in the user language', async () => {
    const inline = await briefings.inline('bitcoin in latin america', '', { locale: 'es' });
    expect(inline.items.length).toBeGreaterThan(0);
    expect(renderInlineNotice(inline)).toBe('Ningún artículo menciona “bitcoin”.');
    const none = await briefings.inline('what happened in atenco', '', { locale: 'en' });
    expect(none.items).toEqual([]);
    expect(renderInlineNotice(none)).toBe('No article mentions “atenco”. → Mexico, Peru, Repression');
    // A word still being typed (one or two letters) is not called missing.
    expect(renderInlineNotice(await briefings.inline('oaxaca te', ''))).toBeUndefined();
    expect(renderInlineNotice(await briefings.inline('oaxaca', ''))).toBeUndefined();
  });

  it('says it first in autocomplete, and choosing it still runs what was typed', () => {
    const [first, ...rest] = briefings.complete('atenco', 25, { locale: 'es-ES' });
    expect(first).toEqual({ label: 'Ningún artículo menciona “atenco”.', value: 'atenco' });
    expect(rest.length).toBeLessThanOrEqual(24);
    expect(briefings.complete('ho')[0]?.label).toMatch(/^(Honduras|Hands Off Venezuela)/);
    expect(briefings.complete('mexico bitcoin', 25, { locale: 'en-US' })[0]?.label).toBe(
      'No article mentions “bitcoin”.',
    );
  });
});
