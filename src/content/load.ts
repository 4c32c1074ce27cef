import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../logger.ts';
import { Engine, INDEX_FORMAT } from '../search/engine.ts';
import { fold, nfc, squash } from '../text/normalize.ts';
import { headline, summarize } from '../text/summary.ts';
import type { Article, Topic } from '../types.ts';
import { precisionOf } from './dates.ts';
import { ContentError, type ContentProblem, problemMessage } from './errors.ts';
import { parseListing } from './listing.ts';
import { parseMarkdownArticle } from './markdown.ts';
import {
  firstIssue,
  type GazetteerTopic,
  gazetteerSchema,
  isFutureDate,
  type SourceFile,
  sourcesSchema,
} from './metadata.ts';
import { TopicMatcher } from './topics.ts';

export const SOURCES_FILE = 'sources.yaml';
export const GAZETTEER_FILE = 'gazetteer.yaml';
/** Content files read concurrently. */
const READ_BATCH = 64;
/** Default cap on one content file: far above any article, far below what stalls a start-up. */
export const DEFAULT_MAX_FILE_BYTES = 5 * 2 ** 20;

export interface LoadContentOptions {
  /** Files larger than this are reported and skipped (default 5 MB). */
  maxFileBytes?: number;
  /** "Now", for flagging dates in the future (tests pin it). */
  now?: Date;
}

export interface Content {
  articles: Article[];
  topics: Topic[];
  matcher: TopicMatcher;
  /** Every file that was skipped or partly skipped, and why. */
  problems: ContentProblem[];
  /** Hash of every content file: the index cache key. */
  fingerprint: string;
}

/** All files under dir (recursively), relative paths, sorted so loading order is stable. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function parseYamlFile(file: string, text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ContentError(file, '(file)', `is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Seed ids: the file's hash-like name part and the item number, e.g. `15f06f-05`. */
function seedId(file: string, item: number): string {
  const stem = basename(file, '.txt');
  const key = /_([0-9a-f]{6})/.exec(stem)?.[1] ?? stem.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 30);
  return `${key}-${String(item).padStart(2, '0')}`;
}

