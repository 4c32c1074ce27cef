/**
 * The subscription dialogue's words (`/subscribe`, `/unsubscribe`, `/subscriptions`, the manage
 * buttons, schedule descriptions, input errors) and the scheduled posts' titles, drawn from the
 * catalogue in one interface language.
 */
import type { Weekday } from '../schedule/cadence.ts';
import type { TextLanguage } from '../text/language.ts';
import { CATALOGUE, capitalised, joinList, type Translate, translator } from './index.ts';

export interface SubscriptionMessages {
  language: TextLanguage;
  usage: string;
  /** How a date and time is written: a Luxon locale. */
  dateLocale: string;
  // Where a subscription posts.
  thisChannel: string;
  thisChat: string;
  // Who may do what.
  onlyManageChannels(where: string): string;
  onlyAdminsOf(where: string): string;
  onlyAdminsOfGroup: string;
  needPermissions(where: string, permissions: readonly string[]): string;
  needAdminToPost(where: string): string;
  cannotPostHere: string;
  cannotLookUp(ref: string): string;
  cannotFind(ref: string): string;
  noChat: string;
  notAllowed: string;
  // Shaping and the listing.
  languageName(language: string): string;
  onlyMentioning(words: readonly string[]): string;
  noneMentioning(words: readonly string[]): string;
  onlyInLanguage(name: string): string;
  pinging(role: string): string;
  /** ` — paused: <reason>`; a stored reason that names a catalogue entry is said in this language. */
  pausedBecause(reason: string | undefined): string;
  /** A stored pause reason in this language, when the catalogue words it; as stored otherwise. */
  pauseReason(reason: string | undefined): string;
  nextPost(when: string): string;
  inChat(title: string): string;
  subscriptionsOf(where: string, lines: readonly string[]): string;
  noSubscriptions(where: string): string;
  // Subscribing.
  unknownTopic(text: string): string;
  noEveryone: string;
  roleOnAlerts: string;
  vanished: string;
  alertsWhat(where: string, label: string, filters: string, ping: string): string;
  digestWhat(where: string, label: string, filters: string, cadence: string, zone: string): string;
  nextPostAt(when: string | undefined): string;
  whenEmptyLatest: string;
  whenEmptySkip: string;
  subscribed(id: number, what: string, updated: boolean, note: string): string;
  roleNotMentionable(role: string): string;
  // Unsubscribing.
  whichSubscription: string;
  noSuchSubscription(where: string, what: string): string;
  unsubscribed(id: number, label: string, where: string): string;
  // The manage buttons.
  gone(id: number): string;
  alreadyPaused(name: string): string;
  paused(name: string): string;
  alreadyRunning(name: string): string;
  stillNotFixed(why: string): string;
  resumed(name: string, requeued: number): string;
  postNowUnavailable: string;
  posting(name: string, items: number, fresh: boolean): string;
  justPosted(name: string): string;
  nothingToPost(name: string): string;
  pausedResumeFirst(name: string): string;
  removed(name: string): string;
  notASubscriptionCommand(kind: string): string;
  // Scheduled posts (digests and alerts).
  alertTitle(label: string): string;
  digestTitle(label: string): string;
  latestTitle(label: string): string;
  moreNotShown(more: number, label: string): string;
  articles(n: number): string;
  // Schedules.
  daily(time: string): string;
  weekly(day: Weekday, time: string): string;
  cron(expression: string): string;
  alerts: string;
  // Bad input.
  pickTopic: string;
  whichTopic: string;
  badZone(zone: string): string;
  badLanguageOption(text: string): string;
  badLanguageToken(text: string): string;
  cronFields(given: number): string;
  notATime(text: string): string;
  whichDay: string;
  notADay(text: string): string;
  badWord(word: string, what: 'include' | 'exclude'): string;
  tooManyWords(max: number, given: number, what: 'include' | 'exclude'): string;
  tooManyTopics(max: number, given: number): string;
  wordAfterSign: string;
  badSchedule(text: string): string;
  scheduleDoesNotParse(reason: string): string;
  neverComes: string;
  tooOften(minutes: number): string;
}

/** Pause reasons the catalogue words (keys under `pauseReasons`). */
export type PauseReason =
  | 'byAdmin'
  | 'discordMissingAccess'
  | 'discordMissingPermissions'
  | 'discordUnknownChannel'
  | 'discordUnknownGuild'
  | 'discordCannotMessageUser'
  | 'telegramCannotPost'
  /** With the platform's own words as `detail` (and `n` for keptFailing). */
  | 'discordRefused'
  | 'chatMoved'
  | 'keptFailing';

