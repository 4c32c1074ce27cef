/**
 * Starts the whole app the way `npm start` does (startApp with an environment), pointed at a fake
 * Bot API, with logs captured for assertions and a temporary data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { startApp } from '../../../adapters/main.ts';
import { createLogger } from '../../../src/logger.ts';
import type { FakeTelegram } from './index.ts';

export interface RunningBot {
  /** Parsed JSON log lines written so far. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startBotAgainst(
  fake: FakeTelegram,
  env: Record<string, string> = {},
): Promise<RunningBot> {
  const dataDir = await mkdtemp(join(tmpdir(), 'briefings-telegram-'));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = await startApp({
    env: {
      CONTENT_DIR: resolve('content'),
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ...env,
    },
    logger: createLogger('info', sink),
    input: Readable.from([]),
    interactive: false,
  });
  return {
    logs,
    async stop() {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
