import { beforeAll, describe, expect, it } from 'vitest';
import { Cursors, MAX_CURSOR_BYTES } from '../../src/commands/cursor.ts';
import { type Briefings, type CardsReply, createBriefings, parseCommand } from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';

let briefings: Briefings;
beforeAll(async () => {
  const { engine } = await loadEngine({ contentDir: 'content' });
  briefings = createBriefings(engine);
});

describe('the command grammar', () => {
  it('parses commands, arguments and bot mentions', () => {
    expect(parseCommand('/latest mexico')).toEqual({ kind: 'latest', topic: 'mexico' });
    expect(parseCommand('/LATEST')).toEqual({ kind: 'latest', topic: '' });
    expect(parseCommand('/search@briefings_bot death of migrants', { botUsername: 'Briefings_Bot' })).toEqual(
      {
        kind: 'search',
        query: 'death of migrants',
      },
    );
    expect(parseCommand('/brief   honduras  coup ')).toEqual({ kind: 'brief', topic: 'honduras coup' });
    expect(parseCommand('/start 23fcb2-03')).toEqual({ kind: 'start', payload: '23fcb2-03' });
    expect(parseCommand('oaxaca')).toEqual({ kind: 'search', query: 'oaxaca' });
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('/frobnicate now')).toEqual({ kind: 'unknown', name: 'frobnicate' });
  });

  it('ignores commands addressed to another bot', () => {
    expect(parseCommand('/latest@otherbot mexico', { botUsername: 'briefings_bot' })).toBeUndefined();
  });

  it('strips control characters', () => {
    expect(parseCommand('/latest mex\u0000ico\u202E')).toEqual({ kind: 'latest', topic: 'mexico' });
  });
});

