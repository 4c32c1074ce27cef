import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderFailure, renderReply } from '../../adapters/discord/render.ts';
import { escapeText, truncate } from '../../adapters/discord/text.ts';
import type { ArticleView, Card, CardsReply, Reply, Suggestion } from '../../src/reply.ts';
import { canPing, checkMessage } from '../fakes/discord/limits.ts';

const card = (over: Partial<Card> = {}): Card => ({
  id: 'mx-2023-water',
  title: 'Mexico City water crisis',
  summary: 'Reservoirs fell to record lows in 2023.',
  url: 'https://example.org/mx-water',
  urlKind: 'article',
  publishedAt: '2023-09',
  datePrecision: 'month',
  dateSource: 'estimate',
  dateLabel: '~Sep 2023',
  language: 'en',
  topics: ['Mexico'],
  source: 'Example News',
  ...over,
});

const cardsReply = (items: Card[], over: Partial<CardsReply> = {}): CardsReply => ({
  kind: 'cards',
  command: 'latest',
  query: 'mexico',
  title: 'Latest on Mexico',
  items,
  offset: 0,
  total: items.length + 3,
  next: 'c1.abc',
  ...over,
});

describe('renderReply examples', () => {
  it('renders a cards reply as one embed per article with title link, summary, footer and colour', () => {
    const out = renderReply(cardsReply([card(), card({ id: 'b', title: 'Second' })]));
    expect(out.content).toBe('**Latest on Mexico** (1–2 of 5)');
    expect(out.embeds[0]).toEqual({
      title: 'Mexico City water crisis',
      url: 'https://example.org/mx-water',
      description: 'Reservoirs fell to record lows in 2023.',
      footer: { text: '~Sep 2023 · Example News' },
      color: 0x2f6fb3,
    });
    expect(out.allowed_mentions).toEqual({ parse: [] });
    const ids = out.components.flatMap((r) =>
      r.components.map((c) => ('custom_id' in c ? c.custom_id : 'url' in c ? c.url : '')),
    );
    expect(ids).toEqual(['open:mx-2023-water', 'open:b', 'more:c1.abc']);
  });

  it('labels buttons in Spanish for Spanish locales', () => {
    const out = renderReply(cardsReply([card()]), { locale: 'es-419' });
    expect(out.content).toContain('1–1 de 4');
    expect(out.components.at(-1)?.components.at(-1)).toMatchObject({ label: 'Más' });
  });

  it('escapes headings, lists, masked links and defuses mention syntax', () => {
    const evil = '# Head\n- item\n1. one\n[click](https://evil.example) @everyone <@123> **bold**';
    const out = renderReply(cardsReply([card({ title: evil, summary: evil })]));
    const description = out.embeds[0]?.description ?? '';
    expect(description).toContain('\\# Head');
    expect(description).toContain('\\- item');
    expect(description).toContain('1\\. one');
    expect(description).toContain('\\[click](https://evil.example)');
    expect(description).toContain('\\*\\*bold\\*\\*');
    expect(description).not.toMatch(/@everyone|<@1/);
  });

  it('renders an article with a source link button and a twin button', () => {
    const article: ArticleView = { ...card({ twinId: 'mx-2023-agua' }), body: 'Full text.', passages: [] };
    const out = renderReply({ kind: 'article', title: article.title, article });
    expect(out.embeds[0]?.description).toBe('Full text.');
    expect(out.components[0]?.components).toEqual([
      { type: 2, style: 5, label: 'Read the original', url: 'https://example.org/mx-water' },
      { type: 2, style: 2, label: 'Leer en español', custom_id: 'open:mx-2023-agua' },
    ]);
  });

  it('leaves out buttons whose custom id would exceed 100 characters', () => {
    const long: Suggestion = { label: 'long', command: `/search ${'x'.repeat(120)}` };
    const out = renderReply({ kind: 'notice', tone: 'info', message: 'Nothing found.', suggestions: [long] });
    expect(out.components).toEqual([]);
    expect(out.content).toBe('ℹ️ Nothing found.');
  });

  it('has a failure message in the user language', () => {
    expect(renderFailure('es-ES').content).toMatch(/^⚠️ Lo sentimos/);
  });
});

