import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../logger.ts';
import { type AnalysedDocs, articleDocs } from '../search/documents.ts';
import { analysisOnce } from '../text/analyze.ts';
import { fold, nfc, squash } from '../text/normalize.ts';
import { headline, summarize } from '../text/summary.ts';
import type { Article, Topic } from '../types.ts';
import { futureDates, precisionOf } from './dates.ts';
import { ContentError, type ContentProblem, logProblems } from './errors.ts';
import { CONTENT_FORMAT, DEFAULT_MAX_FILE_BYTES, GAZETTEER_FILE, SOURCES_FILE } from './files.ts';
import { parseListing } from './listing.ts';
import { parseMarkdownArticle } from './markdown.ts';
import {
  firstIssue,
  type GazetteerTopic,
  gazetteerSchema,
  type SourceFile,
  sourcesSchema,
} from './metadata.ts';
import type { FileStamp } from './snapshot.ts';
import { TopicMatcher } from './topics.ts';

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

/** Content files: what `readContent` reads, in a stable order. */
function wantedFile(file: string): boolean {
  return /\.(txt|md|ya?ml)$/i.test(file) && !/^readme\.md$/i.test(basename(file));
}

/**
 * All files under dir (recursively), relative paths, sorted so loading order is stable; and every
 * directory (the root as ''), whose modification times tell a warm start that no file was added,
 * removed or renamed. Paths are cut from the listing's own, not resolved again: at 100,000 files,
 * `relative(join(…))` per entry took longer than the listing.
 */
