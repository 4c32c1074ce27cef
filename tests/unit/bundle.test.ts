/**
 * `bin/briefings.js` runs a bundle of the sources (bin/bundle.js): built on the first run, built
 * again once a source changes or packages are installed, loading at start only what a start
 * needs, and the bundled bot answers and reloads content through its worker
 * thread. Each test runs a real process on a copy of the project, so builds here never touch the
 * checkout's own bundle.
 */
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let root: string;
let contentDir: string;
let env: NodeJS.ProcessEnv;

const bundles = () => readdirSync(path.join(root, 'dist', 'bundle'));
const newestBundle = () =>
  bundles()
    .map((name) => ({ name, at: statSync(path.join(root, 'dist', 'bundle', name)).mtimeMs }))
    .sort((a, b) => b.at - a.at)[0]?.name as string;
const cli = (...args: string[]) =>
  run(process.execPath, [path.join(root, 'bin', 'briefings.js'), ...args], {
    env,
    cwd: root,
    timeout: 60_000,
  });

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'briefings-bundle-'));
  for (const part of ['bin', 'src', 'adapters', 'tsconfig.json', 'package.json'])
    cpSync(path.resolve(part), path.join(root, part), { recursive: true });
  symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
  contentDir = path.join(root, 'content');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  env = {
    ...process.env,
    CONTENT_DIR: contentDir,
    DATA_DIR: path.join(root, 'data'),
    LOG_LEVEL: 'info',
    TELEGRAM_BOT_TOKEN: '',
    DISCORD_TOKEN: '',
    FEED_POLL_MINUTES: '0',
  };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the bundled executable', () => {
  it('builds the bundle on the first run and answers a search from it', async () => {
    const { stdout } = await cli('search', 'teachers', 'strike');
    expect(stdout).toMatch(/teacher/i);
    expect(bundles()).toHaveLength(1);
    expect(readdirSync(path.join(root, 'dist', 'bundle', bundles()[0] as string))).toContain(
      'load-thread.js',
    );
    // Unchanged sources: the same bundle serves the next run.
    await cli('--help');
    expect(bundles()).toHaveLength(1);
  });

  it('builds again once a source changed, and serves the change', async () => {
    const file = path.join(root, 'src', 'cli.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "description: 'articles by relevance'",
        "description: 'edited since'",
      ),
    );
    const { stdout } = await cli('--help');
    expect(stdout).toContain('edited since');
    expect(bundles()).toHaveLength(2);
  });

  it('builds again after an install (npm rewrites its lock files)', async () => {
    const before = bundles().length;
    writeFileSync(path.join(root, 'package-lock.json'), readFileSync('package-lock.json'));
    await cli('--help');
    expect(bundles()).toHaveLength(before + 1);
  });

  it("starts without loading the platforms' libraries or the feed parsers", async () => {
    await cli('--help');
    const dir = path.join(root, 'dist', 'bundle', newestBundle());
    // What `main.js` imports statically, file by file: what every start loads.
    const files = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      const code = readFileSync(path.join(dir, file), 'utf8');
      for (const [, specifier] of code.matchAll(/^(?:import|export)\b[^;]*?["']([^"']+)["'];?$/gm)) {
        if (specifier?.startsWith('./')) visit(specifier.slice(2));
        else if (specifier && !specifier.startsWith('node:')) packages.add(specifier);
      }
      const map = JSON.parse(readFileSync(path.join(dir, `${file}.map`), 'utf8')) as { sources: string[] };
      for (const source of map.sources) {
        const bundled = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
        if (bundled) packages.add(bundled);
      }
    };
    visit('main.js');
    expect(packages).toContain('zod'); // bundled packages are seen
    expect(packages).toContain('pino'); // and external ones
    for (const lazy of ['discord.js', 'grammy', 'feedsmith', 'fast-xml-parser', 'html-to-text', 'pg'])
      expect(packages, lazy).not.toContain(lazy);
  });

  it('answers a console command at start and reloads an added article on its worker thread', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'briefings.js'), 'start'], {
      env,
      cwd: root,
    });
    let out = '';
    let logs = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      logs += d;
    });
    const until = (done: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const check = setInterval(() => {
          if (done()) resolve();
          else if (Date.now() - started > 30_000) reject(new Error(`no ${what}: ${logs.slice(-2000)}`));
          else return;
          clearInterval(check);
        }, 50);
      });
    try {
      child.stdin.write('/latest mexico\n');
      await until(() => out.includes('Latest on Mexico'), 'answer');
      writeFileSync(
        path.join(contentDir, 'bundled-worker.md'),
        '---\nid: bundled-worker\ntitle: Nurses walk out in Puebla\ndate: 2026-11-20\nurl: https://example.org/bw\n---\n\nNurses walked out in Puebla.\n',
      );
      await until(() => logs.includes('"content reloaded"'), 'reload');
      child.stdin.end('/article bundled-worker\n');
      await until(() => out.includes('Nurses walk out in Puebla'), 'answer from the reloaded content');
    } finally {
      // Waited for: a bot stopping writes its snapshot, which the directory's removal would race.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
  });
});
