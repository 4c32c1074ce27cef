/**
 * The synthetic corpus: articles made from the seed articles' sentences, with names, places and
 * numbers varied so the vocabulary keeps growing with the archive (Heaps' law) instead of a few
 * hundred sentences reshuffled. Deterministic from a seed; built in memory as `Content`, and
 * writable as a Markdown content directory for measuring a real cold start.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GAZETTEER_FILE } from '../src/content/files.ts';
import { type Content, loadContent } from '../src/content/read.ts';
import { fold } from '../src/text/normalize.ts';
import { sentences } from '../src/text/summary.ts';
import type { Article, Passage, Topic } from '../src/types.ts';
import { GrowingVocabulary, Random, Zipf } from './random.ts';

/** Bump when generation changes, so cached bench indexes are not reused across versions. */
const GENERATOR_VERSION = 1;
const FIRST_DAY = Date.UTC(2000, 0, 1);
const DAYS = 25 * 365;
const SHARE_SPANISH = 0.15;
const SHARE_LONG = 0.03;
const SHARE_TWINNED = 0.01;
const SOURCES = ['In Defence of Marxism', 'Marxist.com', 'Socialist Appeal', 'Fightback', 'Lucha de Clases'];
const SYLLABLES =
  'ma ri to ca sa len dro vi za que bel gon ta ru mi al fer nan do es lo pa co ber ti gu'.split(' ');

/** A sentence cut into literal text and slots to fill. */
type Part = string | { slot: 'name' | 'place' | 'number' };
type Template = Part[];

interface Templates {
  sentences: Record<'en' | 'es', Template[]>;
  titles: Record<'en' | 'es', Template[]>;
  headings: Template[];
}

const TOKEN = /(\p{Lu}[\p{L}\p{M}'’-]*(?:\s+\p{Lu}[\p{L}\p{M}'’-]*)*|\d[\d,.]*\d|\d)/gu;

/** Cuts a seed sentence into a template: capitalised words inside it become name or place slots. */
function template(text: string, placeWords: ReadonlySet<string>): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    const token = m[0];
    const initial = at === 0 || /[.!?:]\s*$/.test(text.slice(0, at));
    if (at > last) parts.push(text.slice(last, at));
    if (/^\d/.test(token)) parts.push({ slot: 'number' });
    else if (token.split(/\s+/).some((w) => placeWords.has(fold(w)))) parts.push({ slot: 'place' });
    else if (initial && !token.includes(' ')) parts.push(token);
    else parts.push({ slot: 'name' });
    last = at + token.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function templatesOf(seed: Content): Templates {
  const placeWords = new Set<string>();
  for (const t of seed.topics) {
    for (const name of [t.name, ...t.aliases]) {
      for (const w of fold(name.replace(/^=/, '')).split(/\s+/)) if (w.length > 2) placeWords.add(w);
    }
  }
  const out: Templates = { sentences: { en: [], es: [] }, titles: { en: [], es: [] }, headings: [] };
  for (const a of seed.articles) {
    const lang = a.language === 'es' ? 'es' : 'en';
    out.titles[lang].push(template(a.title, placeWords));
    for (const s of sentences(a.body, lang))
      if (s.length > 30) out.sentences[lang].push(template(s, placeWords));
    for (const p of a.passages) out.headings.push(template(p.heading, placeWords));
  }
  // Too few Spanish seed sentences would make a tiny Spanish vocabulary: lend the titles too.
  out.sentences.es.push(...out.titles.es);
  return out;
}

