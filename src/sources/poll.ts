/**
 * One poll: fetch each due source (conditionally), turn new and edited items into article files
 * under CONTENT_DIR/feeds/<source>/, and record what happened in the sources state. A failing
 * source is backed off and reported; it never stops the others.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { FEEDS_DIR, GAZETTEER_FILE } from '../content/files.ts';
import { gazetteerSchema } from '../content/metadata.ts';
import { type Logger, silentLogger } from '../logger.ts';
import {
  articleFileName,
  articleIdFor,
  ItemSkipped,
  itemKey,
  type RenderedArticle,
  renderArticle,
} from './article.ts';
import { FeedFetchError, type FetchFeedOptions, fetchFeed } from './fetch.ts';
import { normalizeLink } from './link.ts';
import { FeedParseError, parseFeed } from './parse.ts';
import type { Source, SourceItem, SourcesState, SourcesStore } from './state.ts';

/** Items taken from one feed document; a feed dumping its whole history is read in later polls. */
export const MAX_ITEMS_PER_POLL = 300;
/** Longest a failing source is left alone between attempts. */
export const MAX_BACKOFF_MS = 6 * 60 * 60_000;
/**
 * An item gone from its feed this long is forgotten, so the state stays the size of the feeds, not
 * of the archive. Should it reappear, its id (derived from guid or link) and file on disk are
 * found again: it is recognised, not imported twice.
 */
export const ITEM_MEMORY_MS = 90 * 24 * 60 * 60_000;

export interface PollOptions {
  store: SourcesStore;
  contentDir: string;
  logger?: Logger;
  /** Aborts fetches in flight (shutdown). */
  signal?: AbortSignal;
  clock?: () => number;
  /** Only these sources (a manual `sources poll <id>`). */
  ids?: string[];
  /** Scheduled polls skip sources that are backing off; manual ones do not. */
  respectBackoff?: boolean;
  /** The polling interval: the first retry after a failure waits this long, then doubles. */
  intervalMs?: number;
  /** Sources fetched at the same time. */
  concurrency?: number;
  fetch?: Pick<FetchFeedOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'userAgent'>;
}

export interface ItemReport {
  id: string;
  title: string;
  file: string;
}

export interface SourceReport {
  id: string;
  name: string;
  /** `ok`: fetched and read; `not-modified`: 304; `failed`; `backoff`: not due yet; `cancelled`: shutdown. */
  status: 'ok' | 'not-modified' | 'failed' | 'backoff' | 'cancelled';
  added: ItemReport[];
  updated: ItemReport[];
  unchanged: number;
  skipped: { title?: string; reason: string }[];
  error?: string;
  /** When a failing source is tried next by scheduled polls. */
  nextAttemptAt?: string;
  ms: number;
}

export interface PollReport {
  sources: SourceReport[];
  added: number;
  updated: number;
  failed: number;
  ms: number;
}

/** Gazetteer topic ids, so a topic removed from the gazetteer is dropped instead of breaking articles. */
export async function gazetteerTopicIds(contentDir: string): Promise<Set<string>> {
  const text = await readFile(join(contentDir, GAZETTEER_FILE), 'utf8');
  const parsed = gazetteerSchema.safeParse(parseYaml(text));
  if (!parsed.success) throw new Error(`${GAZETTEER_FILE}: is not a valid gazetteer`);
  return new Set(parsed.data.topics.map((t) => t.id));
}

/** Writes a file so that readers (the content watcher) see the old bytes or the new, never half. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Dot-named: the content loader and watcher ignore it while it is being written.
  const tmp = join(dirname(file), `.${randomUUID().slice(0, 8)}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Backoff after the n-th failure in a row: the interval, doubling, at most MAX_BACKOFF_MS. */
export function backoffMs(failures: number, intervalMs: number, retryAfterMs = 0): number {
  const exp = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.max(0, failures - 1));
  return Math.min(MAX_BACKOFF_MS, Math.max(exp, retryAfterMs));
}

