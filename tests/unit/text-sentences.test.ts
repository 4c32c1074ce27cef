import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiSentences } from '../../src/text/ascii-sentences.ts';
import { isAscii } from '../../src/text/normalize.ts';

/** ICU's sentences, the reference the ASCII splitter must equal. */
const icu = (text: string, language = 'en') =>
  Array.from(new Intl.Segmenter(language, { granularity: 'sentence' }).segment(text), (s) => s.segment);

describe('ASCII sentence boundaries', () => {
  it('finds the sentences ICU finds in tricky cases', () => {
    for (const text of [
      'It rose 3.5 per cent. Then it fell.',
      'The U.S. Embassy said so. Others did not.',
      'See e.g. the report. It is long.',
      'He asked "why?" and left. She stayed!',
      'Really?! Yes. (Twice.) "Done." Next',
      'Wait... what? No, it is fine: really.',
      'A. B. c. D.',
      '.',
      'no end',
      '',
    ])
      expect([...asciiSentences(text)], text).toEqual(icu(text));
  });

  it('finds the sentences ICU finds in any squashed ASCII text', () => {
    const piece = fc.constantFrom(
      'word',
      'Word',
      'WORD',
      'e',
      'U',
      '3',
      '12',
      ' ',
      '.',
      '!',
      '?',
      '"',
      "'",
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      ',',
      '-',
      ':',
      ';',
      '/',
      '#',
      '*',
      '`',
      '_',
      '\u0001',
      '\u001f',
      '~',
      '...',
      '. ',
      '." ',
      '.) ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), fc.constantFrom('en', 'es'), (pieces, language) => {
        const text = pieces.join('').replace(/ {2,}/g, ' ').trim();
        expect([...asciiSentences(text)]).toEqual(icu(text, language));
      }),
      { numRuns: 5000 },
    );
  });

  it('finds the sentences ICU finds in the seed articles', () => {
    const texts = readdirSync('content')
      .filter((f) => f.endsWith('.txt'))
      .flatMap((f) => readFileSync(`content/${f}`, 'utf8').split(/\n\s*\n/))
      .map((t) => t.replace(/\s+/g, ' ').trim())
      .filter(isAscii);
    expect(texts.length).toBeGreaterThan(50);
    for (const text of texts) expect([...asciiSentences(text)]).toEqual(icu(text));
  });
});
