/**
 * The Telegram renderer against Telegram's own rules, checked by the fake Bot API's strict parser:
 * for arbitrary article text and queries every message is valid HTML within 4096 visible
 * characters, cut by whole items and at word boundaries, with callback data within 64 bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCardMessage, renderInlineResults, renderReply } from '../../adapters/telegram/render.ts';
import type { ArticleReply, Card, CardsReply, Reply } from '../../src/reply.ts';
import { parseTelegramHtml } from '../fakes/telegram/html.ts';
import { checkInlineResults, checkMessageText, checkReplyMarkup } from '../fakes/telegram/limits.ts';

const card = (over: Partial<Card> = {}): Card => ({
  id: 'abc123-01',
  title: 'Mexico: the struggle continues',
  summary: 'Hundreds of thousands gathered once again in the Zocalo.',
  url: 'https://example.org/mexico',
  urlKind: 'article',
  publishedAt: '2023-09',
  datePrecision: 'month',
  dateSource: 'estimate',
  dateLabel: '~Sep 2023',
  language: 'en',
  topics: ['Mexico'],
  source: 'Example (example.org)',
  ...over,
});

const cards = (items: Card[], over: Partial<CardsReply> = {}): CardsReply => ({
  kind: 'cards',
  command: 'latest',
  query: 'mexico',
  title: 'Latest on Mexico',
  items,
  offset: 0,
  total: items.length,
  ...over,
});

/** Checks a rendered message exactly as the fake Bot API would on sendMessage. */
function accept(reply: Reply) {
  const message = renderReply(reply);
  const parsed = checkMessageText(message.text, message.parse_mode);
  checkReplyMarkup(message.reply_markup);
  return { message, parsed };
}

describe('renderReply fixtures', () => {
  it('escapes article and user text instead of interpreting it', () => {
    const evil = '<b>bold</b> & <a href="javascript:alert(1)">x</a> &amp; "quoted"';
    const { parsed } = accept(cards([card({ title: evil, summary: evil, source: evil })], { title: evil }));
    expect(parsed.text.startsWith(evil)).toBe(true);
    expect(parsed.text.split(evil).length - 1).toBe(4);
    expect(parsed.entities.filter((e) => e.type === 'text_link').map((e) => e.url)).toEqual([
      'https://example.org/mexico',
    ]);
  });

  it('shows a list with numbered linked titles, dates, summaries, a range, and page buttons', () => {
    const { message, parsed } = accept(
      cards([card(), card({ id: 'abc123-02', title: 'Second' })], { total: 12, next: 'l.2.bWV4aWNv' }),
    );
    expect(parsed.text).toBe(
      [
        'Latest on Mexico',
        '',
        '1. Mexico: the struggle continues',
        '~Sep 2023 · Example (example.org)',
        'Hundreds of thousands gathered once again in the Zocalo.',
        '',
        '2. Second',
        '~Sep 2023 · Example (example.org)',
        'Hundreds of thousands gathered once again in the Zocalo.',
        '',
        '1–2 of 12',
      ].join('\n'),
    );
    expect(message.reply_markup?.inline_keyboard).toEqual([
      [
        { text: '📖 1', callback_data: 'a:abc123-01' },
        { text: '📖 2', callback_data: 'a:abc123-02' },
      ],
      [{ text: 'More ▸', callback_data: 'm:l.2.bWV4aWNv' }],
    ]);
    expect(message.link_preview_options).toEqual({
      url: 'https://example.org/mexico',
      prefer_small_media: true,
    });
  });

  it('drops whole items that do not fit and shortens a single huge one at a word boundary', () => {
    const long = 'word '.repeat(3000).trim();
    const many = Array.from({ length: 20 }, (_, i) =>
      card({ id: `id-${i}`, summary: `Item ${i}. ${'x '.repeat(150)}` }),
    );
    const { parsed: listed } = accept(cards(many, { total: 40 }));
    const shown = listed.text.match(/^\d+\. /gm) ?? [];
    expect(shown.length).toBeGreaterThan(1);
    expect(shown.length).toBeLessThan(20);
    expect(listed.text).toContain(`1–${shown.length} of 40`);

    const { parsed } = accept(cards([card({ summary: long })]));
    expect(parsed.text.length).toBeLessThanOrEqual(4096);
    expect(parsed.text).toMatch(/word…\n\n1–1 of 1$/);
  });

  it('renders a full article cut at a paragraph or word, with a link button and the twin', () => {
    const body = Array.from({ length: 80 }, (_, i) => `Paragraph ${i} ${'text '.repeat(20)}`).join('\n\n');
    const reply: ArticleReply = {
      kind: 'article',
      title: 'Long',
      article: { ...card({ twinId: 'abc123-99' }), body, passages: [] },
    };
    const { message, parsed } = accept(reply);
    expect(parsed.text.length).toBeLessThanOrEqual(4096);
    expect(parsed.text.length).toBeGreaterThan(3500);
    expect(message.reply_markup?.inline_keyboard).toEqual([
      [{ text: 'Read the original ↗', url: 'https://example.org/mexico' }],
      [{ text: '🌐 Leer en español', callback_data: 'a:abc123-99' }],
    ]);
  });

  it('never links a URL Telegram would refuse', () => {
    const { parsed, message } = accept(cards([card({ url: 'javascript:alert(1)' })]));
    expect(parsed.entities.some((e) => e.type === 'text_link')).toBe(false);
    expect(message.link_preview_options).toEqual({ is_disabled: true });
  });

  it('leaves out buttons whose callback data would exceed 64 bytes', () => {
    const { message } = accept({
      kind: 'notice',
      tone: 'info',
      message: 'Did you mean?',
      suggestions: [
        { label: 'ok', command: '/latest mexico' },
        { label: 'too long', command: `/search ${'ñ'.repeat(40)}` },
      ],
    });
    expect(message.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['ok']);
  });
});

