/**
 * The words front ends put around the core's answers (page ranges, buttons, the apology, the
 * slow-down notice), from the same catalogue as the answers, so every platform says them alike.
 */
import type { TextLanguage } from '../text/language.ts';
import { type Translate, translator, uiLanguage } from './index.ts';

export interface Chrome {
  language: TextLanguage;
  /** "1–5 of 9" */
  range(from: number, to: number, total: number): string;
  more: string;
  /** Terminal hint: "More: /more". */
  moreCommand: string;
  related(commands: readonly string[]): string;
  tryCommands(commands: readonly string[]): string;
  inSection(section: string): string;
  /** The link of a card whose url is a listing page, not the article itself. */
  listingPage: string;
  alsoInOtherLanguage(id: string): string;
  id(id: string): string;
  topics: string;
  open(n: number): string;
  /** The link button under an article: "Read the original", or "Listing page" for a listing url. */
  readLink(urlKind: string): string;
  otherLanguage: string;
  /** Button to the twin of an article in `articleLanguage`, in the twin's language: "Leer en español". */
  readTwin(articleLanguage: string): string;
  pause(id: number): string;
  resume(id: number): string;
  postNow(id: number): string;
  unsubscribe(id: number): string;
  buttonsFor(shown: number): string;
  slowDown(seconds: number): string;
  failed: string;
  expired: string;
  consoleWelcome: string;
  consoleNothingToPage: string;
}

function view(language: TextLanguage): Chrome {
  const t: Translate = translator(language);
  return {
    language,
    range: (from, to, total) => t('page.range', { from, to, total }),
    more: t('page.more'),
    moreCommand: t('page.moreCommand'),
    related: (commands) => t('page.related', { commands: commands.join('  ') }),
    tryCommands: (commands) => t('help.try', { commands: commands.join('  ') }),
    inSection: (section) => t('page.inSection', { section }),
    listingPage: t('page.listingPage'),
    alsoInOtherLanguage: (id) => t('page.otherLanguage', { id }),
    id: (id) => t('page.id', { id }),
    topics: t('page.topics'),
    open: (n) => t('buttons.open', { n }),
    readLink: (urlKind) => t(urlKind === 'listing' ? 'buttons.listingPage' : 'buttons.readOriginal'),
    otherLanguage: t('buttons.otherLanguage'),
    // Said in the twin's own language ("Leer en español" under an English article), for its readers.
    readTwin: (articleLanguage) =>
      articleLanguage === 'en'
        ? translator('es')('buttons.readIn.es')
        : articleLanguage === 'es'
          ? translator('en')('buttons.readIn.en')
          : t('buttons.otherLanguage'),
    pause: (id) => t('buttons.pause', { id }),
    resume: (id) => t('buttons.resume', { id }),
    postNow: (id) => t('buttons.postNow', { id }),
    unsubscribe: (id) => t('buttons.unsubscribe', { id }),
    buttonsFor: (count) => t('buttons.buttonsFor', { count }),
    slowDown: (seconds) => t('errors.slowDown', { seconds }),
    failed: t('errors.failed'),
    expired: t('errors.buttonExpired'),
    consoleWelcome: t('page.consoleWelcome'),
    consoleNothingToPage: t('page.consoleNothingToPage'),
  };
}

const VIEWS: Record<TextLanguage, Chrome> = { en: view('en'), es: view('es') };

/** The chrome for a platform locale (`es-MX`, `es-419`, `en-US`); English when we lack the language. */
export function chromeFor(locale: string | undefined): Chrome {
  return VIEWS[uiLanguage(locale)];
}
