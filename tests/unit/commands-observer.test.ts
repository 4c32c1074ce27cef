/**
 * The query observer of `createBriefings`: the one place every command, inline query and
 * autocomplete request passes, so metrics see each exactly once, with the platform from the
 * request context and how it ended.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBriefings, type QueryObserver, type SubscriptionHandler } from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';
import type { Engine } from '../../src/search/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = (await loadEngine({ contentDir: 'content' })).engine;
});

type Seen = Parameters<QueryObserver>[0];
const recorder = () => {
  const seen: Seen[] = [];
  return { seen, observer: ((q) => seen.push(q)) satisfies QueryObserver };
};
const chat = {
  platform: 'discord' as const,
  chatId: '1',
  userId: '2',
  userCanManage: true,
  botCanPost: true,
  isPrivate: false,
};

describe('query observer', () => {
  it('sees each command once, with its platform, kind, outcome and a duration', async () => {
    const { seen, observer } = recorder();
    const b = createBriefings(engine, { observer });
    await b.run('/latest mexico', { chat });
    await b.run('/brief', { platform: 'telegram' }); // empty topic: bad input, shown to the user
    await b.execute({ kind: 'article', id: 'no-such-id' }, { platform: 'console' });
    await b.run('/latest@otherbot mexico', { botUsername: 'briefings_bot' }); // not ours: not a query
    await b.inline('honduras', '', { platform: 'telegram' });
    b.complete('mex', 25, { platform: 'discord' });
    b.complete('mex');
    expect(seen.map(({ platform, command, outcome }) => [platform, command, outcome])).toEqual([
      ['discord', 'latest', 'ok'],
      ['telegram', 'brief', 'rejected'],
      ['console', 'article', 'rejected'],
      ['telegram', 'inline', 'ok'],
      ['discord', 'autocomplete', 'ok'],
      ['unknown', 'autocomplete', 'ok'],
    ]);
    for (const q of seen) expect(q.seconds).toBeGreaterThanOrEqual(0);
    expect(seen.every((q) => q.seconds < 5)).toBe(true);
  });

  it('reports a failing command as an error and still throws it', async () => {
    const { seen, observer } = recorder();
    const failing: SubscriptionHandler = {
      handle: async () => {
        throw new Error('database down');
      },
    };
    const b = createBriefings(engine, { observer, subscriptions: failing });
    await expect(b.run('/subscribe mexico', { chat })).rejects.toThrow('database down');
    expect(seen.map((q) => [q.platform, q.command, q.outcome])).toEqual([['discord', 'subscribe', 'error']]);
  });

  it('never lets a broken observer reach the user', async () => {
    const b = createBriefings(engine, {
      observer: () => {
        throw new Error('metrics broke');
      },
    });
    const reply = await b.run('/latest mexico', { chat });
    expect(reply?.kind).toBe('cards');
    expect(b.complete('mex', 5).length).toBeGreaterThan(0);
  });
});
