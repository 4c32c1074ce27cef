/**
 * Watches a directory tree for changes to the files in it. Where the system watches a tree itself
 * (macOS, Windows), that is one recursive watcher. Elsewhere Node emulates a recursive watch by
 * stating and watching every file, on the calling thread: seconds at 100,000 files, right when the
 * bot starts, and a timer per file after. There, one watcher per directory: the system reports
 * changes to every file a directory holds. Directories are listed asynchronously (a start does not
 * wait for them), and a directory created or moved in later is watched as it appears.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface TreeWatcher {
  close(): void;
}

const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';

/**
 * Calls `onChange` with the changed path relative to `root` (null when the system does not say)
 * for every file event under `root`.
 */
export function watchTree(
  root: string,
  onChange: (file: string | null) => void,
  onError: (error: Error) => void,
): TreeWatcher {
  if (NATIVE_RECURSIVE) {
    const watcher = watch(root, { recursive: true, persistent: false }, (_event, file) =>
      onChange(file === null ? null : String(file)),
    );
    watcher.on('error', onError);
    return { close: () => watcher.close() };
  }

  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  async function add(dir: string): Promise<void> {
    if (closed || watchers.has(dir)) return;
    const watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name === null) return onChange(null);
      onChange(relative(root, join(dir, String(name))));
      void entryChanged(join(dir, String(name)));
    });
    watcher.on('error', onError);
    watchers.set(dir, watcher);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => add(join(dir, e.name))));
  }

  /** A directory that appeared is watched (with what it holds); one that went is forgotten. */
  async function entryChanged(path: string): Promise<void> {
    const isDirectory = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDirectory) {
      if (watchers.has(path)) return;
      await add(path).catch(onError);
      // Files may have landed in it before its watcher did: one more event covers them.
      onChange(relative(root, path));
      return;
    }
    for (const [dir, watcher] of watchers) {
      if (dir === path || dir.startsWith(`${path}${sep}`)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
  }

  add(root).catch(onError);
  return {
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