function listTree(dir: string): { files: string[]; dirs: string[] } {
  // Normalised as the listing normalises the paths below the root ("./content/" → "content").
  const base = join(dir).replace(/(.)[\\/]+$/, '$1');
  const entries = readdirSync(base, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  const dirs = [''];
  for (const e of entries) {
    const parent = e.parentPath.length > base.length ? `${e.parentPath.slice(base.length + 1)}${sep}` : '';
    if (e.isDirectory()) dirs.push(`${parent}${e.name}`);
    else if (e.isFile() && !e.name.startsWith('.')) files.push(`${parent}${e.name}`);
  }
  return { files: files.sort(), dirs: dirs.sort() };
}

type FileStats = Map<string, { size: number; mtimeMs: number }>;

/** Size and modification time of a wanted file into `stats`; a file removed meanwhile is left out. */
function statInto(stats: FileStats, dir: string, file: string): void {
  if (!wantedFile(file)) return;
  try {
    const { size, mtimeMs } = statSync(`${dir}${sep}${file}`);
    stats.set(file, { size, mtimeMs });
  } catch {
    // Removed between listing and stating: as if never listed.
  }
}

/**
 * Every directory and wanted file of the tree; the files are stated later, and only when a parse
 * cache can spare their reading (see `planRead`).
 */
function scanTree(dir: string): { dirs: string[]; dirTimes: number[]; files: string[] } {
  // Directories are stated before files are listed: a file added meanwhile changes a time after the one kept.
  const tree = listTree(dir);
  const dirTimes = directoryTimes(dir, tree.dirs);
  return { dirs: tree.dirs, dirTimes, files: tree.files.filter(wantedFile) };
}

/**
 * The tree as `prior` saw it, with only the `changed` paths stated again (a directory with all it
 * holds; a path gone, with all it held), and the gazetteer and sources.yaml, which every parse
 * depends on. What the watcher missed is found by the next full statement of the tree: the
 * watcher asks for one regularly, and the worker's first load after a start makes one.
 */
function statChanged(
  dir: string,
  priorFiles: ParseCache['files'],
  priorDirs: readonly string[],
  changed: readonly string[],
): { dirs: string[]; dirTimes: number[]; stats: FileStats } {
  const roots = new Set(changed);
  const covered = (path: string) => {
    if (roots.has(path)) return true;
    for (let at = path.indexOf(sep); at >= 0; at = path.indexOf(sep, at + 1))
      if (roots.has(path.slice(0, at))) return true;
    return false;
  };
  const dirs = priorDirs.filter((d) => d === '' || !covered(d));
  const stats: FileStats = new Map();
  for (const [file, { size, mtimeMs }] of priorFiles) if (!covered(file)) stats.set(file, { size, mtimeMs });
  for (const file of [GAZETTEER_FILE, SOURCES_FILE]) statInto(stats, dir, file);
  for (const root of roots) {
    let found: Stats;
    try {
      found = statSync(`${dir}${sep}${root}`);
    } catch {
      continue; // Gone, with all it held.
    }
    if (!found.isDirectory()) {
      if (found.isFile() && wantedFile(root) && !basename(root).startsWith('.'))
        stats.set(root, { size: found.size, mtimeMs: found.mtimeMs });
      continue;
    }
    const tree = listTree(`${dir}${sep}${root}`);
    for (const d of tree.dirs) dirs.push(d === '' ? root : `${root}${sep}${d}`);
    for (const file of tree.files) statInto(stats, dir, `${root}${sep}${file}`);
  }
  dirs.sort();
  return { dirs, dirTimes: directoryTimes(dir, dirs), stats };
}

/** Modification times of directories (ms; NaN for one that is gone). */
export function directoryTimes(dir: string, dirs: readonly string[]): number[] {
  return dirs.map((d) => {
    try {
      return statSync(join(dir, d)).mtimeMs;
    } catch {
      return Number.NaN;
    }
  });
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

/** One content file as last parsed: reused while its size and modification time (or its text) are unchanged. */
export interface FileEntry {
  size: number;
  mtimeMs: number;
  /** Hash of the file's text (after NFC). */
  hash: string;
  /** Its articles as served (tagged), before duplicates across files are dropped. */
  articles: Article[];
  /** Problems of the file itself (unreadable, too large, invalid). */
  problems: ContentProblem[];
}

/** What the parses of content files depend on beyond each file: the gazetteer, sources.yaml and the size cap. */
export interface ParseCache {
  context: string;
  files: Map<string, FileEntry>;
  /** The tree's directories as the read that made this listed them (see `ReadContentOptions.changed`). */
  dirs?: readonly string[];
}

export interface ReadContentOptions extends LoadContentOptions {
  /** Parses of an earlier read: files unchanged since are not read or parsed again. */
  prior?: ParseCache;
  /**
   * Paths (relative to the directory) that may have changed since `prior` was read, as a watcher
   * reported them: only those are stated, the rest of the tree is taken from `prior` (stating
   * 100,000 files takes most of a reload). Without it, or with a `prior` that did not list the
   * tree, every file is stated.
   */
  changed?: readonly string[];
  /**
   * Receives each parsed article's index documents, made from the analyses its topics were tagged
   * from (see `Engine.build`), so the index does not analyse the texts again.
   */
  analysed?: WeakMap<Article, AnalysedDocs>;
}

export interface ReadContent {
  content: Content;
  /** Every file's parse, for the next read. */
  cache: ParseCache;
  /** Directories of the content tree (root as '') and their modification times before the read. */
  dirs: string[];
  dirTimes: number[];
  /** Size and modification time of the files every parse depends on (gazetteer, sources.yaml), as read. */
  stamps: FileStamp[];
  /** Files read and parsed this time (the rest came from `prior`). */
  parsed: number;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

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
  const { content } = readContent(dir, options);
  logProblems(content.problems, logger);
  return content;
}

/** A file's size and time, and its text (NFC) unless it is over the size cap. */
type FileText = ReadStat & { text?: string };

/**
 * Reads one file (synchronously: a small file costs less than a trip through the thread pool), with
 * its size and modification time as read; no text when it is over the cap.
 */
function readText(path: string, maxBytes: number): FileText {
  const fd = openSync(path, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    return size > maxBytes ? { size, mtimeMs } : { text: nfc(readFileSync(fd, 'utf8')), size, mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** What parsing one content file depends on beyond the file. */
export interface ParseContext {
  dir: string;
  maxBytes: number;
  sources: Record<string, SourceFile>;
  matcher: TopicMatcher;
  topicIds: Set<string>;
}

/** A content file to read and parse (new, or its size or time changed), with the hash of its prior text. */
export interface PendingFile {
  file: string;
  priorHash?: string;
}

/** A file's size and modification time when it was read. */
interface ReadStat {
  size: number;
  mtimeMs: number;
}

/**
 * A pending file read: its articles (tagged, with their index documents) and problems; only the
 * hash when its text is its prior's; undefined when it was removed since it was listed.
 */
export type ParsedFile =
  | (ReadStat & { hash: string; articles: Article[]; problems: ContentProblem[]; docs: AnalysedDocs[] })
  | (ReadStat & { hash: string; articles?: undefined })
  | undefined;

/** Files, and characters of text, read ahead of parsing them (see `readAndParse`). */
const GROUP_FILES = 64;
const GROUP_CHARS = 4 * 2 ** 20;

/**
 * Reads pending files and parses those whose text changed, one result per file in order. The
 * work goes stage by stage over a group of files (read them all, parse them all, tag and analyse
 * them all) rather than file by file: each stage's code and tables (the Markdown patterns, the
 * sentence segmenter, the stemmer and its cache) then stay warm in the processor's caches, and
 * the system calls of reading no longer evict them between two files' parsing. A quarter less
 * time a file at 100,000 small files. Groups are small (64 files or 4 Mi characters), so large
 * files are not all held at once.
 */
export function readAndParse(pending: readonly PendingFile[], context: ParseContext): ParsedFile[] {
  const out: ParsedFile[] = [];
  for (let from = 0; from < pending.length; ) {
    const group: (PendingFile & { read?: FileText })[] = [];
    for (let chars = 0; from < pending.length && group.length < GROUP_FILES && chars < GROUP_CHARS; from++) {
      const { file, priorHash } = pending[from] as PendingFile;
      let read: FileText | undefined;
      try {
        read = readText(join(context.dir, file), context.maxBytes);
        chars += read.text?.length ?? 0;
      } catch {
        // Removed since it was listed: undefined.
      }
      group.push({ file, read, priorHash });
    }
    const parsed = group.map(({ file, read, priorHash }): ParsedFile => {
      if (!read) return undefined;
      const { text, size, mtimeMs } = read;
      const hash = text === undefined ? `size:${size}` : sha(text);
      if (hash === priorHash) return { hash, size, mtimeMs };
      const found =
        text === undefined
          ? { articles: [], problems: [oversize(file, size, context.maxBytes)] }
          : parseFile(file, text, context);
      return { hash, size, mtimeMs, ...found, docs: [] };
    });
    for (const p of parsed) if (p?.articles) p.docs = p.articles.map((a) => tagged(a, context.matcher));
    out.push(...parsed);
  }
  return out;
}

function oversize(file: string, size: number, maxBytes: number): ContentProblem {
  return {
    file,
    field: '(file)',
    reason: `is ${megabytes(size)}, over the ${megabytes(maxBytes)} cap on one content file (CONTENT_MAX_FILE_MB)`,
    outcome: 'file skipped',
  };
}

/** A read under way: the tree as listed, each content file's stat and prior entry, and what is to be parsed. */
export interface ReadPlan {
  context: ParseContext;
  /** The parse cache's context key (gazetteer, sources.yaml, size cap). */
  key: string;
  dirs: string[];
  dirTimes: number[];
  stamps: FileStamp[];
  problems: ContentProblem[];
  /** Content files in loading order; `reused` when their prior entry stands without reading them. */
  files: { file: string; prior?: FileEntry; reused: boolean }[];
  pending: PendingFile[];
}

/**
 * `loadContent` with a parse cache: a file whose size and modification time are those of its
 * entry in `prior` (and whose context, the gazetteer and sources.yaml, is unchanged) is neither
 * read nor parsed. Returns the new cache alongside. Problems are not logged.
 */
export function readContent(dir: string, options: ReadContentOptions = {}): ReadContent {
  const plan = planRead(dir, options);
  return finishRead(plan, readAndParse(plan.pending, plan.context), options);
}

/** Lists and stats the tree, reads the gazetteer and sources.yaml, and finds the files to parse. */
export function planRead(dir: string, options: ReadContentOptions = {}): ReadPlan {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { changed } = options;
  const listed = options.prior?.dirs;
  const stated =
    changed && options.prior && listed && !changed.includes('')
      ? statChanged(dir, options.prior.files, listed, changed)
      : undefined;
  const {
    dirs,
    dirTimes,
    files: names,
    stats,
  } = stated
    ? { ...stated, files: [...stated.stats.keys()] }
    : { ...scanTree(dir), stats: new Map() as FileStats };
  if (!stated) for (const file of [GAZETTEER_FILE, SOURCES_FILE]) statInto(stats, dir, file);
  const problems: ContentProblem[] = [];
  // The two YAML files are small and every parse depends on them: always read.
  const yamlText = (name: string): string | undefined => {
    if (!stats.has(name)) return undefined;
    const { text, size } = readText(join(dir, name), maxBytes);
    if (text === undefined) problems.push(oversize(name, size, maxBytes));
    return text;
  };
  const gazetteerText = yamlText(GAZETTEER_FILE);
  if (gazetteerText === undefined) throw new ContentError(GAZETTEER_FILE, '(file)', `is missing from ${dir}`);
  const gazetteer = gazetteerSchema.safeParse(parseYamlFile(GAZETTEER_FILE, gazetteerText));
  if (!gazetteer.success) {
    const { field, reason } = firstIssue(gazetteer.error, 'topics');
    throw new ContentError(GAZETTEER_FILE, field, reason);
  }
  let sources: Record<string, SourceFile> = {};
  const sourcesText = yamlText(SOURCES_FILE);
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
  // Readable prefix: a warm start compares it without reading the gazetteer.
  const key = `${CONTENT_FORMAT}-${maxBytes}:${sha(`${gazetteerText}\0${sourcesText ?? ''}`)}`;
  const prior = options.prior?.context === key ? options.prior.files : undefined;
  // Stating every file pays only when a parse cache may spare reading some (a first start has
  // none): otherwise each file's size and time come with its reading, on the parsing threads
  // (half a second of a first start at 100,000 files, on this thread, before any parsing).
  if (prior && !stated) for (const file of names) statInto(stats, dir, file);
  // Seed listings first: they own their ids, and a Markdown file reusing one must not knock them out.
  const order = names
    .filter((file) => file.endsWith('.txt') || file.endsWith('.md'))
    .sort((a, b) => Number(a.endsWith('.md')) - Number(b.endsWith('.md')) || (a < b ? -1 : a > b ? 1 : 0));
  const files = order.map((file) => {
    const stat = stats.get(file);
    const before = prior?.get(file);
    return {
      file,
      prior: before,
      reused: !!stat && before?.size === stat.size && before.mtimeMs === stat.mtimeMs,
    };
  });
  return {
    context: parseContext(dir, maxBytes, sources, gazetteer.data.topics as GazetteerTopic[]),
    key,
    dirs,
    dirTimes,
    stamps: [GAZETTEER_FILE, SOURCES_FILE].map((file): FileStamp => {
      const stat = stats.get(file);
      return stat ? [file, stat.size, stat.mtimeMs] : [file, null, null];
    }),
    problems,
    files,
    pending: files
      .filter((f) => !f.reused)
      .map(({ file, prior: before }) => ({ file, ...(before ? { priorHash: before.hash } : {}) })),
  };
}

/** The parsing context for a content directory (also made on each thread of a parsing pool). */
export function parseContext(
  dir: string,
  maxBytes: number,
  sources: Record<string, SourceFile>,
  gazetteer: GazetteerTopic[],
): ParseContext {
  const matcher = new TopicMatcher(gazetteer);
  return { dir, maxBytes, sources, matcher, topicIds: new Set(matcher.topics.map((t) => t.id)) };
}

/**
 * The content of a read, from its plan and what reading each pending file gave (in the plan's
 * order): articles in file order without duplicate ids, twins linked, the fingerprint, the new
 * parse cache; each parsed article's index documents go to `options.analysed`.
 */
export function finishRead(
  plan: ReadPlan,
  parsedFiles: readonly ParsedFile[],
  options: ReadContentOptions,
): ReadContent {
  const now = options.now ?? new Date();
  const { problems } = plan;
  // Hashed as one string: an update call per file cost about 50 ms a reload at 100,000 files.
  const hashed = [`${plan.key}\0`];
  const files = new Map<string, FileEntry>();
  let parsed = 0;
  let next = 0;
  for (const { file, prior, reused } of plan.files) {
    let entry: FileEntry;
    if (reused) entry = prior as FileEntry;
    else {
      const read = parsedFiles[next++];
      if (!read) continue;
      const { size, mtimeMs } = read;
      if (!read.articles) entry = { ...(prior as FileEntry), size, mtimeMs };
      else {
        parsed++;
        entry = { size, mtimeMs, hash: read.hash, articles: read.articles, problems: read.problems };
        read.articles.forEach((a, k) => {
          options.analysed?.set(a, read.docs[k] as AnalysedDocs);
        });
      }
    }
    files.set(file, entry);
    hashed.push(`${file}\0${entry.hash}\0`);
  }

  const articles: Article[] = [];
  /** Each served article's position by id, and the file it came from. */
  const byId = new Map<string, number>();
  const fileOf: string[] = [];
  for (const [file, entry] of files) {
    if (entry.problems.length > 0) problems.push(...entry.problems);
    for (const a of entry.articles) {
      const other = byId.get(a.id);
      if (other !== undefined) {
        // Only the later duplicate goes; the rest of its file is served.
        problems.push({
          file,
          field: 'id',
          reason: `"${a.id}" is already used by ${fileOf[other]}; this later article is skipped (give it another id)`,
          outcome: entry.articles.length > 1 ? 'article skipped' : 'file skipped',
        });
        continue;
      }
      byId.set(a.id, articles.length);
      fileOf.push(file);
      articles.push(a);
    }
  }

  // Twins point both ways, whichever side declared it. Parsed articles are shared with the cache,
  // so an article whose link changes is served as a copy.
  const linked = new Map<number, string | undefined>();
  articles.forEach((a, i) => {
    if (!a.twinOf) return;
    const twin = byId.get(a.twinOf);
    if (twin !== undefined) {
      const other = articles[twin] as Article;
      if (!other.twinOf && !linked.get(twin)) linked.set(twin, a.id);
    } else {
      // The article is served, without the link: reported as flagged, not as skipped.
      problems.push({
        file: a.file,
        field: 'twin',
        reason: `"${a.twinOf}" is not a known article id; served without a twin`,
        outcome: 'flagged',
      });
      linked.set(i, undefined);
    }
  });
  for (const [i, twinOf] of linked) articles[i] = { ...plainArticle(articles[i] as Article), twinOf };

  problems.push(...futureDates(articles, now));
  const { matcher } = plan.context;
  return {
    content: {
      articles,
      topics: matcher.topics,
      matcher,
      problems,
      fingerprint: createHash('sha256').update(hashed.join('')).digest('hex'),
    },
    cache: { context: plan.key, files, dirs: plan.dirs },
    dirs: plan.dirs,
    dirTimes: plan.dirTimes,
    stamps: plan.stamps,
    parsed,
  };
}

/** A content file's articles (tagged) or the reason it is skipped. */
function parseFile(
  file: string,
  text: string,
  { sources, topicIds }: ParseContext,
): { articles: Article[]; problems: ContentProblem[] } {
  try {
    if (!file.endsWith('.txt')) return { articles: [markdownArticle(file, text, topicIds)], problems: [] };
    const meta = sources[basename(file)];
    if (!meta)
      throw new ContentError(
        file,
        '(file)',
        `has no entry in ${SOURCES_FILE}, so its dates and links are unknown`,
      );
    return { articles: seedArticles(file, text, meta), problems: [] };
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    return {
      articles: [],
      problems: [{ file: error.file, field: error.field, reason: error.reason, outcome: 'file skipped' }],
    };
  }
}

/** Tags an article with its topics; returns its index documents, made from the same analyses. */
function tagged(a: Article, matcher: TopicMatcher): AnalysedDocs {
  const analysis = analysisOnce();
  a.topics = matcher.tag(
    a.title,
    a.body,
    a.passages.map((p) => p.heading),
    a.topics,
    analysis,
  );
  return articleDocs(a, analysis);
}

/** An article as a plain object with every field its own (articles from a snapshot read some lazily). */
export function plainArticle(a: Article): Article {
  return {
    id: a.id,
    title: a.title,
    titleSource: a.titleSource,
    summary: a.summary,
    body: a.body,
    passages: a.passages.map((p) => ({ heading: p.heading, text: p.text })),
    url: a.url,
    urlKind: a.urlKind,
    publishedAt: a.publishedAt,
    datePrecision: a.datePrecision,
    dateSource: a.dateSource,
    ...(a.dateNote !== undefined ? { dateNote: a.dateNote } : {}),
    language: a.language,
    topics: a.topics,
    source: a.source,
    file: a.file,
    ...(a.twinOf !== undefined ? { twinOf: a.twinOf } : {}),
  };
}

function megabytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}
