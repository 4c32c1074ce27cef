/**
 * The default Store: one SQLite file in DATA_DIR (better-sqlite3, WAL). Each Store call is one
 * synchronous statement or transaction, so every state change the scheduler makes is atomic and
 * durable before the next step (a delivery row is on disk before its message is sent).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Reply } from '../reply.ts';
import type { Cadence } from '../types.ts';
import { MIGRATIONS } from './migrations.ts';
import type {
  AttemptOutcome,
  Delivery,
  DeliveryFilter,
  DeliveryPlan,
  NewSubscription,
  Platform,
  Store,
  Subscription,
  SubscriptionFilter,
  SubscriptionPatch,
} from './types.ts';

/** The database file name inside DATA_DIR. */
export const DATABASE_FILE = 'briefings.sqlite';

/** Raised when the database cannot be used as found (e.g. written by a newer version). */
export class StoreError extends Error {
  override name = 'StoreError';
}

export interface SubscriptionRow {
  id: number;
  platform: string;
  chat_id: string;
  chat_title: string | null;
  topic: string;
  topic_label: string;
  cadence: string;
  timezone: string;
  when_empty: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  baseline_at: number;
  next_run_at: number | null;
  status: string;
  paused_reason: string | null;
  paused_at: number | null;
  last_run_at: number | null;
  last_outcome: string | null;
  topics: string | null;
  include_words: string | null;
  exclude_words: string | null;
  language: string | null;
  mention_role_id: string | null;
}

export interface DeliveryRow {
  id: number;
  key: string;
  subscription_id: number;
  kind: string;
  slot_at: number | null;
  platform: string;
  chat_id: string;
  article_ids: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  message_id: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

/** Article ids recorded in one transaction (a few milliseconds). */
const RECORD_BATCH = 2_000;

const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    platform: r.platform as Platform,
    chatId: r.chat_id,
    chatTitle: orUndefined(r.chat_title),
    topic: r.topic,
    topicLabel: r.topic_label,
    cadence: JSON.parse(r.cadence) as Cadence,
    timezone: r.timezone,
    whenEmpty: r.when_empty as Subscription['whenEmpty'],
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    baselineAt: r.baseline_at,
    nextRunAt: orUndefined(r.next_run_at),
    status: r.status as Subscription['status'],
    pausedReason: orUndefined(r.paused_reason),
    pausedAt: orUndefined(r.paused_at),
    lastRunAt: orUndefined(r.last_run_at),
    lastOutcome: orUndefined(r.last_outcome),
    ...(r.topics !== null ? { topics: JSON.parse(r.topics) as string[] } : {}),
    ...(r.include_words !== null ? { includeWords: JSON.parse(r.include_words) as string[] } : {}),
    ...(r.exclude_words !== null ? { excludeWords: JSON.parse(r.exclude_words) as string[] } : {}),
    ...(r.language !== null ? { language: r.language } : {}),
    ...(r.mention_role_id !== null ? { mentionRoleId: r.mention_role_id } : {}),
  };
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    key: r.key,
    subscriptionId: r.subscription_id,
    kind: r.kind as Delivery['kind'],
    slotAt: orUndefined(r.slot_at),
    platform: r.platform as Platform,
    chatId: r.chat_id,
    articleIds: JSON.parse(r.article_ids) as string[],
    payload: JSON.parse(r.payload) as Reply,
    status: r.status as Delivery['status'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    messageId: orUndefined(r.message_id),
    error: orUndefined(r.error),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: orUndefined(r.sent_at),
  };
}

/** Column names for each patchable field, so updates are built from a fixed list, never from input. */
export const PATCH_COLUMNS: Record<keyof SubscriptionPatch, string> = {
  chatId: 'chat_id',
  chatTitle: 'chat_title',
  topicLabel: 'topic_label',
  cadence: 'cadence',
  timezone: 'timezone',
  whenEmpty: 'when_empty',
  nextRunAt: 'next_run_at',
  status: 'status',
  pausedReason: 'paused_reason',
  pausedAt: 'paused_at',
  lastRunAt: 'last_run_at',
  lastOutcome: 'last_outcome',
  createdBy: 'created_by',
  topics: 'topics',
  includeWords: 'include_words',
  excludeWords: 'exclude_words',
  language: 'language',
  mentionRoleId: 'mention_role_id',
};

