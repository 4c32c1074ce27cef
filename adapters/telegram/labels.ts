/**
 * The adapter's own words (buttons, notices), in the languages the archive has. Article text and
 * headings come from the core already localised; only Telegram-specific chrome lives here.
 */
export interface Labels {
  more: string;
  open: (n: number) => string;
  readOriginal: string;
  otherLanguage: string;
  range: (from: number, to: number, total: number) => string;
  slowDown: (seconds: number) => string;
  failed: string;
  expired: string;
  /** Buttons under `/subscriptions`. */
  pause: (id: number) => string;
  resume: (id: number) => string;
  postNow: (id: number) => string;
  unsubscribe: (id: number) => string;
}

const en: Labels = {
  more: 'More ▸',
  open: (n) => `📖 ${n}`,
  readOriginal: 'Read the original ↗',
  otherLanguage: '🌐 Other language',
  range: (from, to, total) => `${from}–${to} of ${total}`,
  slowDown: (s) => `You are going a little fast. Please try again in ${s} s.`,
  failed: 'Sorry, something went wrong on our side. Please try again in a moment.',
  expired: 'This button has expired. Please ask again.',
  pause: (id) => `⏸ Pause #${id}`,
  resume: (id) => `▶ Resume #${id}`,
  postNow: (id) => `📨 Post now #${id}`,
  unsubscribe: (id) => `✖ Unsubscribe #${id}`,
};

const es: Labels = {
  more: 'Más ▸',
  open: (n) => `📖 ${n}`,
  readOriginal: 'Leer el original ↗',
  otherLanguage: '🌐 Otro idioma',
  range: (from, to, total) => `${from}–${to} de ${total}`,
  slowDown: (s) => `Vas un poco rápido. Vuelve a intentarlo en ${s} s.`,
  failed: 'Lo sentimos, algo falló de nuestro lado. Inténtalo de nuevo en un momento.',
  expired: 'Este botón ha caducado. Vuelve a preguntar.',
  pause: (id) => `⏸ Pausar #${id}`,
  resume: (id) => `▶ Reanudar #${id}`,
  postNow: (id) => `📨 Publicar ya #${id}`,
  unsubscribe: (id) => `✖ Cancelar #${id}`,
};

/** Labels for a Telegram `language_code` such as `es-MX`; English when we have no translation. */
export function labelsFor(locale: string | undefined): Labels {
  return locale?.toLowerCase().split(/[-_]/)[0] === 'es' ? es : en;
}
