/**
 * The Bot API transformer that replaced auto-retry: bounded retries with one log line each for
 * network errors and 5xx, 429 waited out up to a cap, and everything cut short on shutdown.
 */

import { Writable } from 'node:stream';
import { HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { boundedRetry, ShutdownError } from '../../adapters/telegram/retry.ts';
import { createLogger } from '../../src/logger.ts';

type Result =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

function setup(
  answers: (Result | Error | 'hang')[],
  options: Partial<Parameters<typeof boundedRetry>[0]> = {},
) {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const calls: string[] = [];
  const prev = (method: string, _payload: unknown, signal?: AbortSignal) => {
    calls.push(method);
    const next = answers.shift() ?? { ok: true, result: 'done' };
    if (next === 'hang')
      return new Promise((_r, reject) =>
        signal?.addEventListener('abort', () => reject(new HttpError('aborted', new Error('abort')))),
      );
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const transformer = boundedRetry({ logger: createLogger('info', sink), baseDelayMs: 5, ...options });
  // biome-ignore lint/suspicious/noExplicitAny: the transformer's grammY types are not needed here
  const call = (method: string, signal?: AbortSignal) => (transformer as any)(prev, method, {}, signal);
  return { logs, calls, call };
}

const refused = () =>
  new HttpError(
    "Network request for 'sendMessage' failed!",
    Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  );

describe('boundedRetry', () => {
  it('retries network errors three times with a log line each, then throws', async () => {
    const { logs, calls, call } = setup([refused(), refused(), refused(), refused(), refused()]);
    await expect(call('sendMessage')).rejects.toBeInstanceOf(HttpError);
    expect(calls).toHaveLength(4);
    const retrying = logs.filter((l) => l.msg === 'telegram request failed; retrying');
    expect(retrying.map((l) => [l.attempt, l.retriesLeft, l.reason])).toEqual([
      [1, 3, 'ECONNREFUSED'],
      [2, 2, 'ECONNREFUSED'],
      [3, 1, 'ECONNREFUSED'],
    ]);
    expect(logs.at(-1)).toMatchObject({ msg: 'telegram request failed; giving up', attempts: 4 });
  });

  it('recovers from a 5xx and says so', async () => {
    const { logs, call } = setup([{ ok: false, error_code: 502, description: 'Bad Gateway' }]);
    await expect(call('sendMessage')).resolves.toMatchObject({ ok: true });
    expect(logs.map((l) => l.msg)).toEqual(['telegram request failed; retrying', 'telegram reachable again']);
  });

  it('returns a 400 at once', async () => {
    const { calls, call } = setup([{ ok: false, error_code: 400, description: 'Bad Request' }]);
    await expect(call('sendMessage')).resolves.toMatchObject({ ok: false, error_code: 400 });
    expect(calls).toHaveLength(1);
  });

  it('waits out a short retry_after but hands back a long one', async () => {
    const short = setup([
      { ok: false, error_code: 429, description: 'Too Many', parameters: { retry_after: 0 } },
    ]);
    await expect(short.call('sendMessage')).resolves.toMatchObject({ ok: true });
    const long = setup(
      [{ ok: false, error_code: 429, description: 'Too Many', parameters: { retry_after: 3600 } }],
      {
        maxRetryAfterSeconds: 60,
      },
    );
    await expect(long.call('sendMessage')).resolves.toMatchObject({ ok: false, error_code: 429 });
    expect(long.calls).toHaveLength(1);
  });

  it('gives getMe (start-up) four retries', async () => {
    const { calls, call } = setup(Array.from({ length: 9 }, refused));
    await expect(call('getMe')).rejects.toBeInstanceOf(HttpError);
    expect(calls).toHaveLength(5);
  });

  it('aborts a hanging call and any retry at once on shutdown', async () => {
    const shutdown = new AbortController();
    const { call } = setup(['hang'], { shutdown: shutdown.signal });
    const pending = call('sendMessage');
    setTimeout(() => shutdown.abort(), 20);
    const started = Date.now();
    await expect(pending).rejects.toBeInstanceOf(ShutdownError);
    expect(Date.now() - started).toBeLessThan(1_000);

    const waiting = setup([refused()], { shutdown: shutdown.signal, baseDelayMs: 60_000 });
    await expect(waiting.call('sendMessage')).rejects.toBeInstanceOf(ShutdownError);
  });

  it('aborts a back-off wait when shutdown comes during it', async () => {
    const shutdown = new AbortController();
    const { calls, call } = setup([refused()], { shutdown: shutdown.signal, baseDelayMs: 60_000 });
    const pending = call('sendMessage');
    setTimeout(() => shutdown.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(ShutdownError);
    expect(calls).toHaveLength(1);
  });
});
