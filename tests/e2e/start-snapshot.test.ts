/**
 * A first start writes the start-up snapshot once the bot is up; a bot stopped before then (a
 * deploy right after a first start) writes it while stopping, so the next start reads it instead
 * of parsing every file again.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { startApp } from '../../adapters/main.ts';
import { loadEngine } from '../../src/content/load.ts';
import { silentLogger } from '../../src/logger.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes the snapshot when stopped as soon as it is up, and the next start reads it', async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-start-snapshot-'));
  const contentDir = path.join(dir, 'content');
  const dataDir = path.join(dir, 'data');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  const app = await startApp({
    env: { CONTENT_DIR: contentDir, DATA_DIR: dataDir, FEED_POLL_MINUTES: '0', LOG_LEVEL: 'silent' },
    logger: silentLogger,
    input: new PassThrough(),
    output: new PassThrough(),
    interactive: false,
  });
  // Stopped before the bot's own write, which comes once start-up work is done.
  await app.stop();
  expect(existsSync(path.join(dataDir, 'snapshot.bin'))).toBe(true);
  const again = await loadEngine({ contentDir, dataDir });
  expect(again.parsed).toBe(0);
}, 60_000);
