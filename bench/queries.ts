/**
 * The fixed query mix measured at every size: one common word, one rare word, two- and three-word
 * queries, a Spanish query, typos, as-you-type prefixes, `latest <topic>` and `brief <topic>`.
 */
import type { Content } from '../src/content/load.ts';
import type { TextLanguage } from '../src/text/language.ts';

export type QueryKind = 'search' | 'prefix' | 'latest' | 'brief';

export interface QueryCase {
  /** The row of the results table this query counts towards. */
  label: string;
  kind: QueryKind;
  text: string;
  language?: TextLanguage;
}

/** Every keystroke from the third letter on, as inline mode sends them. */
function keystrokes(text: string): string[] {
  return Array.from({ length: text.length - 2 }, (_, i) => text.slice(0, i + 3)).filter(
    (t) => !t.endsWith(' '),
  );
}

/**
 * A name that occurs in exactly one article: the rare-word case. Taken from the newest coined
 * names (the end of the corpus), so it exists at every size.
 */
export function rareWord(content: Content): string {
  const counts = new Map<string, number>();
  for (const a of content.articles) {
    for (const w of new Set(`${a.title} ${a.body}`.match(/\p{Lu}\p{Ll}{5,}/gu) ?? [])) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  for (let i = content.articles.length - 1; i >= 0; i--) {
    const a = content.articles[i];
    for (const w of a?.title.match(/\p{Lu}\p{Ll}{5,}/gu) ?? []) if (counts.get(w) === 1) return w;
  }
  return 'Tenochtitlan';
}

/** The mix for one corpus. */
export function queryMix(content: Content): QueryCase[] {
  return [
    { label: 'common word', kind: 'search', text: 'workers' },
    { label: 'rare word', kind: 'search', text: rareWord(content) },
    { label: 'two words', kind: 'search', text: 'general strike' },
    { label: 'three words', kind: 'search', text: 'workers occupied factories' },
    { label: 'Spanish', kind: 'search', text: 'la lucha de los trabajadores', language: 'es' },
    { label: 'typo', kind: 'search', text: 'revolutoinary' },
    { label: 'typo', kind: 'search', text: 'venezuala' },
    ...[...keystrokes('revolutionary workers'), ...keystrokes('mexico'), ...keystrokes('privat')].map(
      (text): QueryCase => ({ label: 'as-you-type', kind: 'prefix', text }),
    ),
    { label: 'latest <topic>', kind: 'latest', text: 'argentina' },
    { label: 'latest <topic>', kind: 'latest', text: 'mexico' },
    { label: 'latest <topic>', kind: 'latest', text: 'zelaya' },
    { label: 'brief <topic>', kind: 'brief', text: 'bolivia' },
    { label: 'brief <topic>', kind: 'brief', text: 'argentina' },
  ];
}
