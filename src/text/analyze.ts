import { createRequire } from 'node:module';
import type * as Snowball from 'snowball-stemmers';
import { FILLERS, STOPWORDS, type TextLanguage } from './language.ts';
import { fold, isAscii, nfc, unifyPunctuation } from './normalize.ts';
import { americanize } from './spelling.ts';

// Required, not imported: importing this 870 KB CommonJS file from ES modules makes Node scan
// all of it for export names first, about 0.2 s of every start.
const { newStemmer } = createRequire(import.meta.url)('snowball-stemmers') as typeof Snowball;
const stemmers = { en: newStemmer('english'), es: newStemmer('spanish') };

// Letters and digits in any script; apostrophes inside words are handled below.
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu;
// The same over folded ASCII (lowercase): a third of the time of the Unicode pattern.
const ASCII_WORD = /[a-z0-9]+(?:'[a-z]+)*/g;

/** Folded words of a text: "AMLO's March on 27N" → ["amlo", "march", "on", "27n"]. */
export function words(text: string): string[] {
  const out: string[] = [];
  const folded = fold(text);
  // `match` with a global pattern gives the strings alone, without a match object per word.
  for (let w of folded.match(isAscii(folded) ? ASCII_WORD : WORD) ?? []) {
    // Possessive and contractions: amlo's → amlo, workers' → workers, l'humanité → humanite.
    if (w.includes("'"))
      w = w
        .replace(/'s$/, '')
        .replace(/^[a-z]'/, '')
        .replace(/'/g, '');
    if (w) out.push(w);
  }
  return out;
}

// The same words before folding: letters keep their accents (combining marks stay attached).
const TYPED_WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:'[\p{L}\p{M}]+)*/gu;

/**
 * The words of a text as the user wrote them, lowercased but with accents: what an answer quotes
 * back ("No article mentions “atenco”"). Same splitting as `words`.
 */
export function typedWords(text: string): string[] {
  const out: string[] = [];
  for (const match of unifyPunctuation(nfc(text).toLowerCase()).matchAll(TYPED_WORD)) {
    const w = match[0]
      .replace(/'s$/, '')
      .replace(/^\p{L}'/u, '')
      .replace(/'/g, '');
    if (w) out.push(w);
  }
  return out;
}

/** Question and filler words ("what", "happened", "qué", "pasó", "sobre"): never a search on their own. */
export function isFiller(word: string): boolean {
  return FILLERS.has(word);
}

/** Stems already computed: words repeat (Zipf), and the Snowball stemmer dominates indexing and tagging. */
const stemCache = { en: new Map<string, string>(), es: new Map<string, string>() };
/** Enough for the vocabulary of a large archive; the cache starts over rather than grow unbounded. */
const STEM_CACHE_LIMIT = 200_000;

/** The stem a folded word is indexed under in a language, after spelling normalisation. */
export function stem(word: string, language: TextLanguage): string {
  const first = word.charCodeAt(0);
  if (first >= 48 && first <= 57) return word; // a number
  const cache = stemCache[language];
  let out = cache.get(word);
  if (out === undefined) {
    out = stemmers[language].stem(language === 'en' ? americanize(word) : word);
    if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
    cache.set(word, out);
  }
  return out;
}

export function isStopword(word: string, language: TextLanguage): boolean {
  return STOPWORDS[language].has(word);
}

/** A text's folded words and the English stem of each: what topic tags and index terms are both made of. */
export interface Analysis {
  words: string[];
  stems: string[];
}

export function analyse(text: string): Analysis {
  const found = words(text);
  return { words: found, stems: found.map((w) => stem(w, 'en')) };
}

/**
 * `analyse` that analyses each distinct text once: an article's title and body are both tagged
 * with topics and indexed, and folding and stemming them was most of the work of either.
 */
export function analysisOnce(): (text: string) => Analysis {
  const done = new Map<string, Analysis>();
  return (text) => {
    let analysis = done.get(text);
    if (!analysis) {
      analysis = analyse(text);
      done.set(text, analysis);
    }
    return analysis;
  };
}

/**
 * Index terms for a text (or its analysis). English stems for every text (so queries in either
 * language meet proper nouns and shared roots); Spanish texts also get Spanish stems, so a Spanish
 * query finds them whichever stemmer it went through.
 */
export function indexTerms(text: string | Analysis, language: string): string[] {
  // A text not analysed yet has only its indexed words stemmed, not its stopwords.
  const found = typeof text === 'string' ? words(text) : text.words;
  const stems = typeof text === 'string' ? undefined : text.stems;
  const out: string[] = [];
  const spanish = language === 'es';
  for (let i = 0; i < found.length; i++) {
    const w = found[i] as string;
    if (isStopword(w, 'en') || (spanish && isStopword(w, 'es'))) continue;
    const en = stems ? (stems[i] as string) : stem(w, 'en');
    out.push(en);
    if (spanish) {
      const es = stem(w, 'es');
      if (es !== en) out.push(es);
    }
  }
  return out;
}
