/**
 * The bot as `npm start` runs it (startApp, the console, its content watcher) keeps no engine it
 * has replaced: each reload swaps in a whole new index, so one held by the start-up code would keep
 * an archive's worth of memory for the life of the process.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../adapters/main.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Engine } from '../../src/search/engine.ts';
import { waitFor } from '../fakes/discord/index.ts';

let dir: string;
let app: App | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-lifetime-'));
  cpSync(path.resolve('content'), path.join(dir, 'content'), { recursive: true });
});

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const article = (id: string) =>
  `---\nid: ${id}\ntitle: Wombats ${id}\ndate: 2026-11-20\nurl: https://example.org/${id}\n---\n\nWombats dig burrows in ${id}.\n`;

describe('engine lifetime in the running bot', () => {
  it('lets the start-up engine and each replaced one be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    app = await startApp({
      env: {
        CONTENT_DIR: path.join(dir, 'content'),
        DATA_DIR: path.join(dir, 'data'),
        FEED_POLL_MINUTES: '0',
        LOG_LEVEL: 'silent',
      },
      logger: silentLogger,
      // The console, kept open and quiet: no platform token is set.
      input: new PassThrough(),
      output: new PassThrough(),
      interactive: false,
      contentDebounceMs: 50,
    });
    const running = app;
    // Only weak references here: a strong one in this suspended test would itself keep an engine.
    const reloadAdding = async (id: string): Promise<WeakRef<Engine>> => {
      const before = new WeakRef(running.briefings.engine);
      writeFileSync(path.join(dir, 'content', `${id}.md`), article(id));
      await waitFor(
        () => running.briefings.engine.article(id) !== undefined,
        30_000,
        `the reload adding ${id}`,
      );
      return before;
    };
    const replaced: WeakRef<Engine>[] = [];
    for (const id of ['lifetime-1', 'lifetime-2', 'lifetime-3']) replaced.push(await reloadAdding(id));
    // A weak reference holds its target until the job that made it ends.
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(replaced.map((ref) => ref.deref() !== undefined)).toEqual([false, false, false]);
    expect(running.briefings.engine.search('wombats').total).toBe(3);
  });
});