function markdownId(file: string): string {
  return basename(file, '.md')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function seedArticles(file: string, text: string, meta: SourceFile): Article[] {
  const raw = parseListing(file, text, meta);
  if (raw.length !== meta.items.length) {
    throw new ContentError(
      file,
      'items',
      `the file holds ${raw.length} articles but ${SOURCES_FILE} describes ${meta.items.length}`,
    );
  }
  const ids = raw.map((_, i) => seedId(file, i + 1));
  return raw.map((item, i) => {
    const facts = meta.items[i] as (typeof meta.items)[number];
    const opening = item.title ?? item.text;
    if (!squash(fold(opening)).startsWith(squash(fold(facts.first)))) {
      throw new ContentError(
        file,
        `items[${i}].first`,
        `expected the article to start with "${facts.first}" but it starts with "${opening.slice(0, 40)}"`,
      );
    }
    const language = facts.language ?? meta.language;
    const title = facts.title ?? item.title ?? headline(item.text, 90, language);
    if (facts.twin !== undefined && !ids[facts.twin - 1]) {
      throw new ContentError(file, `items[${i}].twin`, `there is no item ${facts.twin}`);
    }
    const body = item.passages.length
      ? [item.text, ...item.passages.map((p) => `${p.heading}\n\n${p.text}`)].join('\n\n')
      : item.text;
    return {
      id: ids[i] as string,
      title,
      titleSource: facts.title || item.title ? 'seen' : 'derived',
      summary: item.text,
      body,
      passages: item.passages,
      url: facts.url ?? meta.listingUrl,
      urlKind: facts.url ? 'article' : 'listing',
      publishedAt: facts.date,
      datePrecision: precisionOf(facts.date),
      dateSource: facts.dateSource,
      dateNote: facts.dateNote,
      language,
      topics: [],
      source: meta.source,
      file,
      twinOf: facts.twin !== undefined ? ids[facts.twin - 1] : undefined,
    } satisfies Article;
  });
}

function markdownArticle(file: string, text: string, topics: Set<string>): Article {
  const { meta, text: body, passages } = parseMarkdownArticle(file, text);
  const unknown = meta.topics.find((t) => !topics.has(t));
  if (unknown) throw new ContentError(file, 'topics', `"${unknown}" is not a topic in ${GAZETTEER_FILE}`);
  return {
    id: meta.id ?? markdownId(file),
    title: squash(meta.title),
    titleSource: 'seen',
    summary: meta.summary ?? summarize(body, 400, meta.language),
    body: body || (meta.summary as string),
    passages,
    url: meta.url,
    urlKind: 'article',
    publishedAt: meta.date,
    datePrecision: precisionOf(meta.date),
    dateSource: meta.dateSource,
    language: meta.language,
    topics: meta.topics,
    source: meta.source ?? new URL(meta.url).hostname.replace(/^www\./, ''),
    file,
    twinOf: meta.twin,
  };
}

/**
 * Reads content/: the gazetteer, the seed listings with their facts from sources.yaml, and any
 * Markdown articles. A bad file is reported in `problems` (file, field, reason, outcome) and
 * skipped; the rest still loads. Only a missing or broken gazetteer is fatal, since nothing can be
 * tagged. Every text is put in Unicode NFC first. Seed listings load before Markdown files, so
 * when two files claim one article id, the Markdown file is the later one and only its article is
 * left out.
 */
export async function loadContent(
  dir: string,
  logger?: Logger,
  options: LoadContentOptions = {},
): Promise<Content> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const now = options.now ?? new Date();
  const files = await listFiles(dir);
  const problems: ContentProblem[] = [];
  const texts = new Map<string, string>();
  const hash = createHash('sha256');
  const wanted = files.filter((f) => /\.(txt|md|ya?ml)$/i.test(f) && !/^readme\.md$/i.test(basename(f)));
  // Reads overlap: one at a time, a 100,000-article archive spends most of its start-up waiting.
  for (let start = 0; start < wanted.length; start += READ_BATCH) {
    const batch = wanted.slice(start, start + READ_BATCH);
    const read = await Promise.all(
      batch.map(async (file) => {
        const { size } = await stat(join(dir, file));
        if (size > maxBytes) return size;
        return readFile(join(dir, file), 'utf8');
      }),
    );
    batch.forEach((file, k) => {
      const got = read[k] as string | number;
      if (typeof got === 'number') {
        problems.push({
          file,
          field: '(file)',
          reason: `is ${megabytes(got)}, over the ${megabytes(maxBytes)} cap on one content file (CONTENT_MAX_FILE_MB)`,
          outcome: 'file skipped',
        });
        return;
      }
      const text = nfc(got);
      texts.set(file, text);
      hash.update(file).update('\0').update(text).update('\0');
    });
  }

  const gazetteerText = texts.get(GAZETTEER_FILE);
  if (gazetteerText === undefined) throw new ContentError(GAZETTEER_FILE, '(file)', `is missing from ${dir}`);
  const gazetteer = gazetteerSchema.safeParse(parseYamlFile(GAZETTEER_FILE, gazetteerText));
  if (!gazetteer.success) {
    const { field, reason } = firstIssue(gazetteer.error, 'topics');
    throw new ContentError(GAZETTEER_FILE, field, reason);
  }
  const matcher = new TopicMatcher(gazetteer.data.topics as GazetteerTopic[]);
  const topicIds = new Set(matcher.topics.map((t) => t.id));

  let sources: Record<string, SourceFile> = {};
  const sourcesText = texts.get(SOURCES_FILE);
  if (sourcesText !== undefined) {
    try {
      const parsed = sourcesSchema.safeParse(parseYamlFile(SOURCES_FILE, sourcesText));
      if (!parsed.success) {
        const { field, reason } = firstIssue(parsed.error);
        throw new ContentError(SOURCES_FILE, field, reason);
      }
      sources = parsed.data.files;
    } catch (error) {
      if (!(error instanceof ContentError)) throw error;
      problems.push({ file: error.file, field: error.field, reason: error.reason, outcome: 'file skipped' });
    }
  }

  const articles: Article[] = [];
  const seen = new Map<string, string>();
  // Seed listings first: they own their ids, and a Markdown file reusing one must not knock them out.
  const order = [...texts.keys()].sort(
    (a, b) => Number(a.endsWith('.md')) - Number(b.endsWith('.md')) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const file of order) {
    const text = texts.get(file) as string;
    try {
      let found: Article[];
      if (file.endsWith('.txt')) {
        const meta = sources[basename(file)];
        if (!meta)
          throw new ContentError(
            file,
            '(file)',
            `has no entry in ${SOURCES_FILE}, so its dates and links are unknown`,
          );
        found = seedArticles(file, text, meta);
      } else if (file.endsWith('.md')) {
        found = [markdownArticle(file, text, topicIds)];
      } else {
        continue;
      }
      for (const a of found) {
        const other = seen.get(a.id);
        if (other) {
          // Only the later duplicate goes; the rest of its file is served.
          problems.push({
            file,
            field: 'id',
            reason: `"${a.id}" is already used by ${other}; this later article is skipped (give it another id)`,
            outcome: found.length > 1 ? 'article skipped' : 'file skipped',
          });
          continue;
        }
        seen.set(a.id, file);
        const headings = a.passages.map((p) => p.heading);
        a.topics = matcher.tag(a.title, a.body, headings, a.topics);
        articles.push(a);
      }
    } catch (error) {
      if (!(error instanceof ContentError)) throw error;
      problems.push({ file: error.file, field: error.field, reason: error.reason, outcome: 'file skipped' });
    }
  }

  // Twins point both ways, whichever side declared it.
  const byId = new Map(articles.map((a) => [a.id, a]));
  for (const a of articles) {
    if (!a.twinOf) continue;
    const twin = byId.get(a.twinOf);
    if (twin) twin.twinOf ??= a.id;
    else {
      // The article is served, without the link: reported as flagged, not as skipped.
      problems.push({
        file: a.file,
        field: 'twin',
        reason: `"${a.twinOf}" is not a known article id; served without a twin`,
        outcome: 'flagged',
      });
      a.twinOf = undefined;
    }
  }

  problems.push(...futureDates(articles, now));
  logProblems(problems, logger);
  return { articles, topics: matcher.topics, matcher, problems, fingerprint: hash.digest('hex') };
}

