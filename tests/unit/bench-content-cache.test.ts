import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/content/load.ts';

/** The parsed-content cache that makes a warm start skip reading every article file. */
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

const cacheFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.startsWith('content')).sort();
/** The cache's key line: changes whenever a content file does. */
const cacheKey = async (dir: string) => (await readFile(join(dir, 'content.json'), 'latin1')).split('\n')[0];

describe('content cache', () => {
  it('answers the same from the cache, and notices an added article', async () => {
    const dirs = await setup();
    const first = await loadEngine(dirs);
    expect(await cacheFiles(dirs.dataDir)).toEqual(['content.json']);
    const key = await cacheKey(dirs.dataDir);
    const again = await loadEngine(dirs);
    expect(again.engine.version).toBe(first.engine.version);
    // Accents and other non-ASCII text survive the escaped cache exactly.
    expect(again.engine.articles).toEqual(first.engine.articles);
    expect(again.engine.articles.some((a) => /[áéíóúñ]/.test(a.body))).toBe(true);
    expect(again.engine.search('amlo', { limit: 3 }).hits.map((h) => h.article.id)).toEqual(
      first.engine.search('amlo', { limit: 3 }).hits.map((h) => h.article.id),
    );
    await writeFile(
      join(dirs.contentDir, 'zapatistas.md'),
      '---\ntitle: Zapatista caravan reaches Oaxaca\ndate: 2025-01-02\nurl: https://example.org/z\n---\n\nA caravan.\n',
    );
    const third = await loadEngine(dirs);
    expect(third.engine.size).toBe(first.engine.size + 1);
    expect(third.engine.search('zapatista').hits[0]?.article.title).toBe('Zapatista caravan reaches Oaxaca');
    // The stale cache is replaced, not kept beside the new one.
    expect(await cacheFiles(dirs.dataDir)).toEqual(['content.json']);
    expect(await cacheKey(dirs.dataDir)).not.toBe(key);
  });

  it('reads the files again when the cache is corrupt', async () => {
    const dirs = await setup();
    const first = await loadEngine(dirs);
    await writeFile(
      join(dirs.dataDir, 'content.json'),
      `${await cacheKey(dirs.dataDir)}\n{"format":2,"articles":`,
    );
    const second = await loadEngine(dirs);
    expect(second.engine.size).toBe(first.engine.size);
    expect(second.engine.version).toBe(first.engine.version);
  });
});
