/** "More: /more" is offered where `/more` works (the console), not by the one-shot CLI. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole } from '../../adapters/console/index.ts';
import { runCli } from '../../src/cli.ts';
import { createBriefings } from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';
import { silentLogger } from '../../src/logger.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-paging-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the More hint', () => {
  it('is not printed by the CLI, which cannot act on /more; the range still shows there is more', async () => {
    let stdout = '';
    const code = await runCli(['latest', 'mexico'], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => {},
      env: { CONTENT_DIR: 'content', DATA_DIR: dataDir },
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/\(1–5 of \d+\)/);
    expect(stdout).not.toContain('/more');
  });

  it('is printed by the console, where /more pages on', async () => {
    const { engine } = await loadEngine({ contentDir: 'content', dataDir, logger: silentLogger });
    let out = '';
    const output = new Writable({
      write(chunk, _e, done) {
        out += String(chunk);
        done();
      },
    });
    const session = startConsole({
      briefings: createBriefings(engine),
      logger: silentLogger,
      input: Readable.from(['/latest mexico\n', '/more\n']),
      output,
      interactive: false,
    });
    await session.done;
    expect(out).toContain('More: /more');
    expect(out).toMatch(/\(6–10 of \d+\)/);
  });
});
