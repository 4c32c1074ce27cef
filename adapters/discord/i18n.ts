/**
 * The few words the Discord front end adds around core answers (button labels, the error line),
 * in the languages the archive has. The core localises the answers themselves.
 */

export interface UiStrings {
  more: string;
  readAtSource: string;
  otherLanguage: (articleLanguage: string) => string;
  range: (from: number, to: number, total: number) => string;
  failure: string;
  expired: string;
  /** Shown (to the user alone) when RATE_LIMIT_PER_MINUTE is exceeded; same words as on Telegram. */
  slowDown: (seconds: number) => string;
  /** Buttons under `/subscriptions`, one row per subscription. */
  pause: (id: number) => string;
  resume: (id: number) => string;
  postNow: (id: number) => string;
  unsubscribe: (id: number) => string;
  /** Under a list longer than the buttons Discord allows. */
  buttonsFor: (shown: number) => string;
}

const en: UiStrings = {
  more: 'More',
  readAtSource: 'Read at source',
  otherLanguage: (lang) =>
    lang === 'en' ? 'Leer en español' : lang === 'es' ? 'Read in English' : 'Other language',
  range: (from, to, total) => `${from}–${to} of ${total}`,
  failure: 'Sorry, something went wrong while answering. Please try again in a moment.',
  expired: 'That button no longer works. Please run the command again.',
  slowDown: (s) => `You are going a little fast. Please try again in ${s} s.`,
  pause: (id) => `⏸ Pause #${id}`,
  resume: (id) => `▶ Resume #${id}`,
  postNow: (id) => `📨 Post now #${id}`,
  unsubscribe: (id) => `✖ Unsubscribe #${id}`,
  buttonsFor: (n) => `Buttons for the first ${n}; /unsubscribe <id> stops any of them.`,
};

const es: UiStrings = {
  more: 'Más',
  readAtSource: 'Leer en la fuente',
  otherLanguage: en.otherLanguage,
  range: (from, to, total) => `${from}–${to} de ${total}`,
  failure: 'Lo siento, algo falló al responder. Inténtalo de nuevo en un momento.',
  expired: 'Ese botón ya no funciona. Vuelve a ejecutar el comando.',
  slowDown: (s) => `Vas un poco rápido. Vuelve a intentarlo en ${s} s.`,
  pause: (id) => `⏸ Pausar #${id}`,
  resume: (id) => `▶ Reanudar #${id}`,
  postNow: (id) => `📨 Publicar ya #${id}`,
  unsubscribe: (id) => `✖ Cancelar #${id}`,
  buttonsFor: (n) => `Botones para las ${n} primeras; /unsubscribe <id> detiene cualquiera.`,
};

/** Strings for a Discord locale (`es-ES`, `es-419`, `en-US`); English when we lack the language. */
export function uiStrings(locale?: string): UiStrings {
  return locale?.toLowerCase().startsWith('es') ? es : en;
}
