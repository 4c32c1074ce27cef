/**
 * watchTree (src/content/watch-tree.ts): a change anywhere under the root is reported, in the
 * directories there at the start, in one created later (and its files), and after a directory
 * went away.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TreeWatcher, watchTree } from '../../src/content/watch-tree.ts';

let root: string;
let watcher: TreeWatcher | undefined;
const seen: (string | null)[] = [];
const errors: Error[] = [];

afterEach(() => {
  watcher?.close();
  rmSync(root, { recursive: true, force: true });
  seen.length = 0;
  errors.length = 0;
});

/** Waits until `file` (relative to the root) has been reported. */
async function reported(file: string): Promise<void> {
  const started = Date.now();
  while (!seen.includes(file)) {
    if (Date.now() - started > 5000) throw new Error(`${file} not reported; saw ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The directories present at the start are listed asynchronously: give the walk a moment. */
const settle = () => new Promise((r) => setTimeout(r, 200));

describe('watchTree', () => {
  it('reports changes in nested directories, new ones included', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'briefings-watch-'));
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 'a', 'b', 'one.md'), 'one');
    watcher = watchTree(
      root,
      (file) => seen.push(file),
      (error) => errors.push(error),
    );
    await settle();

    writeFileSync(path.join(root, 'a', 'b', 'one.md'), 'one, edited in place');
    await reported(path.join('a', 'b', 'one.md'));
    writeFileSync(path.join(root, 'top.md'), 'top');
    await reported('top.md');

    mkdirSync(path.join(root, 'a', 'new'));
    await reported(path.join('a', 'new'));
    await settle();
    writeFileSync(path.join(root, 'a', 'new', 'two.md'), 'two');
    await reported(path.join('a', 'new', 'two.md'));

    rmSync(path.join(root, 'a', 'b'), { recursive: true });
    await reported(path.join('a', 'b'));
    writeFileSync(path.join(root, 'a', 'three.md'), 'three');
    await reported(path.join('a', 'three.md'));
    expect(errors).toEqual([]);
  });
});
