/**
 * Schema versions of the PostgreSQL store, applied in order and recorded in `schema_migrations`.
 * The same tables as SQLite (times are milliseconds since the epoch in BIGINT columns). Append new
 * steps; never edit a shipped one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE subscriptions (
    id             BIGSERIAL PRIMARY KEY,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    chat_title     TEXT,
    topic          TEXT    NOT NULL,
    topic_label    TEXT    NOT NULL,
    cadence        TEXT    NOT NULL,
    timezone       TEXT    NOT NULL,
    when_empty     TEXT    NOT NULL DEFAULT 'skip',
    created_by     TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    baseline_at    BIGINT  NOT NULL,
    next_run_at    BIGINT,
    status         TEXT    NOT NULL DEFAULT 'active',
    paused_reason  TEXT,
    paused_at      BIGINT,
    last_run_at    BIGINT,
    last_outcome   TEXT,
    claimed_by     TEXT,
    claim_until    BIGINT,
    UNIQUE (platform, chat_id, topic)
  );
  CREATE INDEX subscriptions_due ON subscriptions (status, next_run_at, id);
  CREATE INDEX subscriptions_by_holder ON subscriptions (claimed_by);

  CREATE TABLE articles_seen (
    article_id     TEXT    PRIMARY KEY,
    first_seen_at  BIGINT  NOT NULL
  );

  CREATE TABLE deliveries (
    id               BIGSERIAL PRIMARY KEY,
    key              TEXT    NOT NULL UNIQUE,
    subscription_id  BIGINT  NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    slot_at          BIGINT,
    platform         TEXT    NOT NULL,
    chat_id          TEXT    NOT NULL,
    article_ids      TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    message_id       TEXT,
    error            TEXT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    sent_at          BIGINT,
    claimed_by       TEXT,
    claim_until      BIGINT
  );
  -- With id, so claiming the oldest ready deliveries reads them in order instead of sorting all.
  CREATE INDEX deliveries_ready ON deliveries (status, next_attempt_at, id);
  CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
  CREATE INDEX deliveries_by_chat ON deliveries (platform, chat_id, status);
  CREATE INDEX deliveries_by_holder ON deliveries (claimed_by);

  CREATE TABLE claimed_articles (
    subscription_id  BIGINT  NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    article_id       TEXT    NOT NULL,
    delivery_id      BIGINT  NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    PRIMARY KEY (subscription_id, article_id)
  );

  CREATE TABLE leases (
    name     TEXT    PRIMARY KEY,
    holder   TEXT    NOT NULL,
    until    BIGINT  NOT NULL
  );

  CREATE TABLE once_keys (
    scope  TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    until  BIGINT  NOT NULL,
    PRIMARY KEY (scope, key)
  );

  -- One row per SQLite database copied in by \`briefings migrate --from-sqlite\`.
  CREATE TABLE imports (
    source       TEXT    PRIMARY KEY,
    imported_at  BIGINT  NOT NULL,
    counts       TEXT    NOT NULL
  );
  `,
  // 2: shaping (several topics, words to include or exclude, a language) and a role to ping.
  `
  ALTER TABLE subscriptions ADD COLUMN topics TEXT;
  ALTER TABLE subscriptions ADD COLUMN include_words TEXT;
  ALTER TABLE subscriptions ADD COLUMN exclude_words TEXT;
  ALTER TABLE subscriptions ADD COLUMN language TEXT;
  ALTER TABLE subscriptions ADD COLUMN mention_role_id TEXT;
  `,
];
