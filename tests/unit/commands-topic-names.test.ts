import { beforeAll, describe, expect, it } from 'vitest';
import type { Briefings, CardsReply, NoticeReply, TopicsReply } from '../../src/commands/index.ts';
import { createBriefings } from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';
import { buildScheduledPost, ITEMS_PER_POST } from '../../src/schedule/digest.ts';
import { engineDigestSource } from '../../src/schedule/source.ts';
import type { Engine } from '../../src/search/engine.ts';
import { type Topic, topicName } from '../../src/types.ts';

let briefings: Briefings;
let engine: Engine;
/** Topics whose Spanish name differs from the English one: the words a Spanish answer must not show. */
let translated: Topic[];
beforeAll(async () => {
  ({ engine } = await loadEngine({ contentDir: 'content' }));
  briefings = createBriefings(engine);
  translated = engine.topicIndex.stats().filter((t) => t.nameEs && t.nameEs !== t.name);
});

const es = { locale: 'es-MX' };
const en = { locale: 'en-GB' };

/** Every text a cards reply shows: title, overview, notice, suggestion labels and card topic lists. */
function shown(reply: CardsReply | NoticeReply | TopicsReply): string[] {
  if (reply.kind === 'topics') return [reply.title, ...reply.topics.map((t) => t.name)];
  if (reply.kind === 'notice') return [reply.message, ...(reply.suggestions ?? []).map((s) => s.label)];
  return [
    reply.title,
    reply.overview ?? '',
    reply.notice ?? '',
    ...(reply.suggestions ?? []).map((s) => s.label),
    ...reply.items.flatMap((c) => c.topics),
  ];
}

/** English names (with a Spanish one) that appear in a text as whole words. */
function englishNamesIn(texts: string[]): string[] {
  const text = texts.join('\n');
  return translated
    .map((t) => t.name)
    .filter((name) => {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text);
    });
}

describe('topic names in the user’s language', () => {
  it('the gazetteer names the main topics in Spanish', () => {
    const names = Object.fromEntries(engine.topicIndex.stats().map((t) => [t.id, topicName(t, 'es')]));
    expect(names).toMatchObject({ peru: 'Perú', mexico: 'México', brazil: 'Brasil' });
    expect(topicName(engine.topicIndex.get('united-states') as Topic, 'es')).toBe('Estados Unidos');
    expect(topicName(engine.topicIndex.get('general-strike') as Topic, 'es')).toBe('Huelgas');
    expect(topicName(engine.topicIndex.get('repression') as Topic, 'es')).toBe('Represión');
    // A name that is the same in both languages needs no Spanish entry.
    expect(topicName(engine.topicIndex.get('honduras') as Topic, 'es')).toBe('Honduras');
    expect(translated.length).toBeGreaterThan(10);
  });

  it('titles a Spanish briefing and its overview with Spanish names only', async () => {
    const reply = (await briefings.run('/brief peru', es)) as CardsReply;
    expect(reply.title).toBe('Resumen: Perú');
    expect(reply.overview).toMatch(/Temas clave: /);
    expect(englishNamesIn(shown(reply))).toEqual([]);
    const mexico = (await briefings.run('/brief mexico', es)) as CardsReply;
    expect(mexico.title).toBe('Resumen: México');
    expect(mexico.items.some((c) => c.topics.includes('México'))).toBe(true);
    expect(englishNamesIn(shown(mexico))).toEqual([]);
  });

  it('leaves English answers in English', async () => {
    const reply = (await briefings.run('/brief peru', en)) as CardsReply;
    expect(reply.title).toBe('Briefing: Peru');
    expect(reply.overview).toMatch(/Key themes: /);
    const spanishOnly = translated.map((t) => t.nameEs as string);
    const text = shown(reply).join('\n');
    expect(spanishOnly.filter((name) => text.includes(name))).toEqual([]);
    // No locale at all is English too.
    expect(((await briefings.run('/latest mexico')) as CardsReply).title).toBe('Latest on Mexico');
  });

  it('lists /topics in Spanish with the same ids and counts', async () => {
    const spanish = (await briefings.run('/topics', es)) as TopicsReply;
    const english = (await briefings.run('/topics', en)) as TopicsReply;
    expect(spanish.topics.map((t) => [t.id, t.count])).toEqual(english.topics.map((t) => [t.id, t.count]));
    expect(spanish.topics.find((t) => t.id === 'peru')?.name).toBe('Perú');
    expect(english.topics.find((t) => t.id === 'peru')?.name).toBe('Peru');
    expect(englishNamesIn(spanish.topics.map((t) => t.name))).toEqual([]);
  });

  it('names corrected topics, suggestions and latest titles in Spanish', async () => {
    const corrected = (await briefings.run('/latest peruu', es)) as CardsReply;
    expect(corrected.title).toBe('Lo último sobre Perú');
    expect(corrected.notice).toContain('Mostrando Perú');
    const missing = (await briefings.run('/latest xyzzy', es)) as NoticeReply;
    expect(missing.kind).toBe('notice');
    expect(englishNamesIn(shown(missing))).toEqual([]);
    const complete = briefings.complete('est', 5, es).map((c) => c.label);
    expect(complete.some((label) => label.startsWith('Estados Unidos ('))).toBe(true);
    expect(briefings.complete('uni', 5, en).some((c) => c.label.startsWith('United States ('))).toBe(true);
  });

  it('understands a Spanish name typed as a topic', async () => {
    const reply = (await briefings.run('/latest estados unidos', es)) as CardsReply;
    expect(reply.title).toBe('Lo último sobre Estados Unidos');
    expect(engine.resolveTopic('Huelgas')?.id).toBe('general-strike');
  });
});