const FUTURE = 'is in the future';

/**
 * Articles dated after today: served, but flagged for a look (a typo such as 2042 for 2024 would
 * otherwise sit at the top of every `latest` list). Worked out on every start, cached or not.
 */
function futureDates(articles: readonly Article[], now: Date): ContentProblem[] {
  return articles
    .filter((a) => isFutureDate(a.publishedAt, now))
    .map((a) => ({
      file: a.file,
      field: a.file.endsWith('.md') ? 'date' : `${a.id}.date (${SOURCES_FILE})`,
      reason: `${a.publishedAt} ${FUTURE}; the article is served with that date (check it)`,
      outcome: 'flagged' as const,
    }));
}

function megabytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}

export function logProblems(problems: readonly ContentProblem[], logger: Logger | undefined): void {
  for (const p of problems) logger?.warn(p, problemMessage(p.outcome));
}

export interface LoadEngineOptions extends LoadContentOptions {
  contentDir: string;
  /** Where the index cache lives; omit to always build in memory. */
  dataDir?: string;
  logger?: Logger;
}

/** Bump when Article records or their parsing change, so cached content is re-read. */
const CONTENT_CACHE_FORMAT = 3;
/** The parsed-content cache in the data directory: its key on the first line, then JSON. */
const CONTENT_CACHE_FILE = 'content.json';

/**
 * A cheap key for the content directory: every file's path, size and modification time. Reading
 * and parsing 100,000 Markdown files takes many seconds; stating them takes a fraction of one
 * (synchronously: a stat is too short to be worth a trip through the thread pool).
 */
