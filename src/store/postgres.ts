/**
 * The shared Store: PostgreSQL through node-postgres, for several instances on one database
 * (`DATABASE_URL`). Same contract as the SQLite store; every multi-row change is one transaction,
 * and work is handed out with row claims (`FOR UPDATE SKIP LOCKED`), so each due digest and each
 * delivery is taken by one instance at a time and a dead instance's work is taken over when its
 * claims expire. Migrations run under a transaction-scoped advisory lock: however many instances
 * start together, one applies them and the others wait, then find nothing to do.
 */
import pg from 'pg';
import { describeDatabase } from './database-url.ts';
import { PG_MIGRATIONS } from './postgres-migrations.ts';
import {
  type DeliveryRow,
  PATCH_COLUMNS,
  patchValue,
  StoreError,
  type SubscriptionRow,
  toDelivery,
  toSubscription,
} from './sqlite.ts';
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

/** Advisory lock key taken while migrating (any constant; "brfg" in ASCII). */
const MIGRATION_LOCK = 0x62726667;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** BIGINT columns hold millisecond times and ids, well inside a double's exact range. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PostgresStoreOptions {
  /** DATABASE_URL: postgres://user:password@host:port/database */
  connectionString: string;
  /**
   * Tables live in this schema (created if missing) instead of the connection's default search
   * path. Tests use a fresh schema each.
   */
  schema?: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** Called with errors of idle connections (e.g. the server restarted); they are replaced. */
  onIdleError?: (error: Error) => void;
}

/** A lower-case SQL identifier, safe to splice into DDL and `search_path`. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

class Rollback extends Error {}

/** Opens the pool, creates the schema if asked, and applies pending migrations once. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { connectionString, schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(`PostgreSQL store: schema "${schema}" must be a lower-case SQL identifier`);
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    await migrate(pool, schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof StoreError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new StoreError(
      `PostgreSQL store: cannot open ${describeDatabase(connectionString)}: ${(error as Error).message}${code ? ` (${code})` : ''}`,
      { cause: error },
    );
  }
  return createPostgresStore(pool);
}

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // The schema named (option, or first in the URL's `options=-c search_path=…`) is created if missing.
    const target = schema ?? (await firstSearchPathEntry(client));
    if (target) await client.query(`CREATE SCHEMA IF NOT EXISTS ${target}`);
    const { rows: current } = await client.query<{ s: string | null }>('SELECT current_schema() AS s');
    if (!current[0]?.s) {
      throw new StoreError(
        'PostgreSQL store: no schema to create tables in (the search_path names none that exists)',
      );
    }
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM schema_migrations',
    );
    const version = rows[0]?.v ?? 0;
    if (version > PG_MIGRATIONS.length) {
      throw new StoreError(
        `PostgreSQL store: database schema version ${version} is newer than this program knows (${PG_MIGRATIONS.length})`,
      );
    }
    for (let step = version; step < PG_MIGRATIONS.length; step++) {
      await client.query(PG_MIGRATIONS[step] as string);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        step + 1,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The first schema of the connection's search path when it is a plain name (not `"$user"`). */
async function firstSearchPathEntry(client: pg.PoolClient): Promise<string | undefined> {
  const { rows } = await client.query<{ search_path: string }>('SHOW search_path');
  const first = rows[0]?.search_path.split(',')[0]?.trim();
  return first && SCHEMA_NAME.test(first) ? first : undefined;
}

type Queryable = pg.Pool | pg.PoolClient;

