import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexTerms, words } from '../../src/text/analyze.ts';
import { detectLanguage } from '../../src/text/language.ts';
import { fold, nfc, squash, stripControl } from '../../src/text/normalize.ts';
import { americanize } from '../../src/text/spelling.ts';
import { firstSentences, headline, sentences, summarize, truncateWords } from '../../src/text/summary.ts';

describe('normalisation', () => {
  it('folds accents, case and quote styles', () => {
    expect(fold('Tenochtitlán “AMLO’s” — Cancún')).toBe('tenochtitlan "amlo\'s" - cancun');
  });

  it('squashes every run of whitespace to one space, as /\\s+/ would, and trims', () => {
    expect(squash(' a  b\t\tc \n d\u00a0 e\u2029')).toBe('a b c d e');
    const piece = fc.constantFrom(
      'a',
      'bc',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\ufeff',
      '.',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect(squash(text)).toBe(text.replace(/\s+/g, ' ').trim());
      }),
    );
  });

  it('folds and splits ASCII as the Unicode path does', () => {
    // The definitions before the ASCII shortcuts, as the reference.
    const reference = (text: string) =>
      (
        text
          .normalize('NFKD')
          .replace(/\p{M}+/gu, '')
          .toLowerCase()
          .replace(/[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g, "'")
          .replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033]/g, '"')
          .replace(/[\u2010-\u2015\u2212]/g, '-')
          .match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? []
      ).map((w) =>
        w.includes("'")
          ? w
              .replace(/'s$/, '')
              .replace(/^[a-z]'/, '')
              .replace(/'/g, '')
          : w,
      );
    const piece = fc.constantFrom(
      'a',
      'Zb',
      '9',
      ' ',
      "'",
      '`',
      "'s",
      'é',
      'Ñ',
      '’',
      '´',
      '-',
      '—',
      'ß',
      'Ǆ',
      '.',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const text = pieces.join('');
        expect(words(text)).toEqual(reference(text).filter(Boolean));
      }),
    );
    expect(fold('Don`t STOP')).toBe("don't stop");
  });

  it('removes control, zero-width and bidi characters', () => {
    expect(stripControl('mex\u0000i\u200Bco\u202E\tcity')).toBe('mexico city');
  });

  it('splits words, handling possessives, hashtags and hyphens', () => {
    expect(words('AMLO’s March on 27N: #CommunismOnCampus Mexico-Tenochtitlán')).toEqual([
      'amlo',
      'march',
      'on',
      '27n',
      'communismoncampus',
      'mexico',
      'tenochtitlan',
    ]);
  });
});

describe('Unicode forms', () => {
  it('detects the language of a decomposed query as of the composed one', () => {
    for (const q of ['méxico', 'qué pasó en oaxaca', 'la policía']) {
      expect(detectLanguage(q.normalize('NFD')), q).toBe(detectLanguage(q));
    }
    expect(detectLanguage('me\u0301xico')).toBe('es');
    expect(nfc('me\u0301xico')).toBe('méxico');
    expect(nfc('plain ascii')).toBe('plain ascii');
  });
});

describe('spelling and stemming', () => {
  it.each([
    ['privatisation', 'privatization'],
    ['privatised', 'privatized'],
    ['labour', 'labor'],
    ['neighbourhoods', 'neighborhoods'],
    ['centre', 'center'],
    ['paralised', 'paralyzed'],
    ['rise', 'rise'],
    ['promise', 'promise'],
    ['four', 'four'],
    ['hour', 'hour'],
  ])('%s → %s', (british, american) => {
    expect(americanize(british)).toBe(american);
  });

  it('indexes British and American spellings, singulars and plurals alike', () => {
    expect(indexTerms('privatisation', 'en')).toEqual(indexTerms('privatization', 'en'));
    expect(indexTerms('femicides', 'en')).toEqual(indexTerms('femicide', 'en'));
    expect(indexTerms('migrantes', 'es')).toEqual(expect.arrayContaining(indexTerms('migrante', 'es')));
  });

  it('detects Spanish queries', () => {
    expect(detectLanguage('la muerte de los migrantes')).toBe('es');
    expect(detectLanguage('migrantes')).toBe('es');
    expect(detectLanguage('death of the migrants')).toBe('en');
    expect(detectLanguage('mexico')).toBeUndefined();
  });
});

describe('summaries', () => {
  const text =
    'The government of Andrés Manuel López Obrador is approaching its final year. In order to improve the living conditions of the masses, it is necessary to upend the balance of power. A third sentence.';

  it('keeps whole sentences, at most two', () => {
    expect(summarize(text, 280)).toBe(
      'The government of Andrés Manuel López Obrador is approaching its final year. In order to improve the living conditions of the masses, it is necessary to upend the balance of power.',
    );
    expect(summarize(text, 100)).toBe(
      'The government of Andrés Manuel López Obrador is approaching its final year.',
    );
  });

  it('cuts an overlong first sentence at a word boundary', () => {
    const s = summarize(text, 40);
    expect(s).toBe('The government of Andrés Manuel López…');
  });

  it('never exceeds the length or cuts a word, for any text', () => {
    const word = fc.stringMatching(/^[A-Za-zÁÉáéñ]{1,15}$/);
    const sentence = fc.array(word, { minLength: 1, maxLength: 30 }).map((w) => `${w.join(' ')}.`);
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 20, max: 400 }),
        (sentences, max) => {
          const source = sentences.join(' ');
          const out = summarize(source, max);
          expect(out.length).toBeLessThanOrEqual(max);
          const sourceWords = new Set(source.split(/[\s.]+/));
          for (const w of out
            .replace(/…$/, '')
            .split(/[\s.]+/)
            .filter(Boolean))
            expect(sourceWords.has(w)).toBe(true);
        },
      ),
    );
  });

  it("finds a long text's first two sentences in its start exactly as in the whole text", () => {
    // Sentences that stop where the start may be cut: long ones, whitespace runs, abbreviations,
    // tails of digits and punctuation (what the sentence rules look past), no letter at all.
    const piece = fc.oneof(
      fc.stringMatching(/^[A-Za-záñ]{1,12}$/),
      fc.constantFrom(
        '.',
        '. ',
        '?',
        '! ',
        ' ',
        '\n\n',
        '          ',
        'Mr.',
        'e.g.',
        '42',
        '3.5',
        '"',
        ')',
        '…',
        '— ',
      ),
    );
    // After "one." the rules look past the digits to the lowercase word: no sentence ends there.
    const digits = `A short one. Another one. ${'4'.repeat(5000)} and then it goes on.`;
    expect(firstSentences(digits, 'en', 280)).toEqual(sentences(digits).slice(0, 2));
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 900 }),
        fc.integer({ min: 20, max: 300 }),
        (pieces, max) => {
          const text = pieces.join(' ');
          expect(firstSentences(text, 'en', max)).toEqual(sentences(text).slice(0, 2));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('truncates any string within the limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.integer({ min: 1, max: 200 }), (s, max) => {
        expect(truncateWords(s, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('derives short headlines from teasers', () => {
    expect(headline('What is a revolution? Trotsky explained that it starts when the masses rise.')).toBe(
      'What is a revolution?',
    );
    expect(
      headline(
        'In spite of the revolutionary movement of the Mexican masses, the ruling class has decided to go ahead with its manoeuvres.',
      ),
    ).toBe('In spite of the revolutionary movement of the Mexican masses');
  });
});
