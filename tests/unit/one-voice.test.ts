/**
 * One voice on every surface: a Spanish reader gets Spanish words around the articles (titles,
 * overviews, ranges, buttons, hints) and Spanish topic names, an English reader no Spanish ones,
 * whether the answer is read in a terminal, on Telegram, on Discord or as a digest. Article text
 * is never translated, so it is taken out before looking.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReply as renderDiscord } from '../../adapters/discord/render.ts';
import { escapeHtml } from '../../adapters/telegram/html.ts';
import { renderReply as renderTelegram } from '../../adapters/telegram/render.ts';
import { attribution } from '../../src/commands/cards.ts';
import {
  type ArticleReply,
  type Briefings,
  type Card,
  type CardsReply,
  createBriefings,
  type Reply,
} from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';
import { renderText } from '../../src/render-text.ts';
import { buildScheduledPost } from '../../src/schedule/digest.ts';
import { engineDigestSource } from '../../src/schedule/source.ts';
import type { Engine } from '../../src/search/engine.ts';

/** Words of the English chrome that must never reach a Spanish reader. */
const ENGLISH_CHROME =
  /(?<![/\w])(Briefing|Latest on|Latest articles|Key themes|Search|Related|Try|More|articles?|stories|Read the original|Listing page|listing page|of \d+|Topics in the archive|Counts are|Also in another language|In section)\b/;
/** And of the Spanish chrome, never shown to an English reader. */
const SPANISH_CHROME =
  /(Resumen|Lo último|Artículos recientes|Temas clave|Búsqueda|Relacionado|Prueba|Más|artículos?\b|noticias|Leer el original|Página del listado|página del listado|\bde \d+|Temas del archivo|Se cuentan|También en otro idioma|En la sección)/;
/** Topic names that differ between the languages, by language. */
const NAMES = {
  en: /\b(Peru|Mexico|Strikes|Repression|Brazil|United States)\b/,
  es: /(Perú|México|Huelgas|Represión|Brasil|Estados Unidos)/,
};

let briefings: Briefings;
let engine: Engine;
beforeAll(async () => {
  ({ engine } = await loadEngine({ contentDir: 'content' }));
  briefings = createBriefings(engine);
});

/** The article text a reply carries (titles, summaries, publishers, urls): not ours to translate. */
function articleText(reply: Reply): string[] {
  const cards: Card[] =
    reply.kind === 'cards' ? reply.items : reply.kind === 'article' ? [reply.article] : [];
  return cards
    .flatMap((c) => [
      c.title,
      c.summary,
      c.snippet ?? '',
      c.section ?? '',
      c.url,
      c.source,
      ...(reply.kind === 'article'
        ? [reply.article.body, ...reply.article.passages.flatMap((p) => [p.heading, p.text])]
        : []),
    ])
    .filter((t) => t.length > 0)
    .sort((a, b) => b.length - a.length);
}

/** `text` without the articles' own words, as written or escaped for Telegram's HTML. */
function chrome(text: string, reply: Reply): string {
  let out = text;
  for (const t of articleText(reply)) out = out.split(t).join(' ').split(escapeHtml(t)).join(' ');
  return out;
}

/**
 * The words Discord shows around the articles: the message line, embed titles that are not article
 * titles (topics, help), field names, footers and button labels (not the numbered article buttons).
 */
function discordChrome(m: ReturnType<typeof renderDiscord>): string {
  const buttons = m.components.flatMap((row) => row.components);
  return [
    m.content ?? '',
    ...m.embeds.flatMap((e) => [...(e.fields ?? []).map((f) => f.name), e.footer?.text ?? '']),
    ...m.embeds.filter((e) => !e.url).flatMap((e) => [e.title ?? '', e.description ?? '']),
    ...buttons
      .filter((b) => !('custom_id' in b && b.custom_id.startsWith('open:')))
      .map((b) => ('label' in b ? (b.label ?? '') : '')),
  ].join('\n');
}

const ask = async (text: string, locale: string) => (await briefings.run(text, { locale })) as Reply;

