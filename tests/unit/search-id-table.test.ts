import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idTable, lookUpId } from '../../src/search/id-table.ts';
import type { Article } from '../../src/types.ts';

describe('the id table', () => {
  it('answers every id as a Map filled in order does, a repeated id with its last article', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 200 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 20 }),
        (ids, asked) => {
          const articles = ids.map((id) => ({ id }) as Article);
          const slots = idTable(articles);
          const byId = new Map(ids.map((id, i) => [id, i]));
          for (const id of [...ids, ...asked]) expect(lookUpId(slots, articles, id)).toBe(byId.get(id));
        },
      ),
    );
  });

  it('keeps at least half its slots free, so every probe ends', () => {
    const articles = Array.from({ length: 1000 }, (_, i) => ({ id: `article-${i}` }) as Article);
    const slots = idTable(articles);
    expect(slots.filter((s) => s < 0).length).toBeGreaterThanOrEqual(slots.length / 2);
    expect(lookUpId(slots, articles, 'article-999')).toBe(999);
    expect(lookUpId(idTable([]), [], 'anything')).toBeUndefined();
  });
});