/** Names coined from syllables: distinct for every index, pronounceable, stable across runs. */
function coinName(index: number): string {
  let n = index + SYLLABLES.length;
  let word = '';
  while (n > 0) {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export interface CorpusOptions {
  size: number;
  seed?: number;
}

/**
 * Generates `size` articles from the seed content in `content/`. Topics follow a Zipf law over
 * the gazetteer; dates are spread over 25 years; 15% are Spanish, 3% are long articles with
 * sections, 1% have a twin in the other language. Topics are tagged by the real TopicMatcher.
 */
export function generateCorpus(seedContent: Content, { size, seed = 1 }: CorpusOptions): Content {
  const random = new Random(seed);
  const templates = templatesOf(seedContent);
  const names = new GrowingVocabulary(coinName, 30, 0.6);
  const topics = [...seedContent.topics].sort(
    (a, b) => Number(b.kind === 'country') - Number(a.kind === 'country') || a.id.localeCompare(b.id),
  );
  const topicRank = new Zipf(topics.length, 1.1);
  const fill = (parts: Template, places: readonly Topic[]): string =>
    parts
      .map((p) => {
        if (typeof p === 'string') return p;
        if (p.slot === 'number')
          return String(random.next() < 0.3 ? 1950 + random.int(75) : random.int(5000));
        if (p.slot === 'place') return random.pick(places).name;
        return names.draw(random);
      })
      .join('');

  const articles: Article[] = [];
  for (let i = 0; i < size; i++) {
    const twin = i > 0 && random.next() < SHARE_TWINNED ? articles[i - 1] : undefined;
    const lang = twin ? (twin.language === 'es' ? 'en' : 'es') : random.next() < SHARE_SPANISH ? 'es' : 'en';
    const primary = twin
      ? (topics.find((t) => t.id === twin.topics[0]) ?? topics[0])
      : topics[topicRank.draw(random)];
    const places = [primary as Topic];
    if (random.next() < 0.35) places.push(topics[topicRank.draw(random)] as Topic);
    const sentence = () => fill(random.pick(templates.sentences[lang]), places);
    const paragraph = (min: number, spread: number) =>
      Array.from({ length: min + random.int(spread) }, sentence).join(' ');
    const id = `syn-${seed}-${i}`;
    const title = fill(random.pick(templates.titles[lang]), places);
    const long = templates.headings.length > 0 && random.next() < SHARE_LONG;
    const passages: Passage[] = long
      ? Array.from({ length: 3 + random.int(4) }, () => ({
          heading: fill(random.pick(templates.headings), places),
          text: paragraph(4, 5),
        }))
      : [];
    const summary = paragraph(1, 3);
    const body = long ? [summary, ...passages.map((p) => `${p.heading}\n\n${p.text}`)].join('\n\n') : summary;
    const day = new Date(FIRST_DAY + random.int(DAYS) * 86_400_000).toISOString().slice(0, 10);
    const article: Article = {
      id,
      title,
      titleSource: 'seen',
      summary,
      body,
      passages,
      url: `https://archive.example.org/${id}`,
      urlKind: 'article',
      publishedAt: day,
      datePrecision: 'day',
      dateSource: 'seen',
      language: lang,
      topics: seedContent.matcher.tag(
        title,
        body,
        passages.map((p) => p.heading),
        [(primary as Topic).id],
      ),
      source: random.pick(SOURCES),
      file: `synthetic/${id}.md`,
      twinOf: twin?.id,
    };
    if (twin) twin.twinOf = id;
    articles.push(article);
  }
  const fingerprint = createHash('sha256')
    .update(`synthetic:${GENERATOR_VERSION}:${seed}:${size}:${seedContent.fingerprint}`)
    .digest('hex');
  return { articles, topics: seedContent.topics, matcher: seedContent.matcher, problems: [], fingerprint };
}

/** The seed content the generator draws its sentences and gazetteer from. */
export function loadSeed(contentDir = 'content'): Promise<Content> {
  return loadContent(contentDir);
}

/** Distinct index words in a corpus, for showing that vocabulary grows with size. */
export function vocabularySize(content: Content): number {
  const seen = new Set<string>();
  for (const a of content.articles)
    for (const w of fold(`${a.title} ${a.body}`).split(/[^\p{L}\p{N}]+/u)) seen.add(w);
  return seen.size;
}

const yamlString = (s: string) => JSON.stringify(s);

/**
 * Writes a corpus as a content directory of Markdown articles (plus the seed gazetteer), the
 * shape an operator would use for a large archive, so cold start is measured end to end.
 */
export async function writeContentDir(content: Content, seedDir: string, dir: string): Promise<void> {
  await mkdir(join(dir, 'synthetic'), { recursive: true });
  await copyFile(join(seedDir, GAZETTEER_FILE), join(dir, GAZETTEER_FILE));
  const batch: Promise<void>[] = [];
  for (const a of content.articles) {
    const front = [
      '---',
      `id: ${a.id}`,
      `title: ${yamlString(a.title)}`,
      `date: ${a.publishedAt}`,
      `url: ${a.url}`,
      `language: ${a.language}`,
      `source: ${yamlString(a.source)}`,
      ...(a.twinOf ? [`twin: ${a.twinOf}`] : []),
      '---',
      '',
    ].join('\n');
    const sections = a.passages.map((p) => `## ${p.heading.replace(/\n/g, ' ')}\n\n${p.text}`);
    batch.push(writeFile(join(dir, a.file), `${front}${[a.summary, ...sections].join('\n\n')}\n`));
    if (batch.length >= 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}