const QUERIES = [
  '/brief peru',
  '/latest mexico',
  '/search oaxaca teachers',
  '/topics',
  '/help',
  '/latest xyzzy',
];

describe('one voice per reader', () => {
  it('a Spanish reader gets Spanish words and topic names in the terminal, on Telegram and on Discord', async () => {
    for (const query of QUERIES) {
      const reply = await ask(query, 'es-ES');
      const surfaces = {
        console: renderText(reply, { locale: 'es-ES', paging: true }),
        telegram: (() => {
          const m = renderTelegram(reply, { locale: 'es-ES' });
          return [m.text, ...(m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [])].join('\n');
        })(),
        discord: discordChrome(renderDiscord(reply, { locale: 'es-ES' })),
      };
      for (const [surface, text] of Object.entries(surfaces)) {
        const words = chrome(text, reply);
        expect(words, `${surface} ${query}`).not.toMatch(ENGLISH_CHROME);
        expect(words, `${surface} ${query}`).not.toMatch(NAMES.en);
      }
    }
    const brief = renderText(await ask('/brief peru', 'es-ES'), { locale: 'es-ES', paging: true });
    expect(brief).toMatch(/^Resumen: Perú \(1–5 de 9\)\n9 artículos, .+ Temas clave: /);
    expect(brief).toContain('Más: /more');
    expect(brief).toMatch(/Relacionado: \/brief /);
  });

  it('an English reader gets no Spanish words or topic names', async () => {
    for (const query of QUERIES) {
      const reply = await ask(query, 'en-GB');
      const telegram = renderTelegram(reply, { locale: 'en-GB' });
      const texts = [
        renderText(reply, { locale: 'en-GB', paging: true }),
        telegram.text,
        ...(telegram.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? []),
        discordChrome(renderDiscord(reply, { locale: 'en-GB' })),
      ];
      for (const text of texts) {
        expect(chrome(text, reply), query).not.toMatch(SPANISH_CHROME);
        expect(chrome(text, reply), query).not.toMatch(NAMES.es);
      }
    }
  });

  it('a Spanish digest is the Spanish briefing: title, overview, key themes and suggestions', async () => {
    const source = engineDigestSource(() => engine);
    const articles = engine.matching('peru', 'es').slice(0, 6);
    const post = buildScheduledPost(source, {
      kind: 'digest',
      topic: 'peru',
      topicLabel: 'Peru',
      articles,
      language: 'es',
    });
    const brief = (await ask('/brief peru', 'es')) as CardsReply;
    expect(post.title).toBe('Resumen: Perú');
    expect(post.overview).toMatch(/^6 artículos, .+ – .+\. Temas clave: /);
    // The same key themes, in the same order, as /brief names.
    expect(post.overview?.split('Temas clave: ')[1]).toBe(brief.overview?.split('Temas clave: ')[1]);
    expect(post.suggestions).toEqual(brief.suggestions);
    for (const text of [renderText(post, { locale: 'es' }), renderTelegram(post, { locale: 'es' }).text])
      expect(chrome(text, post)).not.toMatch(ENGLISH_CHROME);
    const english = buildScheduledPost(source, {
      kind: 'digest',
      topic: 'peru',
      topicLabel: 'Peru',
      articles,
    });
    expect(english.title).toBe('Briefing: Peru');
    expect(english.overview).toMatch(/^6 articles, .+ Key themes: /);
    expect(chrome(renderText(english), english)).not.toMatch(SPANISH_CHROME);
  });

  it('plurals come from the catalogue', async () => {
    const one = buildScheduledPost(
      engineDigestSource(() => engine),
      {
        kind: 'alert',
        topic: 'peru',
        topicLabel: 'Peru',
        articles: engine.matching('peru').slice(0, 1),
        language: 'es',
      },
    );
    expect(one.overview).toMatch(/^1 artículo \(/);
    const english = buildScheduledPost(
      engineDigestSource(() => engine),
      {
        kind: 'alert',
        topic: 'peru',
        topicLabel: 'Peru',
        articles: engine.matching('peru').slice(0, 1),
      },
    );
    expect(english.overview).toMatch(/^1 article \(/);
  });
});

describe('true words', () => {
  it('labels a listing-page link as a listing page on every surface', async () => {
    const listed = engine.articles.find((a) => a.urlKind === 'listing');
    expect(listed).toBeDefined();
    const reply = (await ask(`/article ${listed?.id}`, 'en')) as ArticleReply;
    const link = (m: ReturnType<typeof renderTelegram>) =>
      m.reply_markup?.inline_keyboard.flat().find((b) => 'url' in b);
    expect(link(renderTelegram(reply))?.text).toBe('Listing page ↗');
    expect(renderDiscord(reply).components[0]?.components[0]).toMatchObject({ label: 'Listing page' });
    expect(renderText(reply)).toContain('(listing page)');
    const spanish = (await ask(`/article ${listed?.id}`, 'es')) as ArticleReply;
    expect(link(renderTelegram(spanish, { locale: 'es' }))?.text).toBe('Página del listado ↗');
    expect(renderDiscord(spanish, { locale: 'es-ES' }).components[0]?.components[0]).toMatchObject({
      label: 'Página del listado',
    });
    const own = engine.articles.find((a) => a.urlKind === 'article');
    const original = (await ask(`/article ${own?.id}`, 'en')) as ArticleReply;
    expect(link(renderTelegram(original))?.text).toBe('Read the original ↗');
  });

  it('names the site of the link when the publisher listed an article from elsewhere', () => {
    const publisher = 'In Defence of Marxism (marxist.com)';
    expect(attribution(publisher, 'https://www.marxist.com/a.htm', 'en')).toBe(publisher);
    expect(attribution(publisher, 'https://www.bolshevik.info/b.htm', 'en')).toBe(
      'bolshevik.info, via In Defence of Marxism (marxist.com)',
    );
    expect(attribution('Fightback (marxist.ca)', 'https://www.marxist.com/c.htm', 'es')).toBe(
      'marxist.com, vía Fightback (marxist.ca)',
    );
    expect(attribution('The Guardian', 'https://www.theguardian.com/x', 'en')).toBe('The Guardian');
    // Every card in the archive names the site its link goes to.
    for (const article of engine.articles) {
      const host = new URL(article.url).hostname.replace(/^www\./, '');
      const said = attribution(article.source, article.url, 'en');
      expect(said.toLowerCase(), article.id).toMatch(new RegExp(host.split('.').slice(-2).join('\\.')));
    }
  });

  it('counts stories alike in /topics, /latest and /brief, and says why when twins are merged', async () => {
    const topics = await ask('/topics', 'en');
    if (topics.kind !== 'topics') throw new Error('expected topics');
    const mexico = topics.topics.find((t) => t.id === 'mexico');
    const latest = (await ask('/latest mexico', 'en')) as CardsReply;
    const brief = (await ask('/brief mexico', 'en')) as CardsReply;
    expect(mexico?.count).toBe(latest.total);
    expect(brief.total).toBe(latest.total);
    expect(mexico?.articles).toBeGreaterThan(latest.total);
    expect(topics.note).toMatch(/story published in both languages counts once/);
    expect(brief.overview).toMatch(
      new RegExp(`^${latest.total} stories \\(${mexico?.articles} articles: one in both languages\\)`),
    );
    const spanish = (await ask('/brief mexico', 'es')) as CardsReply;
    expect(spanish.overview).toMatch(/^\d+ noticias \(\d+ artículos: una en los dos idiomas\)/);
  });

  it('says where ids are on each surface', async () => {
    const terminal = await briefings.execute({ kind: 'article', id: 'nope' }, {});
    expect(terminal).toMatchObject({ message: expect.stringMatching(/Ids are shown under each result/) });
    for (const platform of ['telegram', 'discord'] as const) {
      const chat = await briefings.execute({ kind: 'article', id: 'nope' }, { platform });
      expect(chat).toMatchObject({ message: expect.stringMatching(/numbered button/) });
      expect(chat).not.toMatchObject({ message: expect.stringMatching(/Ids are shown/) });
    }
  });
});
