/**
 * Feed items → articles: the three formats read alike, HTML becomes clean text, dates are the
 * publisher's day, ids are stable, and every rendered file is one the content loader accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdownArticle } from '../../src/content/markdown.ts';
import {
  articleFileName,
  articleIdFor,
  feedDate,
  htmlToText,
  ItemSkipped,
  itemKey,
  renderArticle,
} from '../../src/sources/article.ts';
import { normalizeLink } from '../../src/sources/link.ts';
import { type FeedItem, FeedParseError, parseFeed } from '../../src/sources/parse.ts';
import { ATOM_FEED, JSON_FEED, MALFORMED_FEED, RSS_FEED } from '../fixtures/feeds.ts';

const NOW = Date.parse('2026-11-28T07:00:00Z');
const render = (item: FeedItem, extra: Partial<Parameters<typeof renderArticle>[0]> = {}) =>
  renderArticle({
    id: 'pub-abcdef1234',
    item,
    sourceName: 'Publisher',
    topics: [],
    firstSeenAt: '2026-11-27T12:00:00.000Z',
    now: NOW,
    ...extra,
  });

describe('parseFeed', () => {
  it('reads RSS 2.0: guid, link, HTML teaser and full content, dates as written', () => {
    const feed = parseFeed(RSS_FEED);
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('In Defence of Marxism & friends');
    expect(feed.items).toHaveLength(3);
    const [first, undated] = feed.items;
    expect(first).toMatchObject({
      guid: 'publisher-1001',
      link: 'https://publisher.example/2026/11/oaxaca-teachers-strike?utm_source=rss',
      title: 'Oaxaca teachers strike again',
      date: 'Fri, 20 Nov 2026 22:00:00 -0600',
    });
    expect(first?.summaryHtml).toContain('<b>Oaxaca</b>');
    expect(first?.contentHtml).toContain('<h2>Why now</h2>');
    expect(undated?.date).toBeUndefined();
  });

  it('reads Atom: typed titles, alternate links, published before updated, xml:lang', () => {
    const feed = parseFeed(ATOM_FEED);
    expect(feed).toMatchObject({ format: 'atom', title: 'Socialist Revolution', language: 'en' });
    expect(feed.items[0]).toMatchObject({
      guid: 'tag:socialistrevolution.example,2026:venezuela-crisis',
      link: 'https://socialistrevolution.example/venezuela-crisis',
      titleIsHtml: true,
      date: '2026-11-22T08:00:00+01:00',
    });
    expect(feed.items[1]).toMatchObject({
      link: 'https://socialistrevolution.example/peru',
      titleIsHtml: false,
    });
    expect(feed.items[1]?.date).toBe('2026-11-19T12:00:00Z');
  });

  it('reads JSON Feed, including items with plain text only and no title', () => {
    const feed = parseFeed(JSON_FEED);
    expect(feed.format).toBe('json');
    expect(feed.items[1]?.title).toBeUndefined();
    expect(feed.items[1]?.contentHtml).toBe(
      '<p>Cuba faces blackouts across the island.</p><p>The grid is failing after years of shortages.</p>',
    );
  });

  it('names what is wrong with a document that is not a readable feed', () => {
    expect(() => parseFeed(MALFORMED_FEED)).toThrow(FeedParseError);
    expect(() => parseFeed(MALFORMED_FEED)).toThrow(
      /malformed XML at line 4, column 1: Expected closing tag 'item'/,
    );
    expect(() => parseFeed('<!DOCTYPE html><html><body><p>Welcome<br></body></html>')).toThrow(
      /an HTML page/,
    );
    expect(() => parseFeed('{"hello": "world"}')).toThrow(/not a feed/);
    expect(() => parseFeed('   ')).toThrow(/empty/);
  });
});

describe('HTML to article text', () => {
  it('decodes entities, drops tags, scripts, images and link targets, keeps paragraphs', () => {
    const text = htmlToText(
      '<p>Workers &amp; students &#8220;marched&#8221;&nbsp;in <a href="https://x">Oaxaca</a>.</p><script>x()</script><img src="a.png"><p>Second&hellip;</p>',
    );
    expect(text).toBe('Workers & students “marched” in Oaxaca.\n\nSecond…');
  });

  it('never leaves a line Markdown would read as a heading or quote', () => {
    expect(htmlToText('<blockquote><p># 1 demand</p></blockquote><p>## Not a heading</p>')).toBe(
      '1 demand\n\nNot a heading',
    );
  });

  it('cuts the summary on a sentence boundary, never mid-word', () => {
    const long = `<p>${'The assembly voted to continue the strike until every demand is met. '.repeat(20)}</p>`;
    const article = render({
      link: 'https://p.example/a',
      title: 'T',
      titleIsHtml: false,
      summaryHtml: long,
    });
    const { meta } = parseMarkdownArticle('x.md', article.text);
    expect(meta.summary?.length).toBeLessThanOrEqual(400);
    expect(meta.summary).toMatch(/met\.$/);
  });
});

describe('feedDate', () => {
  it('is the day where the publisher is, not in UTC', () => {
    expect(feedDate('Fri, 20 Nov 2026 22:00:00 -0600', NOW)).toBe('2026-11-20');
    expect(feedDate('2026-11-21T00:30:00+01:00', NOW)).toBe('2026-11-21');
    expect(feedDate('Sat, 21 Nov 2026 23:30:00 EST', NOW)).toBe('2026-11-21');
    expect(feedDate('2026-11-20', NOW)).toBe('2026-11-20');
  });

  it('refuses missing, unreadable and far-future dates', () => {
    expect(feedDate(undefined, NOW)).toBeUndefined();
    expect(feedDate('last Tuesday', NOW)).toBeUndefined();
    expect(feedDate('2027-06-01T00:00:00Z', NOW)).toBeUndefined();
  });
});

describe('identity', () => {
  it('keys items by guid, else by link without tracking parameters or fragment', () => {
    expect(itemKey({ guid: 'g1', link: 'https://a.example/x', titleIsHtml: false })).toBe('guid:g1');
    expect(itemKey({ link: 'https://www.a.example/x/?utm_source=rss#top', titleIsHtml: false })).toBe(
      'link:https://a.example/x',
    );
    expect(itemKey({ titleIsHtml: false, title: 'no way to tell it apart' })).toBeUndefined();
    expect(normalizeLink('http://A.example/x?id=3&utm_medium=feed')).toBe('https://a.example/x?id=3');
    expect(normalizeLink('javascript:alert(1)')).toBeUndefined();
  });

  it('gives an item the same id every time, and different items different ids', () => {
    const a = articleIdFor('publisher', 'guid:publisher-1001');
    expect(a).toBe(articleIdFor('publisher', 'guid:publisher-1001'));
    expect(a).toMatch(/^publisher-[A-Za-z0-9]{10}$/);
    expect(a).not.toBe(articleIdFor('publisher', 'guid:publisher-1002'));
    expect(articleFileName(a, 'Huelga de maestros en Oaxaca: ¡otra vez!', '2026-11-21')).toBe(
      `2026-11-21-huelga-de-maestros-en-oaxaca-otra-vez-${a.slice(10)}.md`,
    );
  });
});

describe('renderArticle', () => {
  const [first, undated, spanish] = parseFeed(RSS_FEED).items as [FeedItem, FeedItem, FeedItem];

  it('writes front matter the content loader reads back exactly', () => {
    const article = render(first, { topics: ['mexico'], sourceName: 'In Defence: "Marxism"' });
    const { meta, text } = parseMarkdownArticle('feeds/pub/x.md', article.text);
    expect(meta).toMatchObject({
      id: 'pub-abcdef1234',
      title: 'Oaxaca teachers strike again',
      date: '2026-11-20',
      dateSource: 'seen',
      url: 'https://publisher.example/2026/11/oaxaca-teachers-strike?utm_source=rss',
      language: 'en',
      topics: ['mexico'],
      source: 'In Defence: "Marxism"',
    });
    expect(meta.summary).toBe(
      'Teachers in Oaxaca, Mexico, walked out again on Friday — the third time this year. They demand the wages they were promised & an end to the “reform”.',
    );
    expect(text).toContain('The state government missed three payments.');
    expect(text).not.toMatch(/track\(\)|<|&amp;|&nbsp;|x\.png/);
  });

  it('dates an undated item by when it was first seen, as an estimate', () => {
    const article = render(undated);
    expect(article).toMatchObject({ date: '2026-11-27', dateSource: 'estimate' });
  });

  it('detects Spanish unless the source forces a language', () => {
    expect(render(spanish).language).toBe('es');
    expect(render(spanish, { language: 'en' }).language).toBe('en');
    expect(render(first, { feedLanguage: 'es-MX' }).language).toBe('en');
  });

  it('is deterministic, so an unchanged item is recognised by its hash', () => {
    expect(render(first).hash).toBe(render(first).hash);
    expect(render({ ...first, title: 'Oaxaca teachers strike again (updated)' }).hash).not.toBe(
      render(first).hash,
    );
  });

  it('skips items that cannot be articles, saying why', () => {
    expect(() => render({ titleIsHtml: false, title: 'No link' })).toThrow(ItemSkipped);
    expect(() => render({ titleIsHtml: false, link: 'ftp://x.example/a', title: 'x' })).toThrow(
      /no http\(s\) link/,
    );
    expect(() => render({ titleIsHtml: false, link: 'https://x.example/a' })).toThrow(
      /neither a title nor any text/,
    );
    // A teaser of only punctuation: no headline to make, so the text itself is the title.
    const dot = render({ titleIsHtml: true, title: '', link: 'https://x.example/a', summaryHtml: '.' });
    expect(parseMarkdownArticle('x.md', dot.text).meta.title).toBe('.');
    expect(() =>
      render({ titleIsHtml: true, title: '<p> </p>', link: 'https://x.example/a', summaryHtml: '&nbsp;' }),
    ).toThrow(ItemSkipped);
  });

  it('always renders a file the loader accepts, whatever the feed says', () => {
    // Edge cases feeds really send (empty, punctuation, bare markup and entities) mixed with noise.
    const text = fc.oneof(
      fc.constantFrom('', '.', ' … ', '&amp;', '&nbsp;', '<p></p>', '<b>x</b>', '<![CDATA[', '---', '# x'),
      fc.string({ maxLength: 8, unit: 'grapheme' }),
      fc.string({ maxLength: 400, unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.option(fc.string({ maxLength: 40 })),
        (title, summary, content, date) => {
          const item: FeedItem = {
            link: 'https://p.example/a',
            title,
            titleIsHtml: true,
            summaryHtml: summary,
            contentHtml: content,
            date: date ?? undefined,
          };
          let article: ReturnType<typeof renderArticle>;
          try {
            article = render(item);
          } catch (error) {
            expect(error).toBeInstanceOf(ItemSkipped);
            return;
          }
          const { meta } = parseMarkdownArticle('x.md', article.text);
          expect(meta.id).toBe('pub-abcdef1234');
          expect(meta.title.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
