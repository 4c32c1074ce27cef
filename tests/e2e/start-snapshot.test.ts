/**
 * A first start writes the start-up snapshot once the bot is up; a bot stopped before then (a
 * deploy right after a first start) writes it while stopping, so the next start reads it instead
 * of parsing every file again. Real processes: the bot as `npm start` runs it, on the console.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startToFirstAnswer } from '../../bench/cold.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes the snapshot when stopped right after the first answer, and the next start reads it', async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefings-start-snapshot-'));
  const contentDir = path.join(dir, 'content');
  const dataDir = path.join(dir, 'data');
  cpSync(path.resolve('content'), contentDir, { recursive: true });
  // Each start answers one console command and is sent SIGTERM as soon as it has.
  const first = await startToFirstAnswer(contentDir, dataDir);
  expect(first.index).toBe('built');
  expect(existsSync(path.join(dataDir, 'snapshot.bin'))).toBe(true);
  const second = await startToFirstAnswer(contentDir, dataDir);
  expect(second.index).toBe('snapshot');
}, 60_000);
