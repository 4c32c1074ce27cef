import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinTitles, titlesWith } from '../../src/search/titles.ts';

/** What suggest did with an array of folded titles: each title in turn. */
function reference(titles: string[], prefix: string, limit: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < titles.length && out.length < limit; k++) {
    const title = titles[k] as string;
    if (title.startsWith(prefix) || title.includes(` ${prefix}`)) out.push(k);
  }
  return out;
}

describe('titles folded into one string', () => {
  it('finds the titles a prefix starts or starts a later word of, in order, as a pass over each title does', () => {
    const word = fc.constantFrom('la', 'lucha', 'huelga', 'strike', 'teachers', 'teach', 'a', 'mexico');
    const title = fc.array(word, { maxLength: 5 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(
        fc.array(title, { maxLength: 30 }),
        fc.oneof(word, fc.constantFrom('te', 'l', 'la lu', 'strike teach', 'x', 'ch')),
        fc.integer({ min: 1, max: 10 }),
        (titles, prefix, limit) => {
          expect(titlesWith(joinTitles(titles), prefix, limit)).toEqual(reference(titles, prefix, limit));
        },
      ),
    );
    expect(titlesWith(joinTitles([]), 'la', 5)).toEqual([]);
    expect(titlesWith(joinTitles(['la lucha', '', 'lucha la']), '', 5)).toEqual([]);
  });
});
