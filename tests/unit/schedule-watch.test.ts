import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LoadEngineOptions, loadEngine } from '../../src/content/load.ts';
import { type ContentReload, type ContentWatcher, watchContent } from '../../src/content/watch.ts';
import { silentLogger } from '../../src/logger.ts';

const CONTENT = path.resolve(import.meta.dirname, '../../content');

const markdown = (id: string, title: string) =>
  `---\nid: ${id}\ntitle: ${title}\ndate: 2026-11-20\nurl: https://example.org/${id}\ntopics: [mexico]\n---\n\nStrikes spread across Mexico as teachers march in Oaxaca.\n`;

describe('content watcher', () => {
  let dir: string;
  let watcher: ContentWatcher | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-watch-'));
    cpSync(CONTENT, path.join(dir, 'content'), { recursive: true });
  });
  afterEach(async () => {
    await watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start() {
    const contentDir = path.join(dir, 'content');
    const dataDir = path.join(dir, 'data');
    const { engine } = await loadEngine({ contentDir, dataDir });
    const reloads: ContentReload[] = [];
    let loads = 0;
    const load = (o: LoadEngineOptions) => {
      loads++;
      return loadEngine(o);
    };
    watcher = watchContent({
      contentDir,
      dataDir,
      logger: silentLogger,
      current: engine,
      debounceMs: 1000,
      load,
      onReload: (r) => {
        reloads.push(r);
      },
    });
    return { contentDir, engine, reloads, loads: () => loads };
  }

  it('re-indexes when an article is dropped in and reports only the new ids', async () => {
    const { contentDir, engine, reloads } = await start();
    writeFileSync(path.join(contentDir, 'new-strike.md'), markdown('new-strike', 'Teachers strike again'));
    await vi.waitFor(() => expect(reloads).toHaveLength(1), { timeout: 20_000, interval: 50 });
    expect(reloads[0]?.added).toEqual(['new-strike']);
    expect(reloads[0]?.removed).toEqual([]);
    expect(reloads[0]?.engine.articles).toHaveLength(engine.articles.length + 1);
    expect(reloads[0]?.engine.matching('mexico')[0]?.id).toBe('new-strike');
  });

  it('folds a burst of files into one reload and ignores hidden files', async () => {
    const { contentDir, reloads, loads } = await start();
    writeFileSync(path.join(contentDir, '.draft.md.swp'), 'not content');
    for (let i = 0; i < 5; i++)
      writeFileSync(path.join(contentDir, `burst-${i}.md`), markdown(`burst-${i}`, `Burst ${i}`));
    await vi.waitFor(() => expect(reloads).toHaveLength(1), { timeout: 20_000, interval: 50 });
    expect(reloads[0]?.added.sort()).toEqual(['burst-0', 'burst-1', 'burst-2', 'burst-3', 'burst-4']);
    expect(loads()).toBe(1);
  });

  it('reloads on demand and reports nothing when nothing changed', async () => {
    const { contentDir, reloads } = await start();
    expect(await watcher?.reload()).toBeUndefined();
    writeFileSync(path.join(contentDir, 'cli-added.md'), markdown('cli-added', 'Added through the CLI'));
    const reload = await watcher?.reload();
    expect(reload?.added).toEqual(['cli-added']);
    expect(reloads.map((r) => r.added)).toContainEqual(['cli-added']);
  });
});
