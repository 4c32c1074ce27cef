import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCorpus, loadSeed } from '../../bench/corpus.ts';
import { loadEngine } from '../../src/content/load.ts';
import { type FileEntry, plainArticle } from '../../src/content/read.ts';
import {
  decodeSnapshot,
  readSnapshotFile,
  type SnapshotParts,
  snapshotPieces,
  writeSnapshotFile,
} from '../../src/content/snapshot.ts';
import type { TopicMatcher } from '../../src/content/topics.ts';
import { Engine } from '../../src/search/engine.ts';
import type { Article } from '../../src/types.ts';

/** The start-up snapshot and parse cache that make a warm start skip reading every article file. */
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(): Promise<{ contentDir: string; dataDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'briefings-cache-'));
  temps.push(root);
  await cp('content', join(root, 'content'), { recursive: true });
  return { contentDir: join(root, 'content'), dataDir: join(root, 'data') };
}

const article = (id: string, title: string, text = 'A caravan.') =>
  `---\nid: ${id}\ntitle: ${title}\ndate: 2025-01-02\nurl: https://example.org/${id}\n---\n\n${text}\n`;

/** What a start writes for these articles, with `files` as their parse cache. */
function snapshotParts(
  articles: Article[],
  matcher: TopicMatcher,
  files: Map<string, FileEntry>,
): SnapshotParts {
  const engine = Engine.build({ articles, topics: matcher.topics, matcher, problems: [], fingerprint: 'f' });
  return {
    context: 'c',
    indexFormat: 'i',
    fingerprint: 'f',
    dirs: [''],
    dirTimes: [0],
    stamps: [],
    gazetteer: matcher.gazetteer,
    problems: [],
    articles,
    files,
    index: engine.indexBytes(),
    derived: engine.derivedBytes(),
  };
}

describe('start-up snapshot', () => {
  it('answers the same from the snapshot, and notices an added article', async () => {
    const dirs = await setup();
    const first = await loadEngine(dirs);
    expect(first.parsed).toBeGreaterThan(3);
    expect(await readdir(dirs.dataDir)).toEqual(['snapshot.bin']);
    const again = await loadEngine(dirs);
    expect(again.parsed).toBe(0);
    expect(again.engine.version).toBe(first.engine.version);
    // Every field read back as parsed, accents and sections included.
    expect(again.engine.articles.map(plainArticle)).toEqual(first.engine.articles.map(plainArticle));
    expect(JSON.parse(JSON.stringify(again.engine.articles))).toEqual(
      JSON.parse(JSON.stringify(first.engine.articles)),
    );
    expect(again.engine.articles.some((a) => /[áéíóúñ]/.test(a.body))).toBe(true);
    expect(again.engine.articles.some((a) => a.passages.length > 0)).toBe(true);
    expect(again.problems).toEqual(first.problems);
    expect(again.engine.search('amlo', { limit: 3 }).hits.map((h) => h.article.id)).toEqual(
      first.engine.search('amlo', { limit: 3 }).hits.map((h) => h.article.id),
    );
    await writeFile(
      join(dirs.contentDir, 'zapatistas.md'),
      article('zapatistas', 'Zapatista caravan reaches Oaxaca'),
    );
    const third = await loadEngine(dirs);
    // Only the new file is parsed; the rest comes from the snapshot's parse cache.
    expect(third.parsed).toBe(1);
    expect(third.engine.size).toBe(first.engine.size + 1);
    expect(third.engine.search('zapatista').hits[0]?.article.title).toBe('Zapatista caravan reaches Oaxaca');
    expect(await readdir(dirs.dataDir)).toEqual(['snapshot.bin']);
  });

  it('sees a file edited in place when every file is checked, and a gazetteer change always', async () => {
    const dirs = await setup();
    const file = join(dirs.contentDir, 'edit.md');
    await writeFile(file, article('edit', 'Teachers strike in Oaxaca'));
    const first = await loadEngine(dirs);
    // Same size, new time, the directory untouched: what an in-place edit can look like.
    const dirTime = new Date('2024-01-01T00:00:00Z');
    await utimes(dirs.contentDir, dirTime, dirTime);
    await loadEngine({ ...dirs, check: 'files' });
    await writeFile(file, article('edit', 'Nurses strike in Puebla!!!'));
    await utimes(dirs.contentDir, dirTime, dirTime);
    const fast = await loadEngine(dirs);
    expect(fast.parsed).toBe(0);
    const checked = await loadEngine({ ...dirs, check: 'files' });
    expect(checked.parsed).toBe(1);
    expect(checked.engine.article('edit')?.title).toBe('Nurses strike in Puebla!!!');
    expect(checked.engine.version).not.toBe(first.engine.version);
    // The snapshot now holds the edit.
    expect((await loadEngine(dirs)).engine.article('edit')?.title).toBe('Nurses strike in Puebla!!!');
  });

  it('drops an article whose file was removed, and keeps its problems file by file', async () => {
    const dirs = await setup();
    await writeFile(join(dirs.contentDir, 'gone.md'), article('gone', 'Soon gone'));
    await writeFile(join(dirs.contentDir, 'broken.md'), '---\ntitle: no date\n---\n\nText.\n');
    const first = await loadEngine(dirs);
    expect(first.engine.article('gone')).toBeDefined();
    expect(first.problems.some((p) => p.file === 'broken.md')).toBe(true);
    await rm(join(dirs.contentDir, 'gone.md'));
    const second = await loadEngine(dirs);
    expect(second.parsed).toBe(0);
    expect(second.engine.article('gone')).toBeUndefined();
    expect(second.problems.some((p) => p.file === 'broken.md')).toBe(true);
  });
});