describe('executing commands', () => {
  it('answers /latest mexico with cards, newest first, and a next page', async () => {
    const reply = (await briefings.run('/latest mexico')) as CardsReply;
    expect(reply).toMatchObject({ kind: 'cards', command: 'latest', title: 'Latest on Mexico', offset: 0 });
    expect(reply.items).toHaveLength(5);
    expect(reply.items[0]).toMatchObject({ id: '23fcb2-01', dateLabel: '~Sep 2023', dateSource: 'estimate' });
    expect(reply.next).toBeDefined();
    const next = (await briefings.execute({ kind: 'more', cursor: reply.next as string })) as CardsReply;
    expect(next.offset).toBe(5);
    expect(next.items.map((c) => c.id)).not.toContain('23fcb2-01');
  });

  it('briefs with an overview line of count, date range and themes', async () => {
    const reply = (await briefings.run('/brief honduras')) as CardsReply;
    expect(reply.title).toBe('Briefing: Honduras');
    expect(reply.overview).toMatch(/^4 articles, ~22 Sep 2009 – ~Nov 2009\. Key themes: .*Manuel Zelaya/);
    expect(reply.suggestions?.length).toBeGreaterThan(0);
  });

  it('uses the matching section of the long article as the summary', async () => {
    const reply = (await briefings.run('/search Cochabamba water privatisation')) as CardsReply;
    const card = reply.items[0];
    expect(card?.section).toBe('Bolivia – the revolution has begun');
    expect(card?.snippet).toMatch(/Cochabam/);
    expect(card?.summary).toBe(card?.snippet);
  });

  it('keeps every summary within the requested length, ending on whole words', async () => {
    const reply = (await briefings.execute(
      { kind: 'latest', topic: '' },
      { limit: 50, summaryLength: 90 },
    )) as CardsReply;
    expect(reply.items).toHaveLength(45);
    for (const c of reply.items) {
      expect(c.summary.length).toBeLessThanOrEqual(90);
      expect(c.summary).toMatch(/[.!?…"”)]$/);
    }
  });

  it('answers in the user language where a twin exists', async () => {
    const es = (await briefings.run('/search migrants chihuahua', { locale: 'es-MX' })) as CardsReply;
    expect(es.items[0]?.id).toBe('23fcb2-02');
    const en = (await briefings.run('/search migrants chihuahua', { locale: 'en-GB' })) as CardsReply;
    expect(en.items[0]?.id).toBe('23fcb2-03');
  });

  it('corrects a clearly misspelt topic and says so', async () => {
    const reply = (await briefings.run('/latest hondras')) as CardsReply;
    expect(reply).toMatchObject({
      kind: 'cards',
      title: 'Latest on Honduras',
      notice: 'Showing Honduras (you typed “hondras”).',
    });
  });

  it('says an unknown topic is unknown and suggests near ones', async () => {
    // A word no article contains is named; the words that did match still brief.
    const reply = await briefings.run('/brief zelayaa coup xq');
    expect(reply).toMatchObject({ kind: 'cards', unmatched: ['xq'], notice: 'No article mentions “xq”.' });
    const unknown = await briefings.run('/latest xyzzy');
    if (unknown?.kind !== 'notice') throw new Error('expected a notice');
    expect(unknown.message).toMatch(/^No article mentions “xyzzy”\./);
    expect(unknown.unmatched).toEqual(['xyzzy']);
    expect(unknown.suggestions?.length).toBeGreaterThan(0);
    // The typo still finds Venezuela; only the word nobody wrote is named.
    const near = await briefings.run('/latest venezuelx qq');
    if (near?.kind !== 'cards') throw new Error('expected cards');
    expect(near.notice).toBe('No article mentions “qq”.');
    expect(near.items[0]?.topics).toContain('Venezuela');
    const none = await briefings.run('/search atenco');
    if (none?.kind !== 'notice') throw new Error('expected a notice');
    expect(none.message).toMatch(/^No article mentions “atenco”\. (Did you mean|Try one of)/);
    expect(none.suggestions?.length).toBeGreaterThan(0);
  });

  it('refuses a 100 KB query clearly, without crashing', async () => {
    const reply = await briefings.run(`/search ${'mexico '.repeat(15_000)}`);
    expect(reply).toMatchObject({ kind: 'notice', tone: 'error' });
    if (reply?.kind !== 'notice') throw new Error('expected a notice');
    expect(reply.message).toMatch(/please keep search queries under 300/);
    expect(await briefings.run('x'.repeat(100_000))).toMatchObject({ kind: 'notice', tone: 'error' });
  });

  it('asks for a query when /search or /brief has none', async () => {
    expect(await briefings.run('/search')).toMatchObject({
      kind: 'notice',
      message: expect.stringMatching(/What should I search for/),
    });
    expect(await briefings.run('/brief   ')).toMatchObject({
      kind: 'notice',
      message: expect.stringMatching(/brief you on/),
    });
  });

  it('shows help for empty input and unknown commands point to it', async () => {
    expect(await briefings.run('   ')).toMatchObject({ kind: 'help' });
    expect(await briefings.run('/frobnicate')).toMatchObject({
      kind: 'notice',
      tone: 'error',
      message: expect.stringMatching(/\/help/),
    });
  });

  it('opens an article by id and by /start deep link', async () => {
    expect(await briefings.run('/article 23fcb2-03')).toMatchObject({
      kind: 'article',
      article: { id: '23fcb2-03', twinId: '23fcb2-02' },
    });
    expect(await briefings.run('/start fbdf6a-01')).toMatchObject({
      kind: 'article',
      article: { passages: expect.any(Array) },
    });
    expect(await briefings.run('/article nope')).toMatchObject({ kind: 'notice', tone: 'error' });
  });

  it('lists topics with counts', async () => {
    const reply = await briefings.run('/topics');
    if (reply?.kind !== 'topics') throw new Error('expected topics');
    expect(reply.topics[0]).toMatchObject({ id: 'mexico', name: 'Mexico' });
    expect(reply.topics[0]?.count).toBeGreaterThan(20);
  });

  it('completes topics first, then titles, within 25 choices of at most 100 characters', () => {
    const choices = briefings.complete('ho');
    expect(choices[0]?.label).toMatch(/^(Honduras|Hands Off Venezuela)/);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(briefings.complete('').length).toBe(25);
    for (const c of briefings.complete('the')) {
      expect(c.label.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
  });

  it("pages inline results with the lists' cursor; empty text lists the latest", async () => {
    const first = await briefings.inline('', '');
    expect(first.items[0]?.id).toBe('23fcb2-01');
    expect(first.next).toBeDefined();
    expect(Buffer.byteLength(first.next ?? '')).toBeLessThanOrEqual(64);
    const second = await briefings.inline('', first.next ?? '');
    expect(second.offset).toBe(20);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    // The same cursor pages the list a "More" button would.
    const more = await briefings.execute({ kind: 'more', cursor: first.next ?? '' }, { limit: 20 });
    expect(more).toMatchObject({ kind: 'cards', offset: 20, items: second.items });
  });

  it('reads a sent /search whole and inline text as typed, on every page', async () => {
    // Sent, "revolution" is the word; typed, it may yet become "revolutionary".
    const sent = (await briefings.run('/search revolution')) as CardsReply;
    const typed = await briefings.inline('revolution', '');
    expect(sent.total).toBeGreaterThan(0);
    expect(typed.total).toBeGreaterThan(sent.total);
    // Inline pages after the first read the text as the first did ("work" sent whole matches fewer).
    const first = await briefings.inline('work', '', { limit: 5 });
    expect(first.total).toBeGreaterThan(((await briefings.run('/search work')) as CardsReply).total);
    expect(first.next).toBeDefined();
    const second = await briefings.inline('work', first.next ?? '', { limit: 5 });
    expect(second).toMatchObject({ offset: 5, total: first.total });
    const ids = [...first.items, ...second.items].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('corrects a misspelt topic inline as /latest does, and carries suggestions when nothing matches', async () => {
    const corrected = await briefings.inline('hondras', '');
    expect(corrected.items.length).toBeGreaterThan(0);
    expect(corrected.notice).toMatch(/^Showing Honduras \(you typed “hondras”\)/);
    const none = await briefings.inline('atenco', '');
    expect(none.items).toEqual([]);
    expect(none.notice).toBe('No article mentions “atenco”.');
    expect(none.suggestions?.length).toBeGreaterThan(0);
    expect(await briefings.inline('mexico', 'l.zzzz.forged')).toMatchObject({
      items: [],
      notice: expect.stringMatching(/expired/),
    });
  });
});

describe('cursors', () => {
  it('round-trip short and long queries within the size limit', () => {
    const cursors = new Cursors();
    for (const query of ['mexico', 'á'.repeat(200), 'death of migrants in ciudad juarez mexico capitalism']) {
      const c = cursors.encode({ command: 'search', query, offset: 15 });
      expect(c.length).toBeLessThanOrEqual(MAX_CURSOR_BYTES);
      expect(c).toMatch(/^[A-Za-z0-9_.~-]+$/);
      expect(cursors.decode(c)).toEqual({ command: 'search', query, offset: 15 });
    }
  });

  it('refuse forged offsets and non-canonical queries, so no page is ever out of range', async () => {
    const query = Buffer.from('mexico').toString('base64url');
    for (const forged of [
      `s.zzzzzzzz.${query}`,
      `l.zzz.${query}`,
      `s.0a.${query}`,
      `s.a.${query}=`,
      's.a.////',
    ]) {
      expect(new Cursors().decode(forged), forged).toBeUndefined();
      expect(await briefings.execute({ kind: 'more', cursor: forged }), forged).toMatchObject({
        kind: 'notice',
        message: expect.stringMatching(/expired/),
      });
    }
    // In range but past the end (e.g. content shrank since the button was made): said plainly.
    const pastEnd = await briefings.execute({ kind: 'more', cursor: `l.7ps.${query}` });
    expect(pastEnd).toEqual({ kind: 'notice', tone: 'info', message: 'There are no more results.' });
    expect(await briefings.inline('mexico', `l.7ps.${query}`)).toMatchObject({
      items: [],
      notice: 'There are no more results.',
    });
  });

  it('report a forgotten or forged cursor as expired', async () => {
    expect(new Cursors().decode('s.f~AAAAAAAAAAAA')).toBeUndefined();
    expect(new Cursors().decode('<script>')).toBeUndefined();
    expect(await briefings.execute({ kind: 'more', cursor: 'zz' })).toMatchObject({
      kind: 'notice',
      message: expect.stringMatching(/expired/),
    });
  });
});

describe('the interface language', () => {
  it('speaks Spanish to Spanish-speaking users, titles, overview and dates included', async () => {
    const reply = (await briefings.run('/brief honduras', { locale: 'es-419' })) as CardsReply;
    expect(reply.title).toBe('Resumen: Honduras');
    expect(reply.overview).toMatch(/^4 artículos, ~22 sep 2009 – ~nov 2009\. Temas clave: .* y /);
    expect((await briefings.run('/latest', { locale: 'es' })) as CardsReply).toMatchObject({
      title: 'Artículos recientes',
    });
    expect(await briefings.run('/latest xyzzy', { locale: 'es' })).toMatchObject({
      message: expect.stringMatching(/^Ningún artículo menciona “xyzzy”\./),
    });
    expect(await briefings.run('/help', { locale: 'es' })).toMatchObject({
      intro: expect.stringMatching(/^Resúmenes breves/),
      commands: expect.arrayContaining([
        expect.objectContaining({ name: 'latest', description: expect.stringMatching(/^Los artículos/) }),
      ]),
    });
  });

  it('stays English for everyone else', async () => {
    const reply = (await briefings.run('/brief honduras', { locale: 'fr-FR' })) as CardsReply;
    expect(reply.title).toBe('Briefing: Honduras');
  });
});
