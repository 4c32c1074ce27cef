import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, loadSeed, writeContentDir } from '../../bench/corpus.ts';
import { readContentPooled } from '../../src/content/parse-pool.ts';
import { readContent } from '../../src/content/read.ts';
import type { AnalysedDocs } from '../../src/search/documents.ts';
import { Engine } from '../../src/search/engine.ts';
import type { Article } from '../../src/types.ts';

/** Parsing content files on worker threads gives exactly what one thread gives. */
let root: string;
let contentDir: string;
const now = new Date('2026-11-28T00:00:00Z');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'briefings-pool-'));
  contentDir = join(root, 'content');
  const corpus = generateCorpus(await loadSeed(), { size: 600, seed: 7 });
  await writeContentDir(corpus, 'content', contentDir);
  // The seed listings too (they need sources.yaml), and two broken files among the rest.
  await cp('content', contentDir, { recursive: true });
  await writeFile(
    join(contentDir, 'synthetic', 'zz-bad-date.md'),
    '---\nid: bad-date\ntitle: A\ndate: 2025-13-45\n---\n\nText.\n',
  );
  await writeFile(
    join(contentDir, 'synthetic', 'zz-same-id.md'),
    '---\nid: syn-7-5\ntitle: Same id\ndate: 2025-01-02\nurl: https://example.org/x\n---\n\nText.\n',
  );
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('parsing pool', () => {
  it('gives the single-thread articles, problems, fingerprint and index', async () => {
    const aloneDocs = new WeakMap<Article, AnalysedDocs>();
    const pooledDocs = new WeakMap<Article, AnalysedDocs>();
    const alone = readContent(contentDir, { now, analysed: aloneDocs });
    const pooled = await readContentPooled(contentDir, {
      now,
      analysed: pooledDocs,
      poolFrom: 1,
      threads: 2,
      alongside: false,
    });
    expect(pooled.parsed).toBe(alone.parsed);
    expect(pooled.content.articles.length).toBeGreaterThan(600);
    expect(pooled.content.articles).toEqual(alone.content.articles);
    expect(pooled.content.problems).toEqual(alone.content.problems);
    expect(pooled.content.fingerprint).toBe(alone.content.fingerprint);
    expect([...pooled.cache.files.keys()]).toEqual([...alone.cache.files.keys()]);
    // Every article's index documents came back from the workers, and index as one thread's do.
    const docsOf = (read: typeof alone, docs: WeakMap<Article, AnalysedDocs>) =>
      read.content.articles.map((a) => docs.get(a));
    expect(docsOf(pooled, pooledDocs).every(Boolean)).toBe(true);
    expect(docsOf(pooled, pooledDocs)).toEqual(docsOf(alone, aloneDocs));
    const index = (read: typeof alone, docs?: WeakMap<Article, AnalysedDocs>) =>
      Buffer.from(Engine.build(read.content, docs).indexBytes()).toString('base64');
    expect(index(pooled, pooledDocs)).toBe(index(alone));
  }, 60_000);

  it('names a malformed file and its field, skips it, and serves the rest', async () => {
    const pooled = await readContentPooled(contentDir, { now, poolFrom: 1, threads: 1, alongside: false });
    const bad = pooled.content.problems.find((p) => p.file === 'synthetic/zz-bad-date.md');
    expect(bad).toMatchObject({ field: 'date', outcome: 'file skipped' });
    const twice = pooled.content.problems.find((p) => p.file === 'synthetic/zz-same-id.md');
    expect(twice).toMatchObject({ field: 'id', outcome: 'file skipped' });
    expect(pooled.content.articles.some((a) => a.id === 'bad-date')).toBe(false);
    expect(pooled.content.articles.filter((a) => a.id === 'syn-7-5')).toHaveLength(1);
  }, 60_000);

  it('reuses prior parses as one thread does', async () => {
    const first = readContent(contentDir, { now });
    const again = await readContentPooled(contentDir, { now, prior: first.cache, poolFrom: 1, threads: 1 });
    expect(again.parsed).toBe(0);
    expect(again.content.articles).toEqual(first.content.articles);
  }, 60_000);
});