describe('text helpers', () => {
  it('truncate never leaves a dangling escape or half a surrogate pair', () => {
    expect(truncate('abc\\*def', 5)).toBe('abc…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('short', 10)).toBe('short');
  });
  it('escapeText escapes markdown and defuses @here', () => {
    expect(escapeText('_x_ @here')).toBe('\\_x\\_ @\u200bhere');
  });
});

// Arbitrary text heavy in markdown, mentions, newlines and astral characters.
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom(
      '*',
      '_',
      '#',
      '-',
      '[',
      ']',
      '(',
      ')',
      '\\',
      '`',
      '@',
      '<',
      '>',
      '\n',
      ' ',
      'a',
      '😀',
      '~',
      '|',
    ),
    maxLength: 6000,
  }),
  fc.constantFrom('@everyone', '<@123456789012345678>', '<@&1>', '# Title', '[x](https://e.com)', ''),
);
const urlArb = fc.oneof(fc.webUrl({ size: 'large' }), fc.string({ maxLength: 40 }));
const cardArb: fc.Arbitrary<Card> = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  title: nasty,
  summary: nasty,
  snippet: fc.option(nasty, { nil: undefined }),
  section: fc.option(nasty, { nil: undefined }),
  url: urlArb,
  urlKind: fc.constantFrom('article' as const, 'listing' as const),
  publishedAt: fc.constant('2023-09'),
  datePrecision: fc.constantFrom('day' as const, 'month' as const, 'year' as const),
  dateSource: fc.constantFrom('seen' as const, 'inferred' as const, 'estimate' as const),
  dateLabel: nasty,
  language: fc.constantFrom('en', 'es', 'fr'),
  topics: fc.array(nasty, { maxLength: 8 }),
  source: nasty,
  twinId: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), { nil: undefined }),
});
const suggestionsArb = fc.option(fc.array(fc.record({ label: nasty, command: nasty }), { maxLength: 12 }), {
  nil: undefined,
});
const replyArb: fc.Arbitrary<Reply> = fc.oneof(
  fc.record({
    kind: fc.constant('cards' as const),
    command: fc.constantFrom('latest' as const, 'search' as const, 'brief' as const),
    query: nasty,
    title: nasty,
    overview: fc.option(nasty, { nil: undefined }),
    items: fc.array(cardArb, { maxLength: 14 }),
    offset: fc.nat(1000),
    total: fc.nat(2000),
    next: fc.option(fc.stringMatching(/^[A-Za-z0-9_.~-]{1,48}$/), { nil: undefined }),
    notice: fc.option(nasty, { nil: undefined }),
    suggestions: suggestionsArb,
  }),
  fc.record({
    kind: fc.constant('article' as const),
    title: nasty,
    article: fc
      .record({ card: cardArb, body: nasty })
      .map(({ card, body }) => ({ ...card, body, passages: [] })),
  }),
  fc.record({
    kind: fc.constant('topics' as const),
    title: nasty,
    topics: fc.array(fc.record({ id: nasty, name: nasty, kind: fc.constant('country'), count: fc.nat() }), {
      maxLength: 400,
    }),
  }),
  fc.record({
    kind: fc.constant('help' as const),
    title: nasty,
    intro: nasty,
    commands: fc.array(fc.record({ usage: nasty, description: nasty }), { maxLength: 10 }),
    examples: fc.array(nasty, { maxLength: 10 }),
  }),
  fc.record({
    kind: fc.constant('notice' as const),
    tone: fc.constantFrom('info' as const, 'error' as const),
    message: nasty,
    suggestions: suggestionsArb,
  }),
);

describe('renderReply properties', () => {
  it('stays within every Discord limit and pings nobody, whatever the text', () => {
    fc.assert(
      fc.property(replyArb, fc.constantFrom(undefined, 'en-US', 'es-ES'), (reply, locale) => {
        const out = renderReply(reply, { locale });
        expect(checkMessage(out)).toEqual([]);
        expect(canPing(out as unknown as Record<string, unknown>)).toBe(false);
        const text = [
          out.content ?? '',
          ...out.embeds.map((e) => `${e.title ?? ''}${e.description ?? ''}`),
        ].join('');
        expect(text).not.toMatch(/@(everyone|here)|<@[!&]?\d/);
      }),
      { numRuns: 300 },
    );
  });
});
