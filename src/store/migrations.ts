/**
 * Schema versions of the SQLite store, applied in order and recorded in `PRAGMA user_version`.
 * Append new steps; never edit a shipped one (databases in the field already ran it).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    chat_title     TEXT,
    topic          TEXT    NOT NULL,
    topic_label    TEXT    NOT NULL,
    cadence        TEXT    NOT NULL,
    timezone       TEXT    NOT NULL,
    when_empty     TEXT    NOT NULL DEFAULT 'skip',
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    baseline_at    INTEGER NOT NULL,
    next_run_at    INTEGER,
    status         TEXT    NOT NULL DEFAULT 'active',
    paused_reason  TEXT,
    paused_at      INTEGER,
    last_run_at    INTEGER,
    last_outcome   TEXT,
    UNIQUE (platform, chat_id, topic)
  );
  CREATE INDEX subscriptions_due ON subscriptions (status, next_run_at);

  CREATE TABLE articles_seen (
    article_id     TEXT    PRIMARY KEY,
    first_seen_at  INTEGER NOT NULL
  );

  CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    key              TEXT    NOT NULL UNIQUE,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    slot_at          INTEGER,
    platform         TEXT    NOT NULL,
    chat_id          TEXT    NOT NULL,
    article_ids      TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    message_id       TEXT,
    error            TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    sent_at          INTEGER
  );
  CREATE INDEX deliveries_ready ON deliveries (status, next_attempt_at);
  CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);

  CREATE TABLE claimed_articles (
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    article_id       TEXT    NOT NULL,
    delivery_id      INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    PRIMARY KEY (subscription_id, article_id)
  );

  CREATE TABLE leases (
    name     TEXT    PRIMARY KEY,
    holder   TEXT    NOT NULL,
    until    INTEGER NOT NULL
  );
  `, // 2: several-instance work claims (who holds a due digest or a delivery, until when), and shared
  // at-most-once keys (Telegram update ids).
  `
  ALTER TABLE subscriptions ADD COLUMN claimed_by TEXT;
  ALTER TABLE subscriptions ADD COLUMN claim_until INTEGER;
  ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
  ALTER TABLE deliveries ADD COLUMN claim_until INTEGER;
  CREATE INDEX deliveries_by_chat ON deliveries (platform, chat_id, status);
  CREATE INDEX deliveries_by_holder ON deliveries (claimed_by);

  CREATE TABLE once_keys (
    scope  TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    until  INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
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
