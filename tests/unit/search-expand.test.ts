import fc from 'fast-check';
import SearchableMap from 'minisearch/SearchableMap';
import { describe, expect, it } from 'vitest';
import { boundedDistance, dictionaryParts, TermDictionary } from '../../src/search/expand.ts';

/**
 * The term dictionary must expand exactly as MiniSearch's radix tree did (same terms, same
 * distances), so answers do not change: compared on generated dictionaries and typed words.
 */

// A small alphabet makes near terms common; "ñ", "é" and an astral letter (two code units) are in it.
const letter = fc.constantFrom('a', 'b', 'c', 'e', 'r', 's', 'ñ', 'é', '𝒜');
const word = (max: number) => fc.array(letter, { minLength: 1, maxLength: max }).map((l) => l.join(''));
const dictionary = fc.oneof(
  fc.uniqueArray(word(9), { minLength: 1, maxLength: 300 }),
  // Long terms too: they share the bigram index's last length bucket.
  fc.uniqueArray(word(70), { minLength: 1, maxLength: 60 }),
);

/** A query: a dictionary term with a few random edits (or a random word). */
const typed = (terms: string[]) =>
  fc.oneof(
    word(12),
    fc
      .tuple(
        fc.constantFrom(...terms),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), letter), {
          maxLength: 3,
        }),
      )
      .map(([term, edits]) => {
        let s = term;
        for (const [at, kind, c] of edits) {
          const i = at % (s.length + 1);
          if (kind === 'insert') s = s.slice(0, i) + c + s.slice(i);
          else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
          else s = s.slice(0, i) + c + s.slice(i + 1);
        }
        return s;
      }),
  );

const byTerm = <T extends [string, ...unknown[]]>(list: T[]) =>
  [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

function radix(terms: string[]): SearchableMap<number> {
  return SearchableMap.from(terms.map((t, i) => [t, i] as [string, number]));
}

describe('term dictionary', () => {
  it('finds the terms and distances the radix tree finds within 0 to 3 edits', () => {
    fc.assert(
      fc.property(
        dictionary.chain((terms) =>
          fc.tuple(fc.constant(terms), typed(terms), fc.integer({ min: 0, max: 3 })),
        ),
        ([terms, query, k]) => {
          const expected = [...radix(terms).fuzzyGet(query, k)].map(
            ([term, [id, d]]) => [term, id, d] as [string, number, number],
          );
          const got = new TermDictionary(terms).near(query, k);
          expect(got).toEqual(byTerm(expected));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds the terms the radix tree finds under a prefix', () => {
    fc.assert(
      fc.property(
        dictionary.chain((terms) =>
          fc.tuple(
            fc.constant(terms),
            fc.oneof(
              word(4),
              fc.constantFrom(...terms).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
            ),
          ),
        ),
        ([terms, prefix]) => {
          const expected = [...radix(terms).atPrefix(prefix)];
          expect(new TermDictionary(terms).withPrefix(prefix)).toEqual(byTerm(expected));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers repeated lookups on one dictionary alike (its scratch counts are cleared)', () => {
    const terms = ['revolution', 'revolutionary', 'revolutions', 'evolution', 'resolution', 'venezuela'];
    const dict = new TermDictionary(terms);
    const first = dict.near('revolutoinary', 2);
    expect(first.map(([t, , d]) => [t, d])).toEqual([['revolutionary', 2]]);
    expect(dict.near('revolutoinary', 2)).toEqual(first);
    expect(dict.near('venezuala', 1)).toEqual([['venezuela', 5, 1]]);
    expect(dict.near('revolution', 1).map(([t]) => t)).toEqual([
      'evolution',
      'resolution',
      'revolution',
      'revolutions',
    ]);
    expect(dict.withPrefix('revolution').map(([t]) => t)).toEqual([
      'revolution',
      'revolutionary',
      'revolutions',
    ]);
    expect(dict.withPrefix('zz')).toEqual([]);
  });

  it('answers alike when made from parts cloned as another thread receives them', () => {
    fc.assert(
      fc.property(
        dictionary.chain((terms) =>
          fc.tuple(fc.constant(terms), typed(terms), fc.integer({ min: 0, max: 3 })),
        ),
        ([terms, query, k]) => {
          const here = new TermDictionary(terms);
          const handed = new TermDictionary(terms, structuredClone(dictionaryParts(terms)));
          expect(handed.near(query, k)).toEqual(here.near(query, k));
          expect(handed.withPrefix(query.slice(0, 2))).toEqual(here.withPrefix(query.slice(0, 2)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('measures edit distance up to a bound', () => {
    expect(boundedDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedDistance('kitten', 'sitting', 2)).toBe(3);
    expect(boundedDistance('', 'ab', 2)).toBe(2);
    expect(boundedDistance('abc', 'abc', 0)).toBe(0);
  });
});