/** Whether a scheduled poll at `now` should fetch the source. A second of slack absorbs timer drift. */
export function isDue(source: Source, now: number): boolean {
  return !source.nextAttemptAt || Date.parse(source.nextAttemptAt) <= now + 1000;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Outcome {
  report: SourceReport;
  /** Applied to the freshest copy of the source under the state lock. */
  apply(source: Source): void;
}

/** Polls the sources; resolves with what each one did. Never throws for a source's failure. */
export async function pollSources(options: PollOptions): Promise<PollReport> {
  const {
    store,
    contentDir,
    signal,
    clock = Date.now,
    ids,
    respectBackoff = false,
    intervalMs = 30 * 60_000,
    concurrency = 4,
  } = options;
  const log = (options.logger ?? silentLogger).child({ module: 'feeds' });
  const started = performance.now();
  const now = clock();
  const nowIso = new Date(now).toISOString();
  const state = await store.read();
  const unknown = ids?.filter((id) => !state.sources.some((s) => s.id === id)) ?? [];
  if (unknown.length) throw new Error(`no source with id ${unknown.map((id) => `"${id}"`).join(', ')}`);
  const chosen = state.sources.filter((s) => !ids || ids.includes(s.id));
  if (chosen.length === 0) return { sources: [], added: 0, updated: 0, failed: 0, ms: 0 };

  let topicIds: Set<string> | undefined;
  try {
    topicIds = await gazetteerTopicIds(contentDir);
  } catch (error) {
    log.warn({ err: error }, 'gazetteer unreadable; source topics are left to the loader to check');
  }
  // Links of every source's articles: the same story in two feeds is one article.
  const linkOwners = new Map<string, { sourceId: string; articleId: string }>();
  for (const s of state.sources)
    for (const [articleId, item] of Object.entries(s.items))
      if (item.link && !linkOwners.has(item.link)) linkOwners.set(item.link, { sourceId: s.id, articleId });

  const pollOne = async (source: Source): Promise<Outcome> => {
    const t0 = performance.now();
    const report: SourceReport = {
      id: source.id,
      name: source.name,
      status: 'ok',
      added: [],
      updated: [],
      unchanged: 0,
      skipped: [],
      ms: 0,
    };
    const done = (apply: (s: Source) => void): Outcome => {
      report.ms = Math.round(performance.now() - t0);
      return { report, apply };
    };
    if (respectBackoff && !isDue(source, now)) {
      report.status = 'backoff';
      report.error = source.lastError;
      report.nextAttemptAt = source.nextAttemptAt;
      return done(() => {});
    }
    try {
      const fetched = await fetchFeed(source.url, {
        ...options.fetch,
        etag: source.etag,
        lastModified: source.lastModified,
        signal,
      });
      if (fetched.status === 'not-modified') {
        report.status = 'not-modified';
        return done((s) => succeeded(s, nowIso));
      }
      const feed = parseFeed(fetched.text);
      // Links relative to the feed ("/2026/11/story", allowed in Atom, common in the wild) made absolute.
      for (const item of feed.items) {
        if (!item.link || /^https?:\/\//i.test(item.link)) continue;
        try {
          item.link = new URL(item.link, fetched.url).href;
        } catch {
          // Not a URL even relative to the feed: the item is skipped for having no link.
        }
      }
      const topics = source.topics.filter((t) => !topicIds || topicIds.has(t));
      if (topics.length < source.topics.length)
        log.warn(
          { source: source.id, dropped: source.topics.filter((t) => !topics.includes(t)) },
          'source topics no longer in the gazetteer; left off its articles',
        );
      const items = await importItems(source, feed.items.slice(0, MAX_ITEMS_PER_POLL), {
        contentDir,
        topics,
        feedLanguage: feed.language,
        now,
        nowIso,
        linkOwners,
        report,
      });
      if (feed.items.length > MAX_ITEMS_PER_POLL)
        report.skipped.push({
          reason: `${feed.items.length - MAX_ITEMS_PER_POLL} items beyond the first ${MAX_ITEMS_PER_POLL}`,
        });
      return done((s) => {
        succeeded(s, nowIso);
        s.etag = fetched.etag;
        s.lastModified = fetched.lastModified;
        if (feed.title) s.feedTitle = feed.title.slice(0, 200);
        Object.assign(s.items, items);
        s.imported += report.added.length;
        for (const [id, item] of Object.entries(s.items))
          if (now - Date.parse(item.lastSeenAt ?? item.firstSeenAt) > ITEM_MEMORY_MS) delete s.items[id];
      });
    } catch (error) {
      if (error instanceof FeedFetchError && error.kind === 'aborted') {
        // Shutting down is not the feed's fault: nothing recorded, it is polled as usual next time.
        report.status = 'cancelled';
        return done(() => {});
      }
      if (!(error instanceof FeedFetchError || error instanceof FeedParseError)) {
        // A disk error writing articles, say: reported like a feed error, the poll goes on.
        log.error({ err: error, source: source.id }, 'feed import failed');
      }
      const name = error instanceof Error ? error.name : 'Error';
      const message = `${name}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
      report.status = 'failed';
      report.error = message;
      const failures = source.failures + 1;
      const retryAfter = error instanceof FeedFetchError ? error.retryAfterMs : undefined;
      report.nextAttemptAt = new Date(now + backoffMs(failures, intervalMs, retryAfter)).toISOString();
      return done((s) => {
        s.lastPolledAt = nowIso;
        s.lastError = message;
        s.failures += 1;
        s.failingSince ??= nowIso;
        s.nextAttemptAt = new Date(now + backoffMs(s.failures, intervalMs, retryAfter)).toISOString();
      });
    }
  };

  // Each source's outcome is recorded as soon as it is known: a slow feed does not hold back the
  // record of the articles the others wrote, should the process die before it answers.
  const outcomes = await mapLimit(chosen, concurrency, async (source) => {
    const outcome = await pollOne(source);
    if (outcome.report.status !== 'backoff' && outcome.report.status !== 'cancelled') {
      await store.update((fresh: SourcesState) => {
        // A source removed while it was being fetched stays removed.
        const s = fresh.sources.find((x) => x.id === outcome.report.id);
        if (s) outcome.apply(s);
      });
    }
    return outcome;
  });
  for (const { report: r } of outcomes) {
    if (r.status === 'failed')
      log.warn({ source: r.id, error: r.error, nextAttemptAt: r.nextAttemptAt }, 'feed failed');
    else if (r.status === 'cancelled') log.info({ source: r.id }, 'feed fetch cancelled (shutting down)');
    else if (r.status !== 'backoff')
      log.info(
        {
          source: r.id,
          status: r.status,
          added: r.added.length,
          updated: r.updated.length,
          unchanged: r.unchanged,
          skipped: r.skipped.length,
          ms: r.ms,
        },
        'feed polled',
      );
  }
  const reports = outcomes.map((o) => o.report);
  return {
    sources: reports,
    added: reports.reduce((n, r) => n + r.added.length, 0),
    updated: reports.reduce((n, r) => n + r.updated.length, 0),
    failed: reports.filter((r) => r.status === 'failed').length,
    ms: Math.round(performance.now() - started),
  };
}

function succeeded(s: Source, nowIso: string): void {
  s.lastPolledAt = nowIso;
  s.lastSuccessAt = nowIso;
  s.lastError = undefined;
  s.failingSince = undefined;
  s.failures = 0;
  s.nextAttemptAt = undefined;
}

interface ImportContext {
  contentDir: string;
  topics: string[];
  feedLanguage?: string;
  now: number;
  nowIso: string;
  linkOwners: Map<string, { sourceId: string; articleId: string }>;
  report: SourceReport;
}

/** Writes new and changed items; returns the state entries to record (article id → item). */
async function importItems(
  source: Source,
  items: ReturnType<typeof parseFeed>['items'],
  ctx: ImportContext,
): Promise<Record<string, SourceItem>> {
  const { report } = ctx;
  const byGuid = new Map<string, string>();
  const byLink = new Map<string, string>();
  for (const [id, item] of Object.entries(source.items)) {
    if (item.guid) byGuid.set(item.guid, id);
    if (item.link) byLink.set(item.link, id);
  }
  const folder = join(FEEDS_DIR, source.id);
  // Files already on disk, for items whose state was lost (a restored backup, a deleted sources.json).
  const onDisk = await readdir(join(ctx.contentDir, folder)).catch(() => [] as string[]);
  const recorded: Record<string, SourceItem> = {};
  const thisPoll = new Set<string>();
  // What else decides an article's text: an item is re-rendered when any of it changes.
  const settings = JSON.stringify([source.name, ctx.topics, source.language ?? '', ctx.feedLanguage ?? '']);

  for (const [index, item] of items.entries()) {
    // Rendering is CPU work; the bot keeps answering while a long feed is imported.
    if (index % 20 === 19) await yieldToEventLoop();
    const key = itemKey(item);
    const title = item.title?.slice(0, 120);
    if (!key) {
      report.skipped.push({ title, reason: 'no guid and no link' });
      continue;
    }
    const link = item.link ? normalizeLink(item.link) : undefined;
    let id = (item.guid && byGuid.get(item.guid)) || (link && byLink.get(link)) || undefined;
    if (!id && link) {
      const owner = ctx.linkOwners.get(link);
      if (owner && owner.sourceId !== source.id) {
        report.skipped.push({
          title,
          reason: `same link as ${owner.articleId} from source ${owner.sourceId}`,
        });
        continue;
      }
    }
    // The feed's URL is part of the key: a guid like "42" in a source that reuses a removed one's id
    // is another article, while the same feed removed and added again keeps its ids.
    id ??= articleIdFor(source.id, `${normalizeLink(source.url) ?? source.url}\n${key}`);
    // Claimed before any await, so two sources polled side by side cannot both take a new link.
    if (link && !ctx.linkOwners.has(link)) ctx.linkOwners.set(link, { sourceId: source.id, articleId: id });
    if (thisPoll.has(id)) {
      report.skipped.push({ title, reason: 'listed twice in the feed' });
      continue;
    }
    thisPoll.add(id);
    const known = source.items[id];
    const raw = createHash('sha256')
      .update(settings)
      .update(JSON.stringify(item))
      .digest('base64url')
      .slice(0, 16);
    if (known?.raw === raw) {
      report.unchanged++;
      recorded[id] = { ...known, guid: item.guid, link, lastSeenAt: ctx.nowIso };
      continue;
    }
    let rendered: RenderedArticle;
    try {
      rendered = renderArticle({
        id,
        item,
        sourceName: source.name,
        topics: ctx.topics,
        language: source.language,
        feedLanguage: ctx.feedLanguage,
        firstSeenAt: known?.firstSeenAt ?? ctx.nowIso,
        now: ctx.now,
      });
    } catch (error) {
      if (!(error instanceof ItemSkipped)) throw error;
      report.skipped.push({ title, reason: error.message });
      continue;
    }
    const entry: SourceItem = {
      guid: item.guid,
      link,
      file: known?.file ?? '',
      hash: rendered.hash,
      raw,
      firstSeenAt: known?.firstSeenAt ?? ctx.nowIso,
      updatedAt: known?.updatedAt,
      lastSeenAt: ctx.nowIso,
    };
    if (known && known.hash === rendered.hash) {
      report.unchanged++;
      // Keep guid and link current (a feed that starts sending guids); nothing to write.
      recorded[id] = { ...entry, file: known.file };
      continue;
    }
    let isNew = !known;
    if (!entry.file) {
      const suffix = `-${id.slice(id.lastIndexOf('-') + 1)}.md`;
      const existing = onDisk.find((name) => name.endsWith(suffix));
      entry.file = join(folder, existing ?? articleFileName(id, rendered.title, rendered.date));
      if (existing) {
        isNew = false;
        const current = await readFile(join(ctx.contentDir, entry.file), 'utf8').catch(() => undefined);
        if (current === rendered.text) {
          report.unchanged++;
          recorded[id] = entry;
          continue;
        }
      }
    }
    await writeAtomically(join(ctx.contentDir, entry.file), rendered.text);
    if (!isNew) entry.updatedAt = ctx.nowIso;
    recorded[id] = entry;
    (isNew ? report.added : report.updated).push({ id, title: rendered.title, file: entry.file });
  }
  return recorded;
}
