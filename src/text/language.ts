import { eng, spa } from 'stopword';
import { fold, nfc } from './normalize.ts';

/** Languages with their own stemming and stopwords; anything else is treated as English. */
export type TextLanguage = 'en' | 'es';

const foldAll = (words: readonly string[]) => new Set(words.map(fold));

/** Words too common to help a search, folded like the index (so "más" is "mas"). */
export const STOPWORDS: Record<TextLanguage, ReadonlySet<string>> = {
  en: foldAll([...eng, 's', 't', 'us', 'via']),
  es: foldAll(spa),
};

/**
 * Question and filler words in English and Spanish, folded: how people wrap a question ("what
 * happened in …", "qué pasó en …", "news about …", "according to …"). They never carry a search:
 * a query made only of them has nothing to look for, and they are never reported as missing.
 */
export const FILLERS: ReadonlySet<string> = foldAll(
  (
    'what whats happened happen happens happening going who whom whose won win wins when where why how ' +
    'which tell explain show find give know say says said according regarding concerning about news latest ' +
    'recent update updates anything something everything article articles information info please ' +
    'did does ' +
    'qué que pasó pasa pasado ocurrió ocurre sucedió sucede quién quiénes ganó gana cuándo dónde cómo ' +
    'por porqué cuál cuáles sobre acerca según noticias noticia últimas último última novedades dime ' +
    'háblame cuéntame explica muestra busca hay algo información artículo artículos favor'
  ).split(' '),
);

// Words that are Spanish stopwords but also real English or topic words in this archive.
const NOT_SPANISH_SIGNALS = new Set(['a', 'me', 'he', 'no', 'son', 'sin', 'mas', 'era', 'fue', 'de']);

/** Maps a locale such as `es-MX` or `en_GB` to a language we process, if any. */
export function languageOfLocale(locale: string | undefined): TextLanguage | undefined {
  const primary = locale?.toLowerCase().split(/[-_]/)[0];
  return primary === 'es' || primary === 'en' ? primary : undefined;
}

/**
 * Guesses whether a short query is Spanish: accents and ñ/¿/¡ are strong signals; otherwise it
 * must contain more Spanish-only function words than English ones. Returns undefined when unsure.
 */
export function detectLanguage(raw: string): TextLanguage | undefined {
  // A decomposed "é" (e + U+0301) must count as the accent it is.
  const text = nfc(raw);
  // Accents that English lacks, and suffixes English words do not end in (migrantes, nación, realidad).
  if (/[ñ¿¡]|(ci[oó]n|ciones|idad|idades|antes|entes|mente)\b/i.test(text)) return 'es';
  const words = fold(text).match(/[a-z]+/g) ?? [];
  let es = 0;
  let en = 0;
  for (const w of words) {
    if (STOPWORDS.es.has(w) && !STOPWORDS.en.has(w) && !NOT_SPANISH_SIGNALS.has(w)) es++;
    if (STOPWORDS.en.has(w) && !STOPWORDS.es.has(w)) en++;
  }
  if (es > en) return 'es';
  if (en > es) return 'en';
  if (/[áéíóú]/i.test(text)) return 'es';
  return undefined;
}