describe('scheduled posts in the subscription’s language', () => {
  const post = (kind: 'digest' | 'alert' | 'latest', language?: string) => {
    const source = engineDigestSource(() => engine);
    const articles = source.matching('mexico', language);
    expect(articles.length).toBeGreaterThan(ITEMS_PER_POST);
    return buildScheduledPost(source, {
      kind,
      topic: 'general-strike,mexico',
      topicLabel: 'Mexico, Strikes',
      articles,
      ...(language ? { language } : {}),
    });
  };

  it('words a Spanish digest, alert and latest post in Spanish with Spanish topic names', () => {
    const digest = post('digest', 'es');
    expect(digest.title).toBe('Resumen: México, Huelgas');
    expect(digest.overview).toMatch(/^\d+ artículos, .+ – .+\.( Temas clave: .+\.)?$/);
    expect(digest.notice).toMatch(
      /^\d+ más que no se muestran aquí; pide \/latest México, Huelgas para verlos\.$/,
    );
    expect(digest.items.some((c) => c.topics.includes('México'))).toBe(true);
    expect(englishNamesIn(shown(digest))).toEqual([]);
    expect(shown(digest).join('\n')).not.toMatch(/\b(Briefing|Also about|more not shown|articles)\b/);
    expect(post('alert', 'es').title).toBe('Nuevo sobre México, Huelgas');
    expect(post('latest', 'es').title).toBe(
      'Lo último sobre México, Huelgas (nada nuevo desde el último resumen)',
    );
  });

  it('keeps posts of subscriptions without a language, or in English, in English', () => {
    for (const language of [undefined, 'en']) {
      const digest = post('digest', language);
      expect(digest.title).toBe('Briefing: Mexico, Strikes');
      expect(digest.overview).toMatch(/^\d+ articles, /);
      expect(digest.notice).toMatch(/more not shown here; ask for \/latest Mexico, Strikes/);
      const text = shown(digest).join('\n');
      expect(translated.map((t) => t.nameEs as string).filter((name) => text.includes(name))).toEqual([]);
    }
  });
});