// Text with the characters that matter: markup, entities, emoji (surrogate pairs), newlines, controls.
const nasty = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom(
        '<',
        '>',
        '&',
        '"',
        '&amp;',
        '<b>',
        '</a>',
        '&#x1F600;',
        '😀',
        '\n',
        '\r\n',
        '\u0000',
        ' ',
        '\ud800',
      ),
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é'), minLength: 50, maxLength: 400 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
const huge = fc.oneof(
  nasty,
  nasty.map((s) => s.repeat(50)),
);
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('', 'not a url', 'javascript:alert(1)', 'https://x.org/"><b>'),
);
const arbCard: fc.Arbitrary<Card> = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    title: huge,
    summary: huge,
    url,
    dateLabel: nasty,
    source: nasty,
    section: fc.option(nasty, { nil: undefined }),
    snippet: fc.option(huge, { nil: undefined }),
    twinId: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), { nil: undefined }),
  })
  .map((c) => card(Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))));
const cursor = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,48}$/);
const suggestion = fc.record({
  label: nasty,
  command: fc.oneof(
    nasty,
    nasty.map((s) => `/latest ${s}`),
  ),
});

const arbReply: fc.Arbitrary<Reply> = fc.oneof(
  fc.record({
    kind: fc.constant('cards' as const),
    command: fc.constantFrom('latest' as const, 'search' as const, 'brief' as const),
    query: nasty,
    title: huge,
    overview: fc.option(huge, { nil: undefined }),
    notice: fc.option(huge, { nil: undefined }),
    items: fc.array(arbCard, { maxLength: 50 }),
    offset: fc.nat(10_000),
    total: fc.nat(100_000),
    next: fc.option(cursor, { nil: undefined }),
    suggestions: fc.option(fc.array(suggestion, { maxLength: 8 }), { nil: undefined }),
  }),
  fc
    .record({
      kind: fc.constant('article' as const),
      title: huge,
      article: fc.record({
        c: arbCard,
        body: huge,
        passages: fc.array(fc.record({ heading: nasty, text: huge }), { maxLength: 10 }),
      }),
    })
    .map(({ kind, title, article: { c, body, passages } }) => ({
      kind,
      title,
      article: { ...c, body, passages },
    })),
  fc.record({
    kind: fc.constant('topics' as const),
    title: huge,
    topics: fc.array(fc.record({ id: nasty, name: huge, kind: nasty, count: fc.nat() }), { maxLength: 300 }),
  }),
  fc.record({
    kind: fc.constant('help' as const),
    title: nasty,
    intro: huge,
    commands: fc.array(fc.record({ usage: nasty, description: huge }), { maxLength: 20 }),
    examples: fc.array(nasty, { maxLength: 20 }),
  }),
  fc.record({
    kind: fc.constant('notice' as const),
    tone: fc.constantFrom('info' as const, 'error' as const),
    message: huge,
    suggestions: fc.option(fc.array(suggestion, { maxLength: 8 }), { nil: undefined }),
  }),
);

describe('renderReply properties', () => {
  it('is valid Telegram HTML within every limit, for any reply', () => {
    fc.assert(
      fc.property(arbReply, fc.constantFrom(undefined, 'es-MX', 'en'), (reply, locale) => {
        const message = renderReply(reply, { locale });
        const parsed = checkMessageText(message.text, message.parse_mode);
        checkReplyMarkup(message.reply_markup);
        expect(parsed.text.length).toBeLessThanOrEqual(4096);
        for (const b of message.reply_markup?.inline_keyboard.flat() ?? []) {
          if ('callback_data' in b) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shortens text only at word boundaries: what is shown is a prefix of a whole word run', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-zé]{1,12}$/), { minLength: 500, maxLength: 1500 }),
        (words) => {
          const summary = words.join(' ');
          const { text } = parseTelegramHtml(renderReply(cards([card({ summary })])).text);
          const shown = text.split('\n')[4] ?? '';
          if (shown === summary) return;
          expect(shown.endsWith('…')).toBe(true);
          const kept = shown.slice(0, -1);
          expect(summary.startsWith(kept)).toBe(true);
          expect(summary[kept.length]).toBe(' ');
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('inline results', () => {
  it('are within Telegram limits for any list of cards, at most 50, with unique ids', () => {
    fc.assert(
      fc.property(fc.array(arbCard, { maxLength: 80 }), (items) => {
        const results = renderInlineResults(cards(items));
        checkInlineResults(results, undefined);
        expect(results.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 200 },
    );
  });

  it('post a card: linked bold title, date and source, summary', () => {
    const [result] = renderInlineResults(cards([card()]));
    expect(result).toMatchObject({
      type: 'article',
      id: 'abc123-01',
      title: 'Mexico: the struggle continues',
      description: '~Sep 2023 · Hundreds of thousands gathered once again in the Zocalo.',
    });
    expect(renderCardMessage(card()).text).toBe(
      '<a href="https://example.org/mexico"><b>Mexico: the struggle continues</b></a>\n<i>~Sep 2023 · Example (example.org)</i>\n\nHundreds of thousands gathered once again in the Zocalo.',
    );
  });
});