describe('start-up snapshot left half-written', () => {
  it("removes a gone writer's unfinished file, and keeps a live one's", async () => {
    const dirs = await setup();
    await mkdir(dirs.dataDir, { recursive: true });
    // A process that has exited: its pid names no process now.
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    const unfinished = (pid: number) => `snapshot.bin.${pid}-0-1.tmp`;
    await writeFile(join(dirs.dataDir, unfinished(gone)), 'half a snapshot');
    await writeFile(join(dirs.dataDir, unfinished(process.ppid)), 'being written');
    await loadEngine(dirs);
    expect((await readdir(dirs.dataDir)).sort()).toEqual(['snapshot.bin', unfinished(process.ppid)]);
  });
});

describe('start-up snapshot written in slices', () => {
  it('leaves the file table unread at start, checked apart when first needed', async () => {
    const { articles, matcher } = generateCorpus(await loadSeed(), { size: 300 });
    const files = new Map<string, FileEntry>(
      articles.map((a, i) => [
        `f${i}.md`,
        { size: i, mtimeMs: i, hash: `h${i}`, articles: [a], problems: [] },
      ]),
    );
    const file = join(await mkdtemp(join(tmpdir(), 'briefings-table-')), 'snapshot.bin');
    temps.push(dirname(file));
    await writeSnapshotFile(file, snapshotParts(articles, matcher, files));
    const hashes = (cache: { files: Map<string, FileEntry> }) => [...cache.files.values()].map((e) => e.hash);
    expect(hashes((await readSnapshotFile(file)).parseCache())).toEqual(hashes({ files }));

    const bytes = await readFile(file);
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength));
    const start = Math.ceil((12 + headerLength) / 8) * 8;
    const damage = async (section: string) => {
      const copy = Buffer.from(bytes);
      const at = start + (header.sections[section][0] as number) + 5;
      copy[at] = (copy[at] as number) ^ 0xff;
      await writeFile(file, copy);
    };
    // A damaged file table: the start goes on (it never read it); the table, once asked for, is
    // refused (every file is then parsed again). Read whole, the snapshot is refused.
    await damage('files');
    const started = await readSnapshotFile(file);
    expect(started.articles.map((a) => a.title)).toEqual(articles.map((a) => a.title));
    expect(started.parseCache().files.size).toBe(0);
    expect(() => decodeSnapshot(readFileSync(file), true)).toThrow(/checksum/);
    // Anything else damaged, the start refuses the snapshot.
    for (const section of ['hot', 'coldOffsets', 'index', 'derived']) {
      await damage(section);
      await expect(readSnapshotFile(file), section).rejects.toThrow(/checksum/);
    }
  });

  it('lets the event loop run between slices, and reads back every article and file', async () => {
    // More articles and files than a step handles, so every loop crosses its step boundaries.
    const { articles, matcher } = generateCorpus(await loadSeed(), { size: 4_500 });
    const files = new Map<string, FileEntry>();
    for (let i = 0; i < articles.length; i += 2)
      files.set(`f${i}.md`, {
        size: i,
        mtimeMs: i,
        hash: `h${i}`,
        articles: articles.slice(i, i + 2),
        problems: [],
      });
    const parts = snapshotParts(articles, matcher, files);
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const file = join(await mkdtemp(join(tmpdir(), 'briefings-pieces-')), 'snapshot.bin');
    temps.push(dirname(file));
    await writeSnapshotFile(file, parts);
    counting = false;
    expect(turns).toBeGreaterThan(5);

    const bytes = await readFile(file);
    // Made again without the writer (no slices, no file), the same bytes.
    expect(Buffer.concat([...snapshotPieces(parts)].filter((p) => p !== undefined)).equals(bytes)).toBe(true);
    const read = decodeSnapshot(bytes, true);
    expect(read.articles.map(plainArticle)).toEqual(articles.map(plainArticle));
    expect(Buffer.compare(read.index, parts.index)).toBe(0);
    expect(
      [...read.parseCache().files.entries()].map(([f, e]) => [f, e.hash, e.articles.map((a) => a.id)]),
    ).toEqual([...files.entries()].map(([f, e]) => [f, e.hash, e.articles.map((a) => a.id)]));
    // Written again from the articles it holds (as a later start does), the same bytes.
    const again = [...snapshotPieces({ ...parts, articles: read.articles, files: read.parseCache().files })];
    expect(Buffer.concat(again.filter((p) => p !== undefined)).equals(bytes)).toBe(true);
  });
});