/** Fields stored as JSON text. */
const JSON_FIELDS = new Set<keyof SubscriptionPatch>(['cadence', 'topics', 'includeWords', 'excludeWords']);

export function patchValue(key: keyof SubscriptionPatch, value: unknown): unknown {
  if (value === undefined) return null;
  return JSON_FIELDS.has(key) ? JSON.stringify(value) : value;
}

/**
 * Applies pending migrations, each in a write transaction taken up front (BEGIN IMMEDIATE) and
 * re-reading the version inside it, so two processes starting together never run a step twice.
 * Refuses databases from a newer version.
 */
function migrate(db: Database.Database, file: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() > MIGRATIONS.length) {
    throw new StoreError(
      `SQLite store: ${file} has schema version ${version()}, newer than this program knows (${MIGRATIONS.length}); run the newer version of briefings`,
    );
  }
  for (;;) {
    const applied = db
      .transaction(() => {
        const step = version();
        if (step >= MIGRATIONS.length) return false;
        db.exec(MIGRATIONS[step] as string);
        db.pragma(`user_version = ${step + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return;
  }
}

const RESTORE_HINT =
  'Stop every briefings process, then restore a backup over it (see "Backups" in the README), or move it aside to start with no subscriptions.';

/**
 * A new database is built under a temporary name and linked into place complete, so a database
 * file that exists is never legitimately empty: a zero-byte file means lost data, not a fresh start.
 */
function createDatabaseFile(file: string): void {
  const temp = `${file}.${randomUUID().slice(0, 8)}.new`;
  const db = new Database(temp);
  try {
    migrate(db, temp);
  } finally {
    db.close();
  }
  try {
    linkSync(temp, file);
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** Opens an existing database file after checking it is whole; throws StoreError naming the file. */
function openCheckedDatabase(file: string): Database.Database {
  if (statSync(file).size === 0) {
    throw new StoreError(
      `SQLite store: ${file} is empty (0 bytes) although it should hold the subscriptions. Not starting, so that nothing is overwritten. ${RESTORE_HINT}`,
    );
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
    if (problems.join() !== 'ok') throw new Error(problems.join('; '));
    return db;
  } catch (error) {
    db?.close();
    throw new StoreError(
      `SQLite store: ${file} is damaged (${(error as Error).message}). Not starting, so that nothing is overwritten. ${RESTORE_HINT}`,
    );
  }
}

export interface SqliteStoreOptions {
  /** Directory holding the database file; created if missing. */
  dataDir: string;
  /** Override the file name (tests use the default inside a temporary directory). */
  fileName?: string;
}

/** Where the database of `dataDir` lives. */
export const databasePath = (dataDir: string, fileName = DATABASE_FILE) => path.join(dataDir, fileName);

/**
 * Opens (creating and migrating as needed) the SQLite store in `dataDir`. Throws StoreError when
 * the directory or file cannot be used, or the file is empty or damaged.
 */
export function openSqliteStore({ dataDir, fileName = DATABASE_FILE }: SqliteStoreOptions): Store {
  const file = databasePath(dataDir, fileName);
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(file)) createDatabaseFile(file);
  } catch (error) {
    throw new StoreError(`DATA_DIR: cannot create the database ${file} (${(error as Error).message})`);
  }
  const db = openCheckedDatabase(file);
  db.pragma('journal_mode = WAL');
  // FULL: a delivery row must survive a power cut between "written" and "sent", not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db, file);
  return storeOn(db);
}

/**
 * Copies the live database to `target` with SQLite's online backup (safe while the bot runs),
 * then checks the copy. Refuses to overwrite an existing file.
 */
export async function backupSqliteStore(dataDir: string, target: string): Promise<{ pages: number }> {
  const file = databasePath(dataDir);
  if (!existsSync(file)) throw new StoreError(`SQLite store: there is no database at ${file} to back up`);
  if (existsSync(target)) throw new StoreError(`backup: ${target} already exists; choose a new file name`);
  const db = openCheckedDatabase(file);
  try {
    const { totalPages } = await db.backup(target);
    openCheckedDatabase(target).close();
    return { pages: totalPages };
  } finally {
    db.close();
  }
}

function storeOn(db: Database.Database): Store {
  const stmt = {
    insertSubscription: db.prepare(`INSERT INTO subscriptions
      (platform, chat_id, chat_title, topic, topic_label, cadence, timezone, when_empty, created_by,
       created_at, updated_at, baseline_at, next_run_at, topics, include_words, exclude_words, language,
       mention_role_id)
      VALUES (@platform, @chatId, @chatTitle, @topic, @topicLabel, @cadence, @timezone, @whenEmpty, @createdBy,
       @createdAt, @createdAt, @createdAt, @nextRunAt, @topics, @includeWords, @excludeWords, @language,
       @mentionRoleId)`),
    subscriptionById: db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?'),
    subscriptionByTopic: db.prepare<[string, string, string], SubscriptionRow>(
      'SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? AND topic = ?',
    ),
    deleteSubscription: db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?'),
    dueDigests: db.prepare<[number], SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ?
       ORDER BY next_run_at, id`,
    ),
    pause: db.prepare<[string, number, number, number]>(
      `UPDATE subscriptions SET status = 'paused', paused_reason = ?, paused_at = ?, updated_at = ? WHERE id = ?`,
    ),
    cancelUnsent: db.prepare<[string, number, number]>(
      `UPDATE deliveries SET status = 'cancelled', error = ?, updated_at = ?
       WHERE subscription_id = ? AND status = 'pending'`,
    ),
    recordArticle: db.prepare<[string, number]>(
      'INSERT INTO articles_seen (article_id, first_seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ),
    firstSeen: db.prepare<[string], { first_seen_at: number }>(
      'SELECT first_seen_at FROM articles_seen WHERE article_id = ?',
    ),
    claimed: db.prepare<[number, string], { n: number }>(
      'SELECT 1 AS n FROM claimed_articles WHERE subscription_id = ? AND article_id = ?',
    ),
    claim: db.prepare<[number, string, number]>(
      'INSERT INTO claimed_articles (subscription_id, article_id, delivery_id) VALUES (?, ?, ?)',
    ),
    deliveryByKey: db.prepare<[string], { id: number }>('SELECT id FROM deliveries WHERE key = ?'),
    insertDelivery: db.prepare(`INSERT INTO deliveries
      (key, subscription_id, kind, slot_at, platform, chat_id, article_ids, payload, status, attempts,
       next_attempt_at, created_at, updated_at)
      VALUES (@key, @subscriptionId, @kind, @slotAt, @platform, @chatId, @articleIds, @payload, 'pending', 0,
       @at, @at, @at)`),
    deliveryById: db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?'),
    ready: db.prepare<[number, string, number], DeliveryRow>(
      `SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
       AND platform IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    nextDue: db.prepare<[string], { at: number | null }>(
      `SELECT MIN(next_attempt_at) AS at FROM deliveries
       WHERE status = 'pending' AND platform IN (SELECT value FROM json_each(?))`,
    ),
    startAttempt: db.prepare<[number, number]>(
      `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'pending'`,
    ),
    startClaimedAttempt: db.prepare<[number, string, number, number, string, number]>(
      `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?, claimed_by = ?, claim_until = ?
       WHERE id = ? AND status = 'pending' AND (claimed_by IS NULL OR claimed_by = ? OR claim_until < ?)`,
    ),
    claimDigests: db.prepare<[string, number, number, number, string, number], SubscriptionRow>(
      `UPDATE subscriptions SET claimed_by = ?, claim_until = ?
       WHERE id IN (SELECT id FROM subscriptions
         WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ?
           AND (claimed_by IS NULL OR claim_until < ? OR claimed_by = ?)
         ORDER BY next_run_at, id LIMIT ?)
       RETURNING *`,
    ),
    claimReady: db.prepare<
      [string, number, number, string, number, string, string, number, number],
      DeliveryRow
    >(
      `UPDATE deliveries SET claimed_by = ?, claim_until = ?
       WHERE id IN (SELECT c.id FROM deliveries c
         WHERE c.status = 'pending' AND c.next_attempt_at <= ?
           AND c.platform IN (SELECT value FROM json_each(?))
           AND (c.claimed_by IS NULL OR c.claim_until < ? OR c.claimed_by = ?)
           AND NOT EXISTS (SELECT 1 FROM deliveries o
             WHERE o.platform = c.platform AND o.chat_id = c.chat_id AND o.status IN ('pending', 'sending')
               AND o.claimed_by <> ? AND o.claim_until >= ?)
         ORDER BY c.next_attempt_at, c.id LIMIT ?)
       RETURNING *`,
    ),
    renewDeliveries: db.prepare<[number, string]>(
      `UPDATE deliveries SET claim_until = ? WHERE claimed_by = ? AND status IN ('pending', 'sending')`,
    ),
    renewDigests: db.prepare<[number, string]>(
      'UPDATE subscriptions SET claim_until = ? WHERE claimed_by = ?',
    ),
    releaseDigests: db.prepare<[string]>(
      'UPDATE subscriptions SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = ?',
    ),
    releaseDeliveries: db.prepare<[string]>(
      `UPDATE deliveries SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = ? AND status = 'pending'`,
    ),
    markOnce: db.prepare<[string, string, number, number]>(
      `INSERT INTO once_keys (scope, key, until) VALUES (?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET until = excluded.until WHERE once_keys.until < ?`,
    ),
    pruneOnce: db.prepare<[number]>('DELETE FROM once_keys WHERE until < ?'),
    sent: db.prepare<[string, number, number, number]>(
      `UPDATE deliveries SET status = 'sent', message_id = ?, error = NULL, sent_at = ?, updated_at = ?,
       claimed_by = NULL, claim_until = NULL WHERE id = ?`,
    ),
    retry: db.prepare<[number, string, number, number]>(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = ?, error = ?, updated_at = ?,
       claimed_by = NULL, claim_until = NULL WHERE id = ?`,
    ),
    end: db.prepare<[string, string, number, number]>(
      'UPDATE deliveries SET status = ?, error = ?, updated_at = ?, claimed_by = NULL, claim_until = NULL WHERE id = ?',
    ),
    defer: db.prepare<[number, number, number]>(
      `UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
    ),
    interrupted: db.prepare<[string, number, string], DeliveryRow>(
      `SELECT * FROM deliveries WHERE status = 'sending' AND platform = ?
       AND (claim_until IS NULL OR claim_until < ? OR claimed_by = ?)`,
    ),
    lastDeliveries: db.prepare<[], DeliveryRow>(
      'SELECT * FROM deliveries WHERE id IN (SELECT MAX(id) FROM deliveries GROUP BY subscription_id)',
    ),
    leaseTake: db.prepare<[string, string, number, number, string]>(
      `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
       WHERE leases.until < ? OR leases.holder = ?`,
    ),
    leaseRelease: db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?'),
    ping: db.prepare<[], { one: number }>('SELECT 1 AS one'),
    backlog: db.prepare<[number, number, number, number], { platform: string; due: number; overdue: number }>(
      `SELECT platform, COUNT(*) AS due, COALESCE(SUM(at <= ?), 0) AS overdue FROM (
         SELECT platform, next_attempt_at AS at FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
         UNION ALL
         SELECT platform, next_run_at AS at FROM subscriptions
         WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ?
       ) GROUP BY platform ORDER BY platform LIMIT ?`,
    ),
  };

  const getSubscription = (id: number) => {
    const row = stmt.subscriptionById.get(id);
    return row ? toSubscription(row) : undefined;
  };

  const update = db.transaction((id: number, patch: SubscriptionPatch, at: number) => {
    const keys = (Object.keys(patch) as (keyof SubscriptionPatch)[]).filter((k) => k in PATCH_COLUMNS);
    if (keys.length > 0) {
      const sets = keys.map((k) => `${PATCH_COLUMNS[k]} = @${k}`).join(', ');
      const values: Record<string, unknown> = { id, updatedAt: at };
      for (const k of keys) values[k] = patchValue(k, patch[k]);
      db.prepare(`UPDATE subscriptions SET ${sets}, updated_at = @updatedAt WHERE id = @id`).run(values);
    }
    return getSubscription(id);
  });

  const plan = db.transaction((p: DeliveryPlan): Delivery | undefined => {
    if (stmt.deliveryByKey.get(p.key)) return undefined;
    if (p.articleIds.some((a) => stmt.claimed.get(p.subscriptionId, a))) return undefined;
    const sub = getSubscription(p.subscriptionId);
    if (sub?.status !== 'active') return undefined;
    const { lastInsertRowid } = stmt.insertDelivery.run({
      key: p.key,
      subscriptionId: p.subscriptionId,
      kind: p.kind,
      slotAt: p.slotAt ?? null,
      platform: sub.platform,
      chatId: sub.chatId,
      articleIds: JSON.stringify(p.articleIds),
      payload: JSON.stringify(p.payload),
      at: p.at,
    });
    const id = Number(lastInsertRowid);
    for (const a of p.articleIds) stmt.claim.run(p.subscriptionId, a, id);
    update(p.subscriptionId, p.subscription, p.at);
    const row = stmt.deliveryById.get(id);
    return row ? toDelivery(row) : undefined;
  });

  const recover = db.transaction((platform: Platform, resend: boolean, at: number, own: string) => {
    let requeued = 0;
    let unknown = 0;
    for (const row of stmt.interrupted.all(platform, at, own)) {
      if (resend) {
        stmt.retry.run(at, 'interrupted by a restart; resent with the same idempotency key', at, row.id);
        requeued++;
      } else {
        stmt.end.run(
          'unknown',
          'interrupted by a restart while sending; not resent (may or may not have posted)',
          at,
          row.id,
        );
        unknown++;
      }
    }
    return { requeued, unknown };
  });

  let marks = 0;
  const store: Store = {
    kind: 'sqlite',
    async addSubscription(input: NewSubscription) {
      const { lastInsertRowid } = stmt.insertSubscription.run({
        ...input,
        chatTitle: input.chatTitle ?? null,
        cadence: JSON.stringify(input.cadence),
        nextRunAt: input.nextRunAt ?? null,
        topics: patchValue('topics', input.topics),
        includeWords: patchValue('includeWords', input.includeWords),
        excludeWords: patchValue('excludeWords', input.excludeWords),
        language: input.language ?? null,
        mentionRoleId: input.mentionRoleId ?? null,
      });
      const sub = getSubscription(Number(lastInsertRowid));
      if (!sub) throw new StoreError('SQLite store: inserted subscription vanished');
      return sub;
    },
    async getSubscription(id) {
      return getSubscription(id);
    },
    async findSubscription(platform, chatId, topic) {
      const row = stmt.subscriptionByTopic.get(platform, chatId, topic);
      return row ? toSubscription(row) : undefined;
    },
    async listSubscriptions(filter: SubscriptionFilter = {}) {
      const where: string[] = [];
      const values: Record<string, unknown> = {};
      if (filter.platform !== undefined) where.push('platform = @platform');
      if (filter.chatId !== undefined) where.push('chat_id = @chatId');
      if (filter.createdBy !== undefined) where.push('created_by = @createdBy');
      if (filter.status !== undefined) where.push('status = @status');
      Object.assign(values, filter);
      const sql = `SELECT * FROM subscriptions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
      return (db.prepare(sql).all(values) as SubscriptionRow[]).map(toSubscription);
    },
    async updateSubscription(id, patch, at) {
      return update(id, patch, at);
    },
    async removeSubscription(id) {
      return stmt.deleteSubscription.run(id).changes > 0;
    },
    async pauseSubscription(id, reason, at) {
      db.transaction(() => {
        stmt.pause.run(reason, at, at, id);
        stmt.cancelUnsent.run(`subscription paused: ${reason}`, at, id);
      })();
    },
    async dueDigests(now) {
      return stmt.dueDigests.all(now).map(toSubscription);
    },
    async recordArticles(ids, seenAt) {
      // A transaction per batch, the event loop turning between them: at 100,000 articles one
      // transaction held the serving thread for 0.2 s. Each batch stands alone: an id is recorded
      // once, whichever call records it, so a call cut short is finished by the next.
      const added: string[] = [];
      for (let from = 0; from < ids.length; from += RECORD_BATCH) {
        if (from > 0) await new Promise((resolve) => setImmediate(resolve));
        const batch = ids.slice(from, from + RECORD_BATCH);
        added.push(
          ...db.transaction(() => batch.filter((id) => stmt.recordArticle.run(id, seenAt).changes > 0))(),
        );
      }
      return added;
    },
    async firstSeen(ids) {
      const seen = new Map<string, number>();
      for (const id of ids) {
        const row = stmt.firstSeen.get(id);
        if (row) seen.set(id, row.first_seen_at);
      }
      return seen;
    },
    async claimedArticles(subscriptionId, ids) {
      return new Set(ids.filter((id) => stmt.claimed.get(subscriptionId, id)));
    },
    async planDelivery(p) {
      return plan(p);
    },
    async readyDeliveries(now, limit, platforms) {
      return stmt.ready.all(now, JSON.stringify(platforms), limit).map(toDelivery);
    },
    async nextDeliveryAt(platforms) {
      return orUndefined(stmt.nextDue.get(JSON.stringify(platforms))?.at ?? null);
    },
    async startAttempt(id, at, claim) {
      if (!claim) return stmt.startAttempt.run(at, id).changes > 0;
      return stmt.startClaimedAttempt.run(at, claim.holder, claim.until, id, claim.holder, at).changes > 0;
    },
    async finishAttempt(id, outcome: AttemptOutcome) {
      switch (outcome.status) {
        case 'sent':
          stmt.sent.run(outcome.messageId, outcome.at, outcome.at, id);
          return;
        case 'pending':
          stmt.retry.run(outcome.nextAttemptAt, outcome.error, outcome.at, id);
          return;
        default:
          stmt.end.run(outcome.status, outcome.error, outcome.at, id);
      }
    },
    async deferDelivery(id, until, at) {
      stmt.defer.run(until, at, id);
    },
    async recoverInterrupted(platform, resend, at, ownHolder) {
      // An empty holder never matches: only expired or unclaimed sends are taken over.
      return recover(platform, resend, at, ownHolder ?? '');
    },
    async claimDueDigests(now, limit, claim) {
      return stmt.claimDigests
        .all(claim.holder, claim.until, now, now, claim.holder, limit)
        .map(toSubscription)
        .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0) || a.id - b.id);
    },
    async claimReadyDeliveries(now, limit, platforms, claim) {
      const rows = stmt.claimReady.all(
        claim.holder,
        claim.until,
        now,
        JSON.stringify(platforms),
        now,
        claim.holder,
        claim.holder,
        now,
        limit,
      );
      return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
    },
    async renewClaims(holder, until) {
      db.transaction(() => {
        stmt.renewDeliveries.run(until, holder);
        stmt.renewDigests.run(until, holder);
      })();
    },
    async releaseClaims(holder, scope) {
      db.transaction(() => {
        stmt.releaseDigests.run(holder);
        if (scope === 'all') stmt.releaseDeliveries.run(holder);
      })();
    },
    async markOnce(scope, key, now, ttlMs) {
      if (++marks % 1000 === 0) stmt.pruneOnce.run(now);
      return stmt.markOnce.run(scope, key, now + ttlMs, now).changes > 0;
    },
    async getDelivery(id) {
      const row = stmt.deliveryById.get(id);
      return row ? toDelivery(row) : undefined;
    },
    async listDeliveries(filter: DeliveryFilter = {}) {
      const where: string[] = [];
      if (filter.subscriptionId !== undefined) where.push('subscription_id = @subscriptionId');
      if (filter.status !== undefined) where.push('status = @status');
      const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
      const rows = db.prepare(sql).all({ ...filter, limit: filter.limit ?? 100 }) as DeliveryRow[];
      return rows.map(toDelivery);
    },
    async lastDeliveries() {
      return new Map(stmt.lastDeliveries.all().map((r) => [r.subscription_id, toDelivery(r)]));
    },
    async acquireLease(name, holder, now, ttlMs) {
      return stmt.leaseTake.run(name, holder, now + ttlMs, now, holder).changes > 0;
    },
    async releaseLease(name, holder) {
      stmt.leaseRelease.run(name, holder);
    },
    async ping() {
      if (stmt.ping.get()?.one !== 1) throw new StoreError('SQLite store: SELECT 1 answered nothing');
    },
    async backlog(now, overdueBefore) {
      return stmt.backlog
        .all(overdueBefore, now, now, 100)
        .map((r) => ({ platform: r.platform as Platform, due: r.due, overdue: r.overdue }));
    },
    async close() {
      if (db.open) db.close();
    },
  };
  return store;
}
