/**
 * The one message catalogue: every word the bot says to people, in English and Spanish, as
 * i18next resources bundled with the code (`en.json`, `es.json`; nothing is fetched at run time).
 * Plurals follow each language's CLDR rules (`key_one`, `key_other`). Article text is never
 * translated. The typed views (`query.ts`, `subscriptions.ts`, `chrome.ts`) are what code calls.
 */
import i18next, { type TFunction } from 'i18next';
import { languageOfLocale, type TextLanguage } from '../text/language.ts';
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };

/** The interface languages, each complete (a test fails on a key missing or empty in either). */
export const CATALOGUE: Record<TextLanguage, object> = { en, es };
export const LANGUAGES = Object.keys(CATALOGUE) as TextLanguage[];

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: { en: { translation: en }, es: { translation: es } },
  supportedLngs: LANGUAGES,
  fallbackLng: false,
  // Replies are plain text; each renderer escapes for its platform.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export type Translate = TFunction;

const translators = new Map<TextLanguage, Translate>(LANGUAGES.map((l) => [l, i18n.getFixedT(l)]));

/** The catalogue in one language: Spanish for `es`, English for anything else (or nothing). */
export function translator(language: string | undefined): Translate {
  return translators.get(language === 'es' ? 'es' : 'en') as Translate;
}

/** The interface language for a platform locale (`es-MX`, `es-419`, `en_GB`): Spanish or English. */
export function uiLanguage(locale: string | undefined): TextLanguage {
  return languageOfLocale(locale) ?? 'en';
}

/** Items joined the way the language writes a list: "a, b and c", "a, b y c". */
export function joinList(
  t: Translate,
  items: readonly string[],
  conjunction: 'and' | 'or' | 'nor' = 'and',
): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${t(`list.${conjunction}`)} ${items.at(-1)}`;
}

/** Text with its first letter in capitals, for a phrase that starts a sentence. */
export const capitalised = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
