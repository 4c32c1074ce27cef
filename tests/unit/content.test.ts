import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/content/load.ts';
import { type Content, loadContent } from '../../src/content/read.ts';
import { createLogger } from '../../src/logger.ts';
import type { Article } from '../../src/types.ts';

let content: Content;
const byId = (id: string) => content.articles.find((a) => a.id === id) as Article;
beforeAll(async () => {
  content = await loadContent('content');
});

const temps: string[] = [];
async function contentCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'briefings-content-'));
  temps.push(dir);
  await cp('content', dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('the seed archive', () => {
  it('holds 46 articles and no problems', () => {
    expect(content.problems).toEqual([]);
    expect(content.articles).toHaveLength(46);
    const perFile: Record<string, number> = {};
    for (const a of content.articles) perFile[a.file.slice(0, 3)] = (perFile[a.file.slice(0, 3)] ?? 0) + 1;
    expect(perFile).toEqual({
      '000': 15,
      '001': 10,
      '002': 12,
      '003': 1,
      '004': 8,
    });
  });

  it('keeps the seed files byte-identical to the ones handed over', async () => {
    for (const name of ['000_15f06f4c93b6fe2a.txt', '003_fbdf6add4a64e2bb.txt']) {
      const shared = await readFile(join('..', 'shared', 'seeds', name)).catch(() => undefined);
      if (shared) expect((await readFile(join('content', name))).equals(shared)).toBe(true);
    }
  });

  it('gives stable ids across loads', async () => {
    const again = await loadContent('content');
    expect(again.articles.map((a) => a.id)).toEqual(content.articles.map((a) => a.id));
    expect(content.articles[0]?.id).toBe('15f06f-01');
    expect(new Set(content.articles.map((a) => a.id)).size).toBe(46);
    for (const a of content.articles) expect(a.id).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });

  it('drops the site footer of the Fightback listing', () => {
    expect(content.articles.some((a) => a.body.includes('Support Fightback today'))).toBe(false);
    expect(byId('cc1d23-10').title).toBe(
      'Mel Zelaya back in Honduras: Now mass action needed to overthrow the coup',
    );
  });

  it('uses real titles where seen and derives short headlines elsewhere', () => {
    expect(byId('15f06f-05')).toMatchObject({
      title: 'Mexico: state of siege in Oaxaca - For a revolutionary answer to repression',
      titleSource: 'seen',
      url: 'https://www.marxist.com/mexico-state-siege-oaxaca311006.htm',
      urlKind: 'article',
      publishedAt: '2006-10-31',
      dateSource: 'inferred',
    });
    const derived = byId('15f06f-01');
    expect(derived.titleSource).toBe('derived');
    expect(derived.title.length).toBeLessThanOrEqual(90);
    expect(derived).toMatchObject({
      urlKind: 'listing',
      url: 'https://marxist.com/mexico.htm?start=120',
      dateSource: 'estimate',
    });
  });

  it('parses the long article into its six sections, without the repeated teaser or navigation', () => {
    const long = byId('fbdf6a-01');
    expect(long.passages.map((p) => p.heading)).toEqual([
      'Latin America',
      'Argentina',
      'Venezuela',
      'The Venezuelan Revolution and Cuba',
      'Peru and Ecuador',
      'Bolivia – the revolution has begun',
    ]);
    expect(long.body).not.toContain('(See Part One');
    expect(long.body.split('Latin America is in the vanguard of the process').length - 1).toBe(1);
    expect(long.passages[0]?.text).toContain('Annual GDP growth | Growth per capita: 1960s 5 percent+');
    expect(long).toMatchObject({ publishedAt: '2004-08-18', dateSource: 'inferred', urlKind: 'article' });
  });

  it('knows the Spanish migrant item is the twin of the English one', () => {
    expect(byId('23fcb2-02')).toMatchObject({ language: 'es', twinOf: '23fcb2-03' });
    expect(byId('23fcb2-03')).toMatchObject({ language: 'en', twinOf: '23fcb2-02' });
  });

  it('tags articles with gazetteer topics, aliases and demonyms included', () => {
    expect(byId('23fcb2-04').topics).toEqual(expect.arrayContaining(['lopez-obrador', 'mexico']));
    expect(byId('cc1d23-05').topics).toEqual(expect.arrayContaining(['honduras', 'zelaya']));
    expect(byId('23fcb2-11').topics).toEqual(expect.arrayContaining(['femicide', 'cancun', 'mexico']));
    expect(byId('cc1d23-01').topics).toContain('mas');
    // "más" in Spanish text is not the Bolivian party.
    expect(byId('23fcb2-02').topics).not.toContain('mas');
    for (const a of content.articles) expect(a.topics.length, a.id).toBeGreaterThan(0);
  });
});

describe('adding and breaking content', () => {
  it('loads a Markdown article dropped into content/', async () => {
    const dir = await contentCopy();
    await writeFile(
      join(dir, 'oaxaca-teachers.md'),
      '---\ntitle: Oaxaca teachers strike again\ndate: 2024-05-20\nurl: https://example.org/oaxaca\nlanguage: en\ntopics: [oaxaca]\n---\n\nTeachers in **Oaxaca** walked out on Monday. The [union](https://example.org) called it historic.\n\n## Demands\n\nHigher pay and the repeal of the 2013 reform.\n',
    );
    const loaded = await loadContent(dir);
    expect(loaded.problems).toEqual([]);
    const a = loaded.articles.find((x) => x.id === 'oaxaca-teachers') as Article;
    expect(a).toMatchObject({
      title: 'Oaxaca teachers strike again',
      publishedAt: '2024-05-20',
      source: 'example.org',
    });
    expect(a.topics).toEqual(expect.arrayContaining(['oaxaca', 'mexico']));
    expect(a.body).toContain('Teachers in Oaxaca walked out on Monday. The union called it historic.');
    expect(a.passages).toEqual([
      { heading: 'Demands', text: 'Higher pay and the repeal of the 2013 reform.' },
    ]);
  });

  it('reports a malformed file by file, field and reason, and keeps serving the rest', async () => {
    const dir = await contentCopy();
    await writeFile(
      join(dir, 'no-date.md'),
      '---\ntitle: Missing date\nurl: https://example.org/x\n---\n\nText.\n',
    );
    await writeFile(
      join(dir, 'bad-date.md'),
      '---\ntitle: Bad date\ndate: 2024-13-40\nurl: https://example.org/y\n---\n\nText.\n',
    );
    await writeFile(join(dir, 'bad-yaml.md'), '---\ntitle: [unclosed\n---\n\nText.\n');
    await writeFile(join(dir, 'no-front-matter.md'), 'Just text.\n');
    await writeFile(
      join(dir, 'unknown-topic.md'),
      '---\ntitle: T\ndate: 2024\nurl: https://example.org/z\ntopics: [atlantis]\n---\n\nText.\n',
    );
    const loaded = await loadContent(dir);
    expect(loaded.articles).toHaveLength(46);
    const problems = Object.fromEntries(loaded.problems.map((p) => [p.file, `${p.field}: ${p.reason}`]));
    expect(problems['no-date.md']).toMatch(/^date: /);
    expect(problems['bad-date.md']).toMatch(/^date: must be YYYY/);
    expect(problems['bad-yaml.md']).toMatch(/^front matter: is not valid YAML/);
    expect(problems['no-front-matter.md']).toMatch(/^front matter: must start with/);
    expect(problems['unknown-topic.md']).toMatch(/^topics: "atlantis" is not a topic/);
  });

  it('skips a seed file whose metadata does not match its text, naming the item', async () => {
    const dir = await contentCopy();
    const sources = await readFile(join(dir, 'sources.yaml'), 'utf8');
    await writeFile(
      join(dir, 'sources.yaml'),
      sources
        .replace('first: Bolivia: Two-thirds', 'first: Venezuela: Two-thirds')
        .replace('"Bolivia: Two-thirds of the votes"', '"Venezuela: Two-thirds"'),
    );
    const loaded = await loadContent(dir);
    expect(loaded.articles).toHaveLength(36);
    expect(loaded.problems).toEqual([
      expect.objectContaining({ file: '001_cc1d23071ec74419.txt', field: 'items[0].first' }),
    ]);
  });

  it('skips only the later duplicate when a Markdown file reuses a seed id, naming both files', async () => {
    const dir = await contentCopy();
    // "0-…" sorts before the seed listing "001_…": path order alone would knock out the listing.
    await writeFile(
      join(dir, '0-reused.md'),
      '---\nid: cc1d23-05\ntitle: Reused id\ndate: 2024\nurl: https://example.org/r\n---\n\nText.\n',
    );
    const loaded = await loadContent(dir);
    expect(loaded.articles).toHaveLength(46);
    expect(loaded.articles.filter((a) => a.file === '001_cc1d23071ec74419.txt')).toHaveLength(10);
    expect(loaded.articles.find((a) => a.id === 'cc1d23-05')?.file).toBe('001_cc1d23071ec74419.txt');
    expect(loaded.problems).toEqual([
      {
        file: '0-reused.md',
        field: 'id',
        reason: expect.stringContaining('already used by 001_cc1d23071ec74419.txt'),
        outcome: 'file skipped',
      },
    ]);
  });

  it('keeps the first of two Markdown files with one id and serves the rest of the archive', async () => {
    const dir = await contentCopy();
    const md = (title: string) =>
      `---\nid: same-id\ntitle: ${title}\ndate: 2024\nurl: https://example.org/s\n---\n\nText.\n`;
    await writeFile(join(dir, 'a-first.md'), md('First'));
    await writeFile(join(dir, 'b-second.md'), md('Second'));
    const loaded = await loadContent(dir);
    expect(loaded.articles).toHaveLength(47);
    expect(loaded.articles.find((a) => a.id === 'same-id')?.title).toBe('First');
    expect(loaded.problems).toEqual([
      expect.objectContaining({ file: 'b-second.md', reason: expect.stringContaining('a-first.md') }),
    ]);
  });

  it('skips files over the size cap by name, and keeps serving the rest', async () => {
    const dir = await contentCopy();
    const article = (words: number) =>
      `---\ntitle: Big\ndate: 2024\nurl: https://example.org/b\n---\n\n${'Words and more words. '.repeat(words)}\n`;
    // Just over the default 5 MB cap.
    await writeFile(join(dir, 'huge.md'), article(250_000));
    await writeFile(join(dir, 'ordinary.md'), article(2_000));
    const loaded = await loadContent(dir);
    expect(loaded.articles).toHaveLength(47);
    expect(loaded.problems).toEqual([
      {
        file: 'huge.md',
        field: '(file)',
        reason: 'is 5.2 MB, over the 5 MB cap on one content file (CONTENT_MAX_FILE_MB)',
        outcome: 'file skipped',
      },
    ]);
    // A lower cap (configurable) skips the ordinary one too.
    const strict = await loadContent(dir, undefined, { maxFileBytes: 40_000 });
    expect(strict.problems.map((p) => p.file).sort()).toEqual(['huge.md', 'ordinary.md']);
    expect(strict.articles).toHaveLength(46);
  });

  it('rejects impossible calendar dates, naming the file and the field', async () => {
    const dir = await contentCopy();
    await writeFile(
      join(dir, 'feb-30.md'),
      '---\ntitle: Leap\ndate: 2024-02-30\nurl: https://example.org/f\n---\n\nText.\n',
    );
    await writeFile(
      join(dir, 'feb-29.md'),
      '---\ntitle: Leap day\ndate: 2024-02-29\nurl: https://example.org/g\n---\n\nText.\n',
    );
    await writeFile(
      join(dir, 'apr-31.md'),
      '---\ntitle: April\ndate: 2023-04-31\nurl: https://example.org/h\n---\n\nText.\n',
    );
    const loaded = await loadContent(dir);
    expect(loaded.articles.map((a) => a.file)).toContain('feb-29.md');
    expect(loaded.articles.map((a) => a.file)).not.toContain('feb-30.md');
    const problems = Object.fromEntries(loaded.problems.map((p) => [p.file, `${p.field}: ${p.reason}`]));
    expect(problems['feb-30.md']).toBe('date: is not a real date: February 2024 has 29 days');
    expect(problems['apr-31.md']).toBe('date: is not a real date: April 2023 has 30 days');
  });

  it('flags dates in the future but serves the article, cached or not', async () => {
    const dir = await contentCopy();
    const data = await mkdtemp(join(tmpdir(), 'briefings-data-'));
    temps.push(data);
    await writeFile(
      join(dir, 'ahead.md'),
      '---\ntitle: Ahead\ndate: 2025-06-01\nurl: https://example.org/a\n---\n\nText.\n',
    );
    const now = new Date('2025-01-15T12:00:00Z');
    const expected = {
      file: 'ahead.md',
      field: 'date',
      reason: expect.stringContaining('2025-06-01 is in the future'),
      outcome: 'flagged',
    };
    const first = await loadEngine({ contentDir: dir, dataDir: data, now });
    expect(first.problems).toEqual([expected]);
    expect(first.engine.article('ahead')).toBeDefined();
    // From the content cache: still flagged; and no longer once that date has passed.
    expect((await loadEngine({ contentDir: dir, dataDir: data, now })).problems).toEqual([expected]);
    const later = await loadEngine({ contentDir: dir, dataDir: data, now: new Date('2025-07-01T00:00:00Z') });
    expect(later.problems).toEqual([]);
    // The seed archive has no future dates today.
    expect(content.problems).toEqual([]);
  });

  it('never reports as skipped a file that is served', async () => {
    const dir = await contentCopy();
    await writeFile(
      join(dir, 'lonely-twin.md'),
      '---\ntitle: Lonely\ndate: 2024\nurl: https://example.org/l\ntwin: no-such-article\n---\n\nText.\n',
    );
    await writeFile(join(dir, 'broken.md'), 'no front matter\n');
    const lines: { msg: string; file?: string }[] = [];
    const logger = createLogger('warn', { write: (line: string) => lines.push(JSON.parse(line)) });
    const loaded = await loadContent(dir, logger);
    expect(loaded.articles.find((a) => a.id === 'lonely-twin')?.twinOf).toBeUndefined();
    expect(loaded.problems.find((p) => p.file === 'lonely-twin.md')?.outcome).toBe('flagged');
    for (const p of loaded.problems.filter((x) => x.outcome === 'file skipped'))
      expect(loaded.articles.filter((a) => a.file === p.file)).toEqual([]);
    const skippedLogs = lines.filter((l) => l.msg === 'content file skipped').map((l) => l.file);
    expect(skippedLogs).toEqual(['broken.md']);
    for (const file of skippedLogs) expect(loaded.articles.some((a) => a.file === file)).toBe(false);
  });

  it('stores every text in NFC, whatever the file used', async () => {
    const dir = await contentCopy();
    await writeFile(
      join(dir, 'decomposed.md'),
      '---\ntitle: Protesta en Me\u0301xico\ndate: 2024\nurl: https://example.org/m\nlanguage: es\n---\n\nLa policía de Me\u0301xico.\n',
    );
    const loaded = await loadContent(dir);
    const a = loaded.articles.find((x) => x.id === 'decomposed') as Article;
    expect(a.title).toBe('Protesta en México');
    expect(a.body).toBe('La policía de México.');
  });

  it('rejects a duplicate id and keeps the first article', async () => {
    const dir = await contentCopy();
    await writeFile(
      join(dir, 'dup.md'),
      '---\nid: 15f06f-01\ntitle: Dup\ndate: 2024\nurl: https://example.org/d\n---\n\nText.\n',
    );
    const loaded = await loadContent(dir);
    expect(loaded.articles).toHaveLength(46);
    expect(loaded.problems[0]).toMatchObject({ file: 'dup.md', field: 'id' });
  });

  it('keeps one start-up snapshot, rebuilt when truncated, damaged or stale', async () => {
    const dir = await contentCopy();
    const data = await mkdtemp(join(tmpdir(), 'briefings-data-'));
    temps.push(data);
    const first = await loadEngine({ contentDir: dir, dataDir: data });
    const snapshot = join(data, 'snapshot.bin');
    const bytes = await readFile(snapshot);
    expect(bytes.length).toBeGreaterThan(1000);
    const amlo = (e: typeof first.engine) => e.search('amlo', { limit: 1 }).hits[0]?.article.id;
    // Truncated, one byte flipped, or not a snapshot at all: the content is read again, never a crash.
    for (const broken of [
      bytes.subarray(0, bytes.length >> 1),
      flipped(bytes, bytes.length - 20),
      Buffer.from('{not'),
    ]) {
      await writeFile(snapshot, broken);
      const again = await loadEngine({ contentDir: dir, dataDir: data });
      expect(again.parsed).toBeGreaterThan(0);
      expect(amlo(again.engine)).toBe('23fcb2-01');
      expect(again.engine.version).toBe(first.engine.version);
      expect((await readFile(snapshot)).equals(bytes)).toBe(true);
    }
    // An article's text damaged: a start does not check those bytes (the watcher's worker does,
    // when every file is checked), and the article is still served, never a crash.
    await writeFile(snapshot, flipped(bytes, bytes.indexOf('"summary"') + 3));
    const served = await loadEngine({ contentDir: dir, dataDir: data });
    expect(served.parsed).toBe(0);
    expect(() => JSON.stringify(served.engine.articles)).not.toThrow();
    const checked = await loadEngine({ contentDir: dir, dataDir: data, check: 'files' });
    expect(checked.damaged).toBe(true);
    expect(checked.parsed).toBeGreaterThan(0);
    expect((await readFile(snapshot)).equals(bytes)).toBe(true);
    // Read back: nothing parsed, the same answers.
    const warm = await loadEngine({ contentDir: dir, dataDir: data });
    expect(warm.parsed).toBe(0);
    expect(amlo(warm.engine)).toBe('23fcb2-01');
    // New content, new version: the snapshot is replaced and only the new file is parsed.
    await writeFile(
      join(dir, 'new.md'),
      '---\ntitle: New\ndate: 2025\nurl: https://example.org/n\n---\n\nFresh text.\n',
    );
    const third = await loadEngine({ contentDir: dir, dataDir: data });
    expect(third.parsed).toBe(1);
    expect(third.engine.version).not.toBe(first.engine.version);
    expect((await readFile(snapshot)).equals(bytes)).toBe(false);
    expect((await readdir(data)).filter((n) => !n.startsWith('.'))).toEqual(['snapshot.bin']);
    // Texts are read from the snapshot on demand: an engine started from the old one still reads
    // its own texts once the file was replaced, and the texts copied into the new one are whole.
    const texts = (e: typeof first.engine) =>
      e.articles.map((a) => [a.id, a.title, a.body, a.passages.length]);
    expect(texts(warm.engine)).toEqual(texts(first.engine));
    const verified = await loadEngine({ contentDir: dir, dataDir: data, check: 'files' });
    expect(verified.damaged).toBe(false);
    expect(verified.parsed).toBe(0);
    expect(texts(verified.engine)).toEqual(texts(third.engine));
  });
});

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}