/**
 * The text stored for a pause: the English words, so the store, logs and `--json` stay readable;
 * `pauseReason` finds them in the catalogue again and says them in the reader's language.
 */
export const pauseReasonText = (reason: PauseReason, values?: Record<string, string | number>): string =>
  translator('en')(`pauseReasons.${reason}`, values);

/** The reason stored for a subscription paused with its button. */
export const PAUSED_BY_ADMIN = pauseReasonText('byAdmin');

const ENGLISH_REASONS = Object.entries(
  (CATALOGUE.en as { pauseReasons: Record<string, string> }).pauseReasons,
);
const REASON_KEYS = new Map(ENGLISH_REASONS.map(([key, text]) => [text, `pauseReasons.${key}`]));
/** Reasons with values ("chat moved: {{detail}}") as patterns that give the values back. */
const REASON_PATTERNS = ENGLISH_REASONS.filter(([, text]) => text.includes('{{')).map(([key, text]) => ({
  key: `pauseReasons.${key}`,
  pattern: new RegExp(
    `^${text
      .split(/(\{\{\w+\}\})/)
      .map((part) => part.match(/^\{\{(\w+)\}\}$/)?.[1] ?? part)
      .map((part, i) => (i % 2 ? `(?<${part}>.+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  ),
}));

/** The catalogue key and values of a stored English reason, if the catalogue words it. */
function reasonInCatalogue(reason: string): { key: string; values?: Record<string, string> } | undefined {
  const key = REASON_KEYS.get(reason);
  if (key) return { key };
  for (const { key, pattern } of REASON_PATTERNS) {
    const values = pattern.exec(reason)?.groups;
    if (values) return { key, values: { ...values } };
  }
  return undefined;
}

function view(language: TextLanguage): SubscriptionMessages {
  const t: Translate = translator(language);
  const usage = t('subscriptions.usage');
  const pauseReason = (reason: string | undefined) => {
    if (reason === undefined) return t('pauseReasons.unknown');
    const known = reasonInCatalogue(reason);
    return known ? t(known.key, known.values) : reason;
  };
  return {
    language,
    usage,
    dateLocale: t('subscriptions.dateLocale'),
    thisChannel: t('subscriptions.thisChannel'),
    thisChat: t('subscriptions.thisChat'),
    onlyManageChannels: (where) => t('subscriptions.onlyManageChannels', { where }),
    onlyAdminsOf: (where) => t('subscriptions.onlyAdminsOf', { where }),
    onlyAdminsOfGroup: t('subscriptions.onlyAdminsOfGroup'),
    needPermissions: (where, missing) =>
      t('subscriptions.needPermissions', { where, permissions: missing.join(', '), count: missing.length }),
    needAdminToPost: (where) => t('subscriptions.needAdminToPost', { where }),
    cannotPostHere: t('subscriptions.cannotPostHere'),
    cannotLookUp: (ref) => t('subscriptions.cannotLookUp', { ref }),
    cannotFind: (ref) => t('subscriptions.cannotFind', { ref }),
    noChat: t('subscriptions.noChat'),
    notAllowed: t('subscriptions.notAllowed'),
    languageName: (code) => (code === 'en' || code === 'es' ? t(`languages.${code}`) : code),
    onlyMentioning: (words) => t('subscriptions.onlyMentioning', { words: joinList(t, words, 'or') }),
    noneMentioning: (words) => t('subscriptions.noneMentioning', { words: joinList(t, words, 'or') }),
    onlyInLanguage: (name) => t('subscriptions.onlyInLanguage', { name }),
    pinging: (role) => t('subscriptions.pinging', { role }),
    pausedBecause: (reason) => t('subscriptions.pausedBecause', { reason: pauseReason(reason) }),
    pauseReason,
    nextPost: (when) => t('subscriptions.nextPost', { when }),
    inChat: (title) => t('subscriptions.inChat', { title }),
    subscriptionsOf: (where, lines) => t('subscriptions.subscriptionsOf', { where, lines: lines.join('\n') }),
    noSubscriptions: (where) => t('subscriptions.noSubscriptions', { where: capitalised(where), usage }),
    unknownTopic: (text) => t('subscriptions.unknownTopic', { text }),
    noEveryone: t('subscriptions.noEveryone'),
    roleOnAlerts: t('subscriptions.roleOnAlerts'),
    vanished: t('subscriptions.vanished'),
    alertsWhat: (where, label, filters, ping) =>
      t('subscriptions.alertsWhat', { where, label, filters, ping }),
    digestWhat: (where, label, filters, cadence, zone) =>
      t('subscriptions.digestWhat', { where, label, filters, cadence, zone }),
    nextPostAt: (when) => t('subscriptions.nextPostAt', { when: when ?? t('subscriptions.never') }),
    whenEmptyLatest: t('subscriptions.whenEmptyLatest'),
    whenEmptySkip: t('subscriptions.whenEmptySkip'),
    subscribed: (id, what, updated, note) =>
      t(updated ? 'subscriptions.updated' : 'subscriptions.subscribed', {
        id,
        what: capitalised(what),
        note,
      }),
    roleNotMentionable: (role) => t('subscriptions.roleNotMentionable', { role }),
    whichSubscription: t('subscriptions.whichSubscription'),
    noSuchSubscription: (where, what) =>
      t('subscriptions.noSuchSubscription', { where: capitalised(where), what }),
    unsubscribed: (id, label, where) => t('subscriptions.unsubscribed', { id, label, where }),
    gone: (id) => t('subscriptions.gone', { id }),
    alreadyPaused: (name) => t('subscriptions.alreadyPaused', { name }),
    paused: (name) => t('subscriptions.paused', { name }),
    alreadyRunning: (name) => t('subscriptions.alreadyRunning', { name }),
    stillNotFixed: (why) => t('subscriptions.stillNotFixed', { why }),
    resumed: (name, count) =>
      `${t('subscriptions.resumed', { name })}${count > 0 ? t('subscriptions.missedPosts', { count }) : ''}`,
    postNowUnavailable: t('subscriptions.postNowUnavailable'),
    posting: (name, count, fresh) =>
      t(fresh ? 'subscriptions.postingFresh' : 'subscriptions.postingLatest', { name, count }),
    justPosted: (name) => t('subscriptions.justPosted', { name }),
    nothingToPost: (name) => t('subscriptions.nothingToPost', { name }),
    pausedResumeFirst: (name) => t('subscriptions.pausedResumeFirst', { name }),
    removed: (name) => t('subscriptions.removed', { name }),
    notASubscriptionCommand: (kind) => t('subscriptions.notASubscriptionCommand', { kind }),
    alertTitle: (label) => t('subscriptions.alertTitle', { label }),
    digestTitle: (label) => t('subscriptions.digestTitle', { label }),
    latestTitle: (label) => t('subscriptions.latestTitle', { label }),
    moreNotShown: (count, label) => t('subscriptions.moreNotShown', { count, label }),
    articles: (count) => t('count.articles', { count }),
    daily: (time) => t('subscriptions.daily', { time }),
    weekly: (day, time) => t('subscriptions.weekly', { day: t(`subscriptions.days.${day}`), time }),
    cron: (expression) => t('subscriptions.cron', { expression }),
    alerts: t('subscriptions.alerts'),
    pickTopic: t('subscriptions.pickTopic'),
    whichTopic: t('subscriptions.whichTopic', { usage }),
    badZone: (zone) => t('subscriptions.badZone', { zone }),
    badLanguageOption: (text) => t('subscriptions.badLanguageOption', { text }),
    badLanguageToken: (text) => t('subscriptions.badLanguageToken', { text }),
    cronFields: (given) => t('subscriptions.cronFields', { given }),
    notATime: (text) => t('subscriptions.notATime', { text }),
    whichDay: t('subscriptions.whichDay'),
    notADay: (text) => t('subscriptions.notADay', { text }),
    badWord: (word, what) =>
      t(what === 'include' ? 'subscriptions.badWordInclude' : 'subscriptions.badWordExclude', { word }),
    tooManyWords: (max, given, what) =>
      t(what === 'include' ? 'subscriptions.tooManyInclude' : 'subscriptions.tooManyExclude', { max, given }),
    tooManyTopics: (max, given) => t('subscriptions.tooManyTopics', { max, given }),
    wordAfterSign: t('subscriptions.wordAfterSign'),
    badSchedule: (text) => t('subscriptions.badSchedule', { text }),
    scheduleDoesNotParse: (reason) => t('subscriptions.scheduleDoesNotParse', { reason }),
    neverComes: t('subscriptions.neverComes'),
    tooOften: (minutes) => t('subscriptions.tooOften', { minutes }),
  };
}

const VIEWS: Record<TextLanguage, SubscriptionMessages> = { en: view('en'), es: view('es') };

/** The subscription dialogue in an interface language: Spanish for Spanish, English otherwise. */
export function subscriptionMessagesFor(language: TextLanguage | undefined): SubscriptionMessages {
  return VIEWS[language === 'es' ? 'es' : 'en'];
}

/**
 * Bad subscription input, worded in every language: `say` picks the words, `message` is the English
 * for logs and callers that know no language.
 */
export class LocalisedError extends Error {
  constructor(readonly say: (m: SubscriptionMessages) => string) {
    super(say(VIEWS.en));
  }
}
