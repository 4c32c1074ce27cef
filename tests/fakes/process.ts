/**
 * Runs `briefings start` as a real child process (node bin/briefings.js), for tests of what only a
 * process shows: signals, exit codes, how long stopping takes. Logs (JSON lines on stderr) are
 * parsed as they come; anything else on stderr is kept as text.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface BotProcess {
  child: ChildProcess;
  /** Parsed log lines so far. */
  logs: Record<string, unknown>[];
  /** stderr lines that are not JSON (messages for the operator, stack traces). */
  text: string[];
  /** Resolves with the exit code (or the signal's name) and when it happened. */
  exited: Promise<{ code: number | string; at: number }>;
  /** Waits for a log line whose `msg` matches; fails after `timeoutMs` or if the process exits. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The exit, if it happens within `ms`; undefined otherwise (the process keeps running). */
  exitWithin(ms: number): Promise<{ code: number | string; at: number } | undefined>;
  /** Sends `signal`, then resolves with the exit code and the milliseconds it took; kills after `limitMs`. */
  signalAndWait(signal: NodeJS.Signals, limitMs: number): Promise<{ code: number | string; ms: number }>;
  /** Kills the process if still running and removes its data directory. */
  cleanup(): Promise<void>;
}

export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'briefings-process-'));
  const child = spawn(process.execPath, [resolve('bin/briefings.js'), 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      CONTENT_DIR: resolve('content'),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const text: string[] = [];
  let buffered = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        text.push(line);
      }
    }
  });
  let exitedAt: { code: number | string; at: number } | undefined;
  const exited = new Promise<{ code: number | string; at: number }>((done) => {
    child.on('exit', (code, signal) => {
      exitedAt = { code: code ?? signal ?? 'unknown', at: Date.now() };
      done(exitedAt);
    });
  });

  const waitForLog: BotProcess['waitForLog'] = async (msg, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg))));
      if (found) return found;
      if (exitedAt)
        throw new Error(
          `process exited (${exitedAt.code}) before logging "${msg}"; stderr: ${text.join('\n')}`,
        );
      if (Date.now() > deadline) throw new Error(`timed out waiting for log "${msg}"`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  return {
    child,
    logs,
    text,
    exited,
    waitForLog,
    async exitWithin(ms) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), ms);
      });
      const outcome = await Promise.race([exited, limit]);
      clearTimeout(timer);
      return outcome;
    },
    async signalAndWait(signal, limitMs) {
      const sent = Date.now();
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'limit'>((r) => {
        timer = setTimeout(r, limitMs, 'limit');
      });
      const outcome = await Promise.race([exited, limit]);
      clearTimeout(timer);
      if (outcome === 'limit') {
        child.kill('SIGKILL');
        return { code: 'still running', ms: Date.now() - sent };
      }
      return { code: outcome.code, ms: outcome.at - sent };
    },
    async cleanup() {
      if (!exitedAt) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
