import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/content/load.ts';
import { offThreadLoader } from '../../src/content/off-thread.ts';
import { type ReadContent, readContent } from '../../src/content/read.ts';
import { type ContentWatcher, watchContent } from '../../src/content/watch.ts';
import { silentLogger } from '../../src/logger.ts';

/**
 * A reload told which paths the watcher reported states only those (stating 100,000 files took
 * most of a reload): it must give what a full read gives for every kind of change, and the
 * watcher must pass on what it saw, or ask for a full read where it cannot say.
 */
const CONTENT = path.resolve(import.meta.dirname, '../../content');

const markdown = (id: string, title: string) =>
  `---\nid: ${id}\ntitle: ${title}\ndate: 2026-11-20\nurl: https://example.org/${id}\ntopics: [mexico]\n---\n\nTeachers march in Oaxaca.\n`;

const ids = (r: ReadContent) => r.content.articles.map((a) => `${a.id} ${a.title}`);

let dir: string;
let contentDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-changed-'));
  contentDir = path.join(dir, 'content');
  cpSync(CONTENT, contentDir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a first read (no parse cache)', () => {
  it('records the size and time of each file as it was read, so the next read reuses every file', () => {
    writeFileSync(path.join(contentDir, 'one.md'), markdown('one', 'Report one'));
    const first = readContent(contentDir);
    expect(first.parsed).toBeGreaterThan(1);
    for (const [file, entry] of first.cache.files) {
      const { size, mtimeMs } = statSync(path.join(contentDir, file));
      expect([file, entry.size, entry.mtimeMs]).toEqual([file, size, mtimeMs]);
    }
    const again = readContent(contentDir, { prior: first.cache });
    expect(again.parsed).toBe(0);
    expect(again.content.fingerprint).toBe(first.content.fingerprint);
  });
});

describe('a read told which paths changed', () => {
  it('gives what a full read gives: files added, edited, removed and renamed, directories added and removed', () => {
    const write = (file: string, id: string, title = `Report ${id}`) => {
      mkdirSync(path.dirname(path.join(contentDir, file)), { recursive: true });
      writeFileSync(path.join(contentDir, file), markdown(id, title));
    };
    write('live/edit.md', 'edit');
    write('live/gone.md', 'gone');
    write('live/r1.md', 'renamed');
    write('live/old/a.md', 'old-a');
    write('live/old/deep/b.md', 'old-b');
    const first = readContent(contentDir);
    expect(first.cache.dirs).toEqual(['', 'live', 'live/old', 'live/old/deep']);

    write('live/new/deeper/c.md', 'new-c');
    write('live/edit.md', 'edit', 'Report edited in place');
    unlinkSync(path.join(contentDir, 'live/gone.md'));
    rmSync(path.join(contentDir, 'live/old'), { recursive: true });
    renameSync(path.join(contentDir, 'live/r1.md'), path.join(contentDir, 'live/r2.md'));
    const changed = ['live/new', 'live/edit.md', 'live/gone.md', 'live/old', 'live/r1.md', 'live/r2.md'];
    const told = readContent(contentDir, { prior: first.cache, changed });
    const full = readContent(contentDir, { prior: first.cache });

    expect(ids(told)).toEqual(ids(full));
    expect(ids(told)).toContain('edit Report edited in place');
    expect(ids(told).filter((a) => /^(gone|old-a|old-b) /.test(a))).toEqual([]);
    expect(told.content.fingerprint).toBe(full.content.fingerprint);
    expect(told.dirs).toEqual(full.dirs);
    expect(told.dirTimes).toEqual(full.dirTimes);
    expect(told.cache.dirs).toEqual(['', 'live', 'live/new', 'live/new/deeper']);
    // Only the edited, renamed and new files were read again.
    expect(told.parsed).toBe(3);
  });

  it('states nothing it was not told of, until a full read', () => {
    const first = readContent(contentDir);
    writeFileSync(path.join(contentDir, 'unreported.md'), markdown('unreported', 'Unreported'));
    const told = readContent(contentDir, { prior: first.cache, changed: [] });
    expect(told.content.fingerprint).toBe(first.content.fingerprint);
    expect(ids(readContent(contentDir, { prior: told.cache }))).toContain('unreported Unreported');
    // A read whose prior did not list the tree (the snapshot's) states every file.
    const { dirs: _, ...unlisted } = told.cache;
    expect(ids(readContent(contentDir, { prior: unlisted, changed: [] }))).toContain('unreported Unreported');
  });
});

describe('the watcher', () => {
  let watcher: ContentWatcher | undefined;
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
  });

  /** A watcher whose loads go to a worker, recording what each was told had changed. */
  async function watching(fullCheckMs: number) {
    const { engine } = await loadEngine({ contentDir });
    const loader = offThreadLoader();
    const told: (readonly string[] | undefined)[] = [];
    const added: string[][] = [];
    watcher = watchContent({
      contentDir,
      logger: silentLogger,
      current: engine,
      debounceMs: 50,
      fullCheckMs,
      load: (options) => {
        told.push(options.changed);
        return loader.load(options);
      },
      onReload: (r) => {
        added.push(r.added);
      },
    });
    const close = watcher.close;
    watcher.close = async () => {
      await close();
      await loader.close();
    };
    // Bounded: the system's events arrive within milliseconds; the test allows seconds.
    const reloaded = async (n: number) => {
      for (let i = 0; i < 200 && added.length < n; i++) await new Promise((r) => setTimeout(r, 25));
      expect(added.length).toBe(n);
    };
    return { told, added, reloaded, watcher };
  }

  it('passes on the paths it saw; an explicit reload states every file', async () => {
    const { told, added, reloaded, watcher } = await watching(60_000);
    // The worker's first load has nothing to compare with: it states every file whatever it is told.
    writeFileSync(path.join(contentDir, 'first.md'), markdown('first', 'First'));
    await reloaded(1);
    writeFileSync(path.join(contentDir, 'second.md'), markdown('second', 'Second'));
    await reloaded(2);
    expect(told[1]).toEqual(['second.md']);
    expect(added[1]).toEqual(['second']);
    writeFileSync(path.join(contentDir, 'third.md'), markdown('third', 'Third'));
    const explicit = await watcher.reload();
    expect(explicit?.added).toEqual(['third']);
    expect(told).toContain(undefined);
  });

  it('states every file when the last full check is older than fullCheckMs', async () => {
    const { told, reloaded } = await watching(0);
    writeFileSync(path.join(contentDir, 'first.md'), markdown('first', 'First'));
    await reloaded(1);
    expect(told).toEqual([undefined]);
  });
});