/** The Store over an open, migrated pool. */
export function createPostgresStore(pool: pg.Pool): Store {
  const q = async <R extends pg.QueryResultRow>(sql: string, values: unknown[] = [], on: Queryable = pool) =>
    on.query<R>(sql, values);

  /** Runs `fn` in one transaction; a thrown Rollback undoes it and answers undefined. */
  async function tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T | undefined> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof Rollback) return undefined;
      throw error;
    } finally {
      client.release();
    }
  }

  async function getSubscription(id: number, on: Queryable = pool) {
    const { rows } = await q<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = $1', [id], on);
    return rows[0] ? toSubscription(rows[0]) : undefined;
  }

  async function update(id: number, patch: SubscriptionPatch, at: number, on: Queryable = pool) {
    await applyPatch(id, patch, at, on);
    return getSubscription(id, on);
  }

  async function applyPatch(id: number, patch: SubscriptionPatch, at: number, on: Queryable): Promise<void> {
    const keys = (Object.keys(patch) as (keyof SubscriptionPatch)[]).filter((k) => k in PATCH_COLUMNS);
    if (keys.length > 0) {
      const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 3}`).join(', ');
      await q(
        `UPDATE subscriptions SET ${sets}, updated_at = $2 WHERE id = $1`,
        [id, at, ...keys.map((k) => patchValue(k, patch[k]))],
        on,
      );
    }
  }

  const sortSubscriptions = (subs: Subscription[]) =>
    subs.sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0) || a.id - b.id);
  const sortDeliveries = (list: Delivery[]) =>
    list.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);

  let marks = 0;
  const store: Store = {
    kind: 'postgres',
    async addSubscription(input: NewSubscription) {
      const { rows } = await q<SubscriptionRow>(
        `INSERT INTO subscriptions
          (platform, chat_id, chat_title, topic, topic_label, cadence, timezone, when_empty, created_by,
           created_at, updated_at, baseline_at, next_run_at, topics, include_words, exclude_words, language,
           mention_role_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $11, $12, $13, $14, $15, $16) RETURNING *`,
        [
          input.platform,
          input.chatId,
          input.chatTitle ?? null,
          input.topic,
          input.topicLabel,
          JSON.stringify(input.cadence),
          input.timezone,
          input.whenEmpty,
          input.createdBy,
          input.createdAt,
          input.nextRunAt ?? null,
          patchValue('topics', input.topics),
          patchValue('includeWords', input.includeWords),
          patchValue('excludeWords', input.excludeWords),
          input.language ?? null,
          input.mentionRoleId ?? null,
        ],
      );
      if (!rows[0]) throw new StoreError('PostgreSQL store: inserted subscription vanished');
      return toSubscription(rows[0]);
    },
    getSubscription: (id) => getSubscription(id),
    async findSubscription(platform, chatId, topic) {
      const { rows } = await q<SubscriptionRow>(
        'SELECT * FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND topic = $3',
        [platform, chatId, topic],
      );
      return rows[0] ? toSubscription(rows[0]) : undefined;
    },
    async listSubscriptions(filter: SubscriptionFilter = {}) {
      const where: string[] = [];
      const values: unknown[] = [];
      const add = (column: string, value: unknown) => {
        values.push(value);
        where.push(`${column} = $${values.length}`);
      };
      if (filter.platform !== undefined) add('platform', filter.platform);
      if (filter.chatId !== undefined) add('chat_id', filter.chatId);
      if (filter.createdBy !== undefined) add('created_by', filter.createdBy);
      if (filter.status !== undefined) add('status', filter.status);
      const { rows } = await q<SubscriptionRow>(
        `SELECT * FROM subscriptions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
        values,
      );
      return rows.map(toSubscription);
    },
    updateSubscription: (id, patch, at) => update(id, patch, at),
    async removeSubscription(id) {
      return ((await q('DELETE FROM subscriptions WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async pauseSubscription(id, reason, at) {
      await tx(async (c) => {
        await q(
          `UPDATE subscriptions SET status = 'paused', paused_reason = $1, paused_at = $2, updated_at = $2 WHERE id = $3`,
          [reason, at, id],
          c,
        );
        await q(
          `UPDATE deliveries SET status = 'cancelled', error = $1, updated_at = $2, claimed_by = NULL, claim_until = NULL
           WHERE subscription_id = $3 AND status = 'pending'`,
          [`subscription paused: ${reason}`, at, id],
          c,
        );
      });
    },
    async dueDigests(now) {
      const { rows } = await q<SubscriptionRow>(
        `SELECT * FROM subscriptions WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1
         ORDER BY next_run_at, id`,
        [now],
      );
      return rows.map(toSubscription);
    },
    async recordArticles(ids, seenAt) {
      if (ids.length === 0) return [];
      // Sorted, so instances inserting overlapping sets at once take row locks in the same order.
      const { rows } = await q<{ article_id: string }>(
        `INSERT INTO articles_seen (article_id, first_seen_at) SELECT id, $2 FROM unnest($1::text[]) AS id
         ORDER BY id ON CONFLICT DO NOTHING RETURNING article_id`,
        [[...new Set(ids)].sort(), seenAt],
      );
      const added = new Set(rows.map((r) => r.article_id));
      return ids.filter((id) => added.delete(id));
    },
    async firstSeen(ids) {
      const { rows } = await q<{ article_id: string; first_seen_at: number }>(
        'SELECT article_id, first_seen_at FROM articles_seen WHERE article_id = ANY($1::text[])',
        [ids],
      );
      return new Map(rows.map((r) => [r.article_id, r.first_seen_at]));
    },
    async claimedArticles(subscriptionId, ids) {
      const { rows } = await q<{ article_id: string }>(
        'SELECT article_id FROM claimed_articles WHERE subscription_id = $1 AND article_id = ANY($2::text[])',
        [subscriptionId, ids],
      );
      return new Set(rows.map((r) => r.article_id));
    },
    async planDelivery(p: DeliveryPlan) {
      return tx(async (c) => {
        // FOR SHARE: a pause or removal waits for this plan (and cancels what it wrote).
        const { rows: subs } = await q<SubscriptionRow>(
          'SELECT * FROM subscriptions WHERE id = $1 FOR SHARE',
          [p.subscriptionId],
          c,
        );
        const sub = subs[0];
        if (sub?.status !== 'active') throw new Rollback();
        // A concurrent plan with the same key waits on the unique index, then finds it taken.
        const { rows } = await q<DeliveryRow>(
          `INSERT INTO deliveries
            (key, subscription_id, kind, slot_at, platform, chat_id, article_ids, payload, status, attempts,
             next_attempt_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $9)
           ON CONFLICT (key) DO NOTHING RETURNING *`,
          [
            p.key,
            p.subscriptionId,
            p.kind,
            p.slotAt ?? null,
            sub.platform,
            sub.chat_id,
            JSON.stringify(p.articleIds),
            JSON.stringify(p.payload),
            p.at,
          ],
          c,
        );
        const row = rows[0];
        if (!row) throw new Rollback();
        if (p.articleIds.length > 0) {
          const claimed = await q(
            `INSERT INTO claimed_articles (subscription_id, article_id, delivery_id)
             SELECT $1, a, $3 FROM unnest($2::text[]) AS a ORDER BY a ON CONFLICT DO NOTHING`,
            [p.subscriptionId, [...new Set(p.articleIds)], row.id],
            c,
          );
          // Any article already claimed by another delivery: this plan is void.
          if ((claimed.rowCount ?? 0) !== new Set(p.articleIds).size) throw new Rollback();
        }
        await applyPatch(p.subscriptionId, p.subscription, p.at, c);
        return toDelivery(row);
      });
    },
    async readyDeliveries(now, limit, platforms) {
      const { rows } = await q<DeliveryRow>(
        `SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1 AND platform = ANY($2::text[])
         ORDER BY next_attempt_at, id LIMIT $3`,
        [now, platforms, limit],
      );
      return rows.map(toDelivery);
    },
    async nextDeliveryAt(platforms) {
      const { rows } = await q<{ at: number | null }>(
        `SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending' AND platform = ANY($1::text[])`,
        [platforms],
      );
      return rows[0]?.at ?? undefined;
    },
    async startAttempt(id, at, claim) {
      const result = claim
        ? await q(
            `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $1,
               claimed_by = $2, claim_until = $3
             WHERE id = $4 AND status = 'pending' AND (claimed_by IS NULL OR claimed_by = $2 OR claim_until < $1)`,
            [at, claim.holder, claim.until, id],
          )
        : await q(
            `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $1
             WHERE id = $2 AND status = 'pending'`,
            [at, id],
          );
      return (result.rowCount ?? 0) > 0;
    },
    async finishAttempt(id, outcome: AttemptOutcome) {
      const release = 'claimed_by = NULL, claim_until = NULL';
      switch (outcome.status) {
        case 'sent':
          await q(
            `UPDATE deliveries SET status = 'sent', message_id = $1, error = NULL, sent_at = $2, updated_at = $2, ${release}
             WHERE id = $3`,
            [outcome.messageId, outcome.at, id],
          );
          return;
        case 'pending':
          await q(
            `UPDATE deliveries SET status = 'pending', next_attempt_at = $1, error = $2, updated_at = $3, ${release}
             WHERE id = $4`,
            [outcome.nextAttemptAt, outcome.error, outcome.at, id],
          );
          return;
        default:
          await q(
            `UPDATE deliveries SET status = $1, error = $2, updated_at = $3, ${release} WHERE id = $4`,
            [outcome.status, outcome.error, outcome.at, id],
          );
      }
    },
    async deferDelivery(id, until, at) {
      await q(
        `UPDATE deliveries SET next_attempt_at = $1, updated_at = $2 WHERE id = $3 AND status = 'pending'`,
        [until, at, id],
      );
    },
    async recoverInterrupted(platform, resend, at, ownHolder) {
      // Only sends whose instance is gone: claim expired (or never made), or our own previous life.
      const { rows } = await q<{ id: number }>(
        `UPDATE deliveries SET
           status = CASE WHEN $2::boolean THEN 'pending' ELSE 'unknown' END,
           next_attempt_at = CASE WHEN $2::boolean THEN $3 ELSE next_attempt_at END,
           error = CASE WHEN $2::boolean
             THEN 'interrupted by a restart; resent with the same idempotency key'
             ELSE 'interrupted by a restart while sending; not resent (may or may not have posted)' END,
           updated_at = $3, claimed_by = NULL, claim_until = NULL
         WHERE id IN (SELECT id FROM deliveries WHERE status = 'sending' AND platform = $1
           AND (claim_until IS NULL OR claim_until < $3 OR claimed_by = $4) FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [platform, resend, at, ownHolder ?? ''],
      );
      return resend ? { requeued: rows.length, unknown: 0 } : { requeued: 0, unknown: rows.length };
    },
    async claimDueDigests(now, limit, claim) {
      const { rows } = await q<SubscriptionRow>(
        `WITH picked AS (
           SELECT id FROM subscriptions
           WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1
             AND (claimed_by IS NULL OR claim_until < $1 OR claimed_by = $2)
           ORDER BY next_run_at, id LIMIT $3
           FOR UPDATE SKIP LOCKED)
         UPDATE subscriptions s SET claimed_by = $2, claim_until = $4 FROM picked WHERE s.id = picked.id
         RETURNING s.*`,
        [now, claim.holder, limit, claim.until],
      );
      return sortSubscriptions(rows.map(toSubscription));
    },
    async claimReadyDeliveries(now, limit, platforms, claim) {
      const { rows } = await q<DeliveryRow>(
        `WITH picked AS (
           SELECT c.id FROM deliveries c
           WHERE c.status = 'pending' AND c.next_attempt_at <= $1 AND c.platform = ANY($2::text[])
             AND (c.claimed_by IS NULL OR c.claim_until < $1 OR c.claimed_by = $3)
             AND NOT EXISTS (SELECT 1 FROM deliveries o
               WHERE o.platform = c.platform AND o.chat_id = c.chat_id AND o.status IN ('pending', 'sending')
                 AND o.claimed_by <> $3 AND o.claim_until >= $1)
           ORDER BY c.next_attempt_at, c.id LIMIT $4
           FOR UPDATE SKIP LOCKED)
         UPDATE deliveries d SET claimed_by = $3, claim_until = $5 FROM picked WHERE d.id = picked.id
         RETURNING d.*`,
        [now, platforms, claim.holder, limit, claim.until],
      );
      return sortDeliveries(rows.map(toDelivery));
    },
    async renewClaims(holder, until) {
      await q(
        `UPDATE deliveries SET claim_until = $1 WHERE claimed_by = $2 AND status IN ('pending', 'sending')`,
        [until, holder],
      );
      await q('UPDATE subscriptions SET claim_until = $1 WHERE claimed_by = $2', [until, holder]);
    },
    async releaseClaims(holder, scope) {
      await q('UPDATE subscriptions SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = $1', [
        holder,
      ]);
      if (scope === 'all') {
        await q(
          `UPDATE deliveries SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = $1 AND status = 'pending'`,
          [holder],
        );
      }
    },
    async markOnce(scope, key, now, ttlMs) {
      if (++marks % 1000 === 0) await q('DELETE FROM once_keys WHERE until < $1', [now]);
      const result = await q(
        `INSERT INTO once_keys (scope, key, until) VALUES ($1, $2, $3)
         ON CONFLICT (scope, key) DO UPDATE SET until = excluded.until WHERE once_keys.until < $4`,
        [scope, key, now + ttlMs, now],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async getDelivery(id) {
      const { rows } = await q<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1', [id]);
      return rows[0] ? toDelivery(rows[0]) : undefined;
    },
    async listDeliveries(filter: DeliveryFilter = {}) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (filter.subscriptionId !== undefined) {
        values.push(filter.subscriptionId);
        where.push(`subscription_id = $${values.length}`);
      }
      if (filter.status !== undefined) {
        values.push(filter.status);
        where.push(`status = $${values.length}`);
      }
      values.push(filter.limit ?? 100);
      const { rows } = await q<DeliveryRow>(
        `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`,
        values,
      );
      return rows.map(toDelivery);
    },
    async lastDeliveries() {
      const { rows } = await q<DeliveryRow>(
        'SELECT DISTINCT ON (subscription_id) * FROM deliveries ORDER BY subscription_id, id DESC',
      );
      return new Map(rows.map((r) => [r.subscription_id, toDelivery(r)]));
    },
    async acquireLease(name, holder, now, ttlMs) {
      const result = await q(
        `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE leases.until < $4 OR leases.holder = $2`,
        [name, holder, now + ttlMs, now],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseLease(name, holder) {
      await q('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
    async ping() {
      await q('SELECT 1');
    },
    async backlog(now, overdueBefore) {
      const { rows } = await q<{ platform: string; due: number; overdue: number }>(
        `SELECT platform, COUNT(*)::int AS due, COUNT(*) FILTER (WHERE at <= $1)::int AS overdue FROM (
           SELECT platform, next_attempt_at AS at FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $2
           UNION ALL
           SELECT platform, next_run_at AS at FROM subscriptions
           WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $2
         ) AS work GROUP BY platform ORDER BY platform LIMIT 100`,
        [overdueBefore, now],
      );
      return rows.map((r) => ({ platform: r.platform as Platform, due: r.due, overdue: r.overdue }));
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
  return store;
}
