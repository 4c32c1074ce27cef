import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/platforms.ts';
import type { ChatContext, Command } from '../../src/commands/command.ts';
import { CATALOGUE } from '../../src/i18n/index.ts';
import { pauseReasonText, subscriptionMessagesFor } from '../../src/i18n/subscriptions.ts';
import { placeModels } from '../../src/platform.ts';
import type { Reply } from '../../src/reply.ts';
import { describeCadence, formatInZone } from '../../src/schedule/cadence.ts';
import { manualClock } from '../../src/schedule/clock.ts';
import { fixedDigestSource } from '../../src/schedule/fixed-source.ts';
import { createSubscriptionHandler, type SubscriptionHandler } from '../../src/schedule/handler.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import type { Article } from '../../src/types.ts';

/** Every leaf of a catalogue as `a.b.c` → text. */
function leaves(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    if (value && typeof value === 'object')
      for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, value);
  }
  return out;
}
const PLURAL = /_(zero|one|two|few|many|other)$/;
/** The plural forms a language needs for whole counts (`many` in Spanish only names millions, and falls back to `other`). */
const neededForms = (language: string) => {
  const rules = new Intl.PluralRules(language);
  return new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)));
};
const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1] ?? '').sort();

describe('the message catalogue', () => {
  const languages = Object.keys(CATALOGUE);
  const byLanguage = new Map(languages.map((l) => [l, leaves(CATALOGUE[l as 'en'])]));
  /** key without plural suffix → language → texts of all its forms */
  const bases = new Map<string, Map<string, string[]>>();
  for (const [language, entries] of byLanguage)
    for (const [key, text] of entries) {
      const base = key.replace(PLURAL, '');
      const forms = bases.get(base) ?? new Map<string, string[]>();
      forms.set(language, [...(forms.get(language) ?? []), String(text)]);
      bases.set(base, forms);
    }

  it('says a stored pause reason in the reader language, keeping the platform detail', () => {
    const es = subscriptionMessagesFor('es');
    const stored = [
      pauseReasonText('telegramCannotPost'),
      pauseReasonText('chatMoved', { detail: 'group upgraded to -100123' }),
      pauseReasonText('discordRefused', { detail: 'Unknown Webhook' }),
      pauseReasonText('keptFailing', { n: 3, detail: 'HTTP 502' }),
    ];
    expect(stored[2]).toBe('Discord refused: Unknown Webhook');
    const said = stored.map((reason) => es.pauseReason(reason));
    expect(said[0]).toMatch(/^ya no puedo publicar/);
    expect(said[1]).toBe('el chat se trasladó: group upgraded to -100123');
    expect(said[2]).toBe('Discord lo rechazó: Unknown Webhook');
    expect(said[3]).toBe('las últimas 3 publicaciones fallaron una y otra vez (HTTP 502)');
    // A reason the catalogue does not word is shown as stored.
    expect(es.pauseReason('something else')).toBe('something else');
    expect(subscriptionMessagesFor('en').pauseReason(stored[3])).toBe(stored[3]);
  });

  it('has English and Spanish, each with every key, filled', () => {
    expect(languages.sort()).toEqual(['en', 'es']);
    expect(bases.size).toBeGreaterThan(150);
    for (const language of languages) {
      const entries = byLanguage.get(language) as Map<string, unknown>;
      const missing = [...bases.keys()].filter(
        (base) => !(bases.get(base) as Map<string, string[]>).has(language),
      );
      const empty = [...entries]
        .filter(([, text]) => typeof text !== 'string' || text.trim() === '')
        .map(([k]) => k);
      expect({ language, missing, empty }).toEqual({ language, missing: [], empty: [] });
    }
  });

  it('has every plural form each language needs', () => {
    for (const language of languages) {
      const entries = byLanguage.get(language) as Map<string, unknown>;
      const plurals = new Set(
        [...entries.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')),
      );
      for (const base of plurals)
        for (const form of neededForms(language))
          expect(entries.has(`${base}_${form}`), `${language}: ${base}_${form}`).toBe(true);
    }
  });

  it('uses the same interpolation variables in both languages', () => {
    for (const [base, forms] of bases) {
      const vars = (language: string) => [...new Set((forms.get(language) ?? []).flatMap(variables))].sort();
      // Plural forms may leave out {{count}} ("one" said as a word); every other variable must agree.
      const without = (list: string[]) => list.filter((v) => v !== 'count');
      expect(without(vars('es')), base).toEqual(without(vars('en')));
    }
  });

  it('fails on a key missing or empty in either language', () => {
    // The same checks, on a broken copy: proves the tests above can fail.
    const broken = leaves({
      ...CATALOGUE.es,
      query: { ...(CATALOGUE.es as { query: object }).query, noMore: '' },
    });
    expect([...broken].filter(([, t]) => t === '').map(([k]) => k)).toEqual(['query.noMore']);
    const english = leaves(CATALOGUE.en);
    const spanish = leaves({ ...CATALOGUE.es, help: {} });
    expect(
      [...english.keys()].filter((k) => k.startsWith('help.') && !spanish.has(k)).length,
    ).toBeGreaterThan(5);
  });

  it('says schedules in Spanish', () => {
    const es = subscriptionMessagesFor('es');
    expect(describeCadence({ kind: 'daily', time: '08:00' }, es)).toBe('cada día a las 08:00');
    expect(describeCadence({ kind: 'weekly', day: 'wednesday', time: '09:30' }, es)).toBe(
      'cada miércoles a las 09:30',
    );
    expect(describeCadence({ kind: 'alerts' }, es)).toBe('en cuanto lleguen artículos nuevos');
    expect(describeCadence({ kind: 'daily', time: '08:00' })).toBe('every day at 08:00');
    const at = Date.parse('2026-11-23T07:00:00Z');
    expect(formatInZone(at, 'Europe/Madrid', es)).toMatch(/^lun 23 nov 2026, 08:00 /);
    expect(formatInZone(at, 'Europe/Madrid')).toBe('Mon 23 Nov 2026, 08:00 CET');
  });
});

const article = (id: string, topics: string[]): Article => ({
  id,
  title: `Story ${id}`,
  titleSource: 'seen',
  summary: 'Summary.',
  body: 'Body.',
  passages: [],
  url: `https://example.org/${id}`,
  urlKind: 'article',
  publishedAt: '2023-09-01',
  datePrecision: 'day',
  dateSource: 'seen',
  language: 'es',
  topics,
  source: 'Example',
  file: `${id}.md`,
});

const chat = (over: Partial<ChatContext> = {}): ChatContext => ({
  platform: 'telegram',
  chatId: '-100200',
  title: 'Noticias',
  userId: 'u1',
  userCanManage: true,
  botCanPost: true,
  isPrivate: false,
  ...over,
});

/** English words of the subscription dialogue that must never show in a Spanish answer. */
const ENGLISH_CHROME =
  /\b(Subscribed|Updated|Unsubscribed|Subscriptions of|will get|every day|Next post|If nothing|Stop with|no more posts|has no|Which|Only|administrators|I can't|is not|Usage|Paused|Resumed|Posting|paused|next Mon|Mon |Peru|Strikes|Mexico)\b/;

describe('the subscription dialogue in Spanish', () => {
  let dir: string;
  let store: Store;
  let handler: SubscriptionHandler;
  const say = async (command: Command, locale: string | undefined, c: ChatContext = chat()) => {
    const reply: Reply = await handler.handle(command, { chat: c, ...(locale ? { locale } : {}) });
    if (reply.kind !== 'notice') throw new Error(`expected a notice, got ${reply.kind}`);
    return reply;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-messages-'));
    store = openSqliteStore({ dataDir: dir });
    handler = createSubscriptionHandler({
      places: placeModels(PLATFORMS),
      store,
      source: () =>
        fixedDigestSource(
          [article('pe1', ['peru']), article('st1', ['general-strike'])],
          [
            { id: 'peru', name: 'Peru', nameEs: 'Perú', kind: 'country', aliases: ['perú'] },
            { id: 'general-strike', name: 'Strikes', nameEs: 'Huelgas', kind: 'theme', aliases: ['huelga'] },
          ],
        ),
      defaultTimezone: 'Europe/Madrid',
      clock: manualClock('2026-11-22T10:00:00Z'),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('confirms /subscribe, lists /subscriptions and confirms /unsubscribe in Spanish', async () => {
    const made = await say({ kind: 'subscribe', args: 'peru, general-strike weekly lunes 09:30' }, 'es-PE');
    expect(made.tone).toBe('info');
    expect(made.message).toContain('Suscrito (#1): Este chat recibirá un resumen sobre Perú, Huelgas');
    expect(made.message).toContain('cada lunes a las 09:30 (Europe/Madrid)');
    expect(made.message).toContain('Próxima publicación: lun 23 nov 2026, 09:30');
    expect(made.message).not.toMatch(ENGLISH_CHROME);

    const listed = await say({ kind: 'subscriptions' }, 'es');
    expect(listed.message).toMatch(/^Suscripciones de este chat:\n#1 Perú, Huelgas: cada lunes a las 09:30/);
    expect(listed.manage?.[0]?.label).toBe('Perú, Huelgas');
    expect(listed.message).not.toMatch(ENGLISH_CHROME);

    const paused = await say({ kind: 'manage', action: 'pause', id: 1 }, 'es');
    expect(paused.message).toMatch(/^#1 Perú, Huelgas en pausa: /);
    expect(paused.message).toContain(
      '#1 Perú, Huelgas: cada lunes a las 09:30 (Europe/Madrid) — en pausa: pausada por un administrador',
    );
    expect(paused.message).not.toMatch(ENGLISH_CHROME);
    const resumed = await say({ kind: 'manage', action: 'resume', id: 1 }, 'es');
    expect(resumed.message).toMatch(/^#1 Perú, Huelgas reanudada\.\n\nSuscripciones de este chat:/);

    const gone = await say({ kind: 'unsubscribe', args: 'Perú, Huelgas' }, 'es');
    expect(gone.message).toBe(
      'Suscripción cancelada (#1): no habrá más publicaciones sobre Perú, Huelgas en este chat.',
    );
    const none = await say({ kind: 'subscriptions' }, 'es');
    expect(none.message).toMatch(/^Este chat no tiene suscripciones\. Crea una con \/subscribe <tema>/);
    expect(none.message).not.toMatch(ENGLISH_CHROME);
  });

  it('refuses in Spanish: bad input, unknown topics, missing rights', async () => {
    const cases: [Command, ChatContext?][] = [
      [{ kind: 'subscribe', args: 'peru daily 25:00' }],
      [{ kind: 'subscribe', args: 'peru weekly 08:00' }],
      [{ kind: 'subscribe', args: 'peru lang:fr' }],
      [{ kind: 'subscribe', args: 'atlantis' }],
      [{ kind: 'subscribe', args: 'peru cron */5 * * * *' }],
      [{ kind: 'subscribe', args: 'peru' }, chat({ userCanManage: false })],
      [{ kind: 'subscribe', args: 'peru' }, chat({ botCanPost: false })],
      [{ kind: 'unsubscribe', args: '' }],
      [{ kind: 'unsubscribe', args: 'peru' }],
    ];
    for (const [command, c] of cases) {
      const reply = await say(command, 'es-ES', c);
      expect(reply.tone, reply.message).toBe('error');
      expect(reply.message).not.toMatch(ENGLISH_CHROME);
      // The same refusal in English is different words, not the same text.
      const english = await say(command, 'en', c);
      expect(english.message).not.toBe(reply.message);
    }
    expect((await say({ kind: 'subscribe', args: 'peru cron */5 * * * *' }, 'es')).message).toBe(
      'Los resúmenes pueden llegar como mucho cada 15 minutos.',
    );
  });

  it('keeps English for English and unknown locales', async () => {
    const made = await say({ kind: 'subscribe', args: 'peru' }, 'fr-FR');
    expect(made.message).toMatch(
      /^Subscribed \(#1\): This chat will get a briefing on Peru every day at 08:00/,
    );
    const listed = await say({ kind: 'subscriptions' }, undefined);
    expect(listed.message).toMatch(/^Subscriptions of this chat:\n#1 Peru: every day at 08:00/);
    expect(listed.message).not.toMatch(/Perú|cada|Suscrip/);
  });
});
