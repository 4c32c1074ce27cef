import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ButtonAction, decodeButton, encodeButton } from '../../adapters/discord/custom-ids.ts';

describe('button custom ids', () => {
  it('round-trips every action that fits, and never exceeds 100 characters', () => {
    const action: fc.Arbitrary<ButtonAction> = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_.~-]{1,48}$/).map((cursor) => ({ kind: 'more' as const, cursor })),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).map((id) => ({ kind: 'open' as const, id })),
      fc.string({ minLength: 1, maxLength: 150 }).map((command) => ({ kind: 'run' as const, command })),
    );
    fc.assert(
      fc.property(action, (a) => {
        const id = encodeButton(a);
        if (id === undefined) {
          expect(a.kind === 'run' && (`run:${a.command}`.length > 100 || !a.command.trim())).toBe(true);
          return;
        }
        expect(id.length).toBeLessThanOrEqual(100);
        expect(decodeButton(id)).toEqual(a);
      }),
    );
  });

  it('refuses cursors and ids outside the core contract, and ids it did not make', () => {
    expect(encodeButton({ kind: 'more', cursor: 'x'.repeat(49) })).toBeUndefined();
    expect(encodeButton({ kind: 'open', id: 'a/b' })).toBeUndefined();
    expect(decodeButton('open:../../etc')).toBeUndefined();
    expect(decodeButton('someone-else')).toBeUndefined();
    expect(decodeButton(`run:${'x'.repeat(100)}`)).toBeUndefined();
  });
});