async function statKey(dir: string, maxBytes: number): Promise<string> {
  const hash = createHash('sha256').update(`${CONTENT_CACHE_FORMAT}\0${maxBytes}\0`);
  for (const file of await listFiles(dir)) {
    const { size, mtimeMs } = statSync(join(dir, file));
    hash.update(`${file}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Cache files are JSON with every non-ASCII character escaped, so they decode as Latin-1: a copy,
 * where UTF-8 decoding of 100 MB costs a noticeable part of a warm start.
 */
async function readCacheText(file: string): Promise<string> {
  return (await readFile(file)).toString('latin1');
}

function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface CachedContent {
  format: number;
  fingerprint: string;
  problems: ContentProblem[];
  /** Articles; a body equal to the summary is left out (most listing items). */
  articles: (Omit<Article, 'body'> & { body?: string })[];
}

/** Content from the cache written for the same files (same key), or undefined. The gazetteer is re-read: it is small. */
async function cachedContent(
  contentDir: string,
  file: Buffer | undefined,
  key: string,
): Promise<Content | undefined> {
  if (!file || file.toString('latin1', 0, key.length + 1) !== `${key}\n`) return undefined;
  let cached: CachedContent;
  try {
    cached = JSON.parse(file.toString('latin1', key.length + 1)) as CachedContent;
  } catch {
    return undefined;
  }
  if (cached.format !== CONTENT_CACHE_FORMAT || !Array.isArray(cached.articles)) return undefined;
  const gazetteer = gazetteerSchema.parse(
    parseYamlFile(GAZETTEER_FILE, nfc(await readFile(join(contentDir, GAZETTEER_FILE), 'utf8'))),
  );
  const matcher = new TopicMatcher(gazetteer.topics as GazetteerTopic[]);
  // Filled in place: copying 100,000 records would double the garbage of a warm start.
  for (const a of cached.articles) a.body ??= a.summary;
  const articles = cached.articles as Article[];
  return {
    articles,
    topics: matcher.topics,
    matcher,
    problems: cached.problems,
    fingerprint: cached.fingerprint,
  };
}

function contentCacheJson(content: Content): string {
  const cached: CachedContent = {
    format: CONTENT_CACHE_FORMAT,
    fingerprint: content.fingerprint,
    // Future dates are worked out again on each start: tomorrow they may be past.
    problems: content.problems.filter((p) => p.outcome !== 'flagged' || !p.reason.includes(FUTURE)),
    articles: content.articles.map((a) => (a.body === a.summary ? { ...a, body: undefined } : a)),
  };
  return JSON.stringify(cached);
}

/**
 * Loads content and returns an engine over it. With a data directory, two caches make restarts
 * fast: the parsed articles in `<dataDir>/content.json`, keyed by every content file's path, size
 * and modification time, and the index in `<dataDir>/index-<version>.json`, keyed by the content
 * fingerprint and index format. Stale cache files are removed.
 */
export async function loadEngine({ contentDir, dataDir, logger, ...options }: LoadEngineOptions): Promise<{
  engine: Engine;
  problems: ContentProblem[];
  /** The content the engine serves (for handing it to another thread). */
  content: Content;
}> {
  const contentFile = dataDir ? join(dataDir, CONTENT_CACHE_FILE) : undefined;
  // The cache is read while the content directory is stated: the two overlap.
  const pending = contentFile ? readFile(contentFile).catch(() => undefined) : undefined;
  const key = dataDir ? await statKey(contentDir, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) : '';
  let content = pending ? await cachedContent(contentDir, await pending, key) : undefined;
  if (content) {
    content.problems.push(...futureDates(content.articles, options.now ?? new Date()));
    logProblems(content.problems, logger);
  } else {
    content = await loadContent(contentDir, logger, options);
    if (dataDir && contentFile)
      await writeCache(dataDir, contentFile, `${key}\n${contentCacheJson(content)}`, 'content', logger);
  }
  const started = performance.now();
  const version = `${INDEX_FORMAT}-${content.fingerprint.slice(0, 16)}`;
  const cacheFile = dataDir ? join(dataDir, `index-${version}.json`) : undefined;
  let engine: Engine | undefined;
  if (cacheFile) {
    try {
      engine = Engine.restore(content, await readCacheText(cacheFile));
      logger?.debug({ cacheFile }, 'index loaded from cache');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        logger?.warn({ err: error, cacheFile }, 'index cache unreadable; rebuilding');
    }
  }
  if (!engine) {
    engine = Engine.build(content);
    if (dataDir && cacheFile) await writeCache(dataDir, cacheFile, engine.serialize(), 'index', logger);
  }
  logger?.info(
    {
      articles: content.articles.length,
      problems: content.problems.length,
      ms: Math.round(performance.now() - started),
    },
    'content indexed',
  );
  return { engine, problems: content.problems, content };
}

async function writeCache(
  dataDir: string,
  cacheFile: string,
  json: string,
  kind: 'index' | 'content',
  logger?: Logger,
): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(tmp, asciiJson(json));
    await rename(tmp, cacheFile);
    for (const name of await readdir(dataDir)) {
      const ours = name.startsWith(`${kind}-`) || name === `${kind}.json`;
      if (ours && name.endsWith('.json') && join(dataDir, name) !== cacheFile)
        await rm(join(dataDir, name), { force: true });
    }
  } catch (error) {
    // A read-only data directory costs start-up time, not answers.
    logger?.warn({ err: error, dataDir }, 'could not write the index cache');
  }
}
