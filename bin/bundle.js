/**
 * The bot runs as one JavaScript bundle of its TypeScript sources, built here on the first run and
 * whenever a source changes, so a clean clone needs no build step and an edit is never served
 * stale. Loading the bundle takes a fraction of compiling every module through tsx at each start.
 *
 * Pure JavaScript packages are bundled too (see EXTERNAL). A build is keyed by a hash of every
 * source file's path, size and modification time (src/, adapters/, this file, tsconfig.json) and
 * of npm's lock files (which change with any install): stating them costs a few milliseconds.
 * Builds go to `dist/bundle/<key>/`, written under a temporary name and renamed into place, so
 * processes starting at once never see half a build. Dynamic imports stay lazy (code splitting): a
 * console start never loads discord.js. The content workers (reload, parsing pool) are entries of
 * their own.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SOURCES = [
  'src',
  'adapters',
  'bin/bundle.js',
  'tsconfig.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
];
const BUNDLES = join(ROOT, 'dist', 'bundle');
/**
 * Earlier builds kept besides the current one: a bot started from one of them still finds the
 * parts it loads later (a platform's library adapter, the content worker).
 */
const KEEP = 3;

/** The build key: every source file's path, size and modification time, hashed (missing ones skipped). */
export function sourceKey() {
  const hash = createHash('sha256');
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else {
      hash.update(`${relative(ROOT, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const source of SOURCES) visit(join(ROOT, source));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Packages loaded from node_modules rather than bundled: native modules, the platforms' libraries
 * (loaded only when a platform starts), pg (an optional native binding) and pino (its transports
 * load files by path). The rest are bundled: the module loader resolving and reading each of their
 * files cost a bot a fifth of a second at every start.
 */
const EXTERNAL = ['better-sqlite3', 'discord.js', 'grammy', '@grammyjs/runner', 'pg', 'pino', 'esbuild'];

async function build(outdir) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      main: 'adapters/main.ts',
      'load-thread': 'src/content/load-thread.ts',
      'parse-thread': 'src/content/parse-thread.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS packages require Node's built-ins; in an ES module that needs a `require`.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    sourcemap: true,
    logLevel: 'silent',
  });
}

/** Removes all but the newest KEEP builds other than `current`. */
function prune(current) {
  const older = readdirSync(BUNDLES)
    .filter((name) => name !== current)
    .map((name) => ({ name, at: statSync(join(BUNDLES, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of older.slice(KEEP)) rmSync(join(BUNDLES, name), { recursive: true, force: true });
}

/** The URL of the bundle's entry for the sources as they are now, built first if needed. */
export async function bundledMain() {
  const key = sourceKey();
  const dir = join(BUNDLES, key);
  if (!existsSync(join(dir, 'main.js'))) {
    const temporary = `${dir}.${process.pid}.tmp`;
    try {
      await build(temporary);
      renameSync(temporary, dir);
      prune(key);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      // Another process finishing the same build first is fine; anything else is not.
      if (!existsSync(join(dir, 'main.js'))) throw error;
    }
  }
  return pathToFileURL(join(dir, 'main.js')).href;
}
