/**
 * What the scheduler keeps between restarts, and the Store interface it keeps it behind. The
 * interface is async and coarse-grained (one call per state change, each atomic) so a shared
 * database for several instances (PostgreSQL) can implement it without touching the scheduler.
 */

import type { Reply } from '../reply.ts';
import type { Cadence, PlatformName } from '../types.ts';

/** A platform's registered name (see src/platform.ts). */
export type Platform = PlatformName;

/** What to post at a digest slot when nothing is new: nothing, or the latest items anyway. */
export type WhenEmpty = 'skip' | 'latest';

export interface NewSubscription {
  platform: Platform;
  chatId: string;
  chatTitle?: string;
  /** Topic id (or the query text, for subscriptions to a free query). */
  topic: string;
  /** Display name of the topic, as shown in confirmations and digests. */
  topicLabel: string;
  cadence: Cadence;
  /** IANA zone the cadence's wall-clock times are read in. */
  timezone: string;
  whenEmpty: WhenEmpty;
  /** Platform user id of whoever subscribed. */
  createdBy: string;
  createdAt: number;
  /** Next digest slot (ms); undefined for alerts. */
  nextRunAt?: number;
  /**
   * Every topic id (or free query) the subscription follows, when it follows several
   * (`mexico, peru`); undefined means just `topic`. `topic` is then the sorted ids joined by commas.
   */
  topics?: string[];
  /** Words an article must mention (at least one) to be posted; folded to lower case, no accents. */
  includeWords?: string[];
  /** Words that keep an article out; folded like includeWords. */
  excludeWords?: string[];
  /** Only articles in this language (`en`, `es`); a story in both languages comes in this one. */
  language?: string;
  /** Discord role pinged on alerts (never on digests or answers). */
  mentionRoleId?: string;
}

export type SubscriptionStatus = 'active' | 'paused';

export interface Subscription extends NewSubscription {
  id: number;
  status: SubscriptionStatus;
  /** Why a subscription stopped posting (the platform's words), for operators and re-subscribers. */
  pausedReason?: string;
  pausedAt?: number;
  /** Articles first seen after this instant are "new" for this subscription. */
  baselineAt: number;
  lastRunAt?: number;
  /** What the last digest slot or alert check did: "posted 3 items", "nothing new", "missed (bot down)". */
  lastOutcome?: string;
  updatedAt: number;
}

/** Fields a subscriber or the scheduler may change after creation. */
export type SubscriptionPatch = Partial<
  Pick<
    Subscription,
    | 'chatId'
    | 'chatTitle'
    | 'topicLabel'
    | 'cadence'
    | 'timezone'
    | 'whenEmpty'
    | 'nextRunAt'
    | 'status'
    | 'pausedReason'
    | 'pausedAt'
    | 'lastRunAt'
    | 'lastOutcome'
    | 'createdBy'
    | 'topics'
    | 'includeWords'
    | 'excludeWords'
    | 'language'
    | 'mentionRoleId'
  >
>;

export interface SubscriptionFilter {
  platform?: Platform;
  chatId?: string;
  createdBy?: string;
  status?: SubscriptionStatus;
}

/**
 * `pending`: written, not yet tried (or waiting to retry); `sending`: an attempt is under way;
 * `sent`: the platform returned a message id; `unknown`: an attempt was interrupted on a platform
 * without idempotency keys, so it may or may not have posted (never resent); `failed`: gave up;
 * `cancelled`: its subscription was paused or removed before it went out.
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'unknown' | 'failed' | 'cancelled';

export type DeliveryKind = 'digest' | 'alert';

export interface Delivery {
  id: number;
  /** Unique per (subscription, digest slot or article group): the at-most-once guard. */
  key: string;
  subscriptionId: number;
  kind: DeliveryKind;
  /** The digest slot this delivery stands for. */
  slotAt?: number;
  platform: Platform;
  chatId: string;
  /** Articles this delivery claimed for its subscription (never sent to it again). */
  articleIds: string[];
  /** Exactly what is posted, frozen when planned, so a resend after a restart is identical. */
  payload: Reply;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  messageId?: string;
  error?: string;
  createdAt: number;
  updatedAt: number;
  sentAt?: number;
}

/** A delivery to write, together with the subscription bookkeeping that must change with it. */
export interface DeliveryPlan {
  key: string;
  subscriptionId: number;
  kind: DeliveryKind;
  slotAt?: number;
  articleIds: string[];
  payload: Reply;
  at: number;
  subscription: Pick<SubscriptionPatch, 'nextRunAt' | 'lastRunAt' | 'lastOutcome'>;
}

/** How an attempt ended. */
export type AttemptOutcome =
  | { status: 'sent'; messageId: string; at: number }
  | { status: 'pending'; nextAttemptAt: number; error: string; at: number }
  | { status: 'failed' | 'unknown' | 'cancelled'; error: string; at: number };

export interface DeliveryFilter {
  subscriptionId?: number;
  status?: DeliveryStatus;
  /** Newest first; default 100. */
  limit?: number;
}

/** Scheduled work of one platform whose time has come but that has not gone out (for monitoring). */
export interface Backlog {
  platform: Platform;
  /** Pending deliveries ready to send plus active digest slots due but not yet planned. */
  due: number;
  /** Of those, the ones due at or before the `overdueBefore` instant. */
  overdue: number;
}

export interface Store {
  addSubscription(input: NewSubscription): Promise<Subscription>;
  getSubscription(id: number): Promise<Subscription | undefined>;
  /** The subscription of a chat to a topic (there is at most one). */
  findSubscription(platform: Platform, chatId: string, topic: string): Promise<Subscription | undefined>;
  listSubscriptions(filter?: SubscriptionFilter): Promise<Subscription[]>;
  updateSubscription(id: number, patch: SubscriptionPatch, at: number): Promise<Subscription | undefined>;
  /** Deletes a subscription with its delivery log; pending posts never go out. */
  removeSubscription(id: number): Promise<boolean>;
  /** Pauses a subscription with a reason and cancels its unsent deliveries, in one step. */
  pauseSubscription(id: number, reason: string, at: number): Promise<void>;
  /** Active digest subscriptions whose next slot is at or before `now`. */
  dueDigests(now: number): Promise<Subscription[]>;

  /** Remembers article ids with the instant they were first seen; answers the ones new to the store. */
  recordArticles(ids: readonly string[], seenAt: number): Promise<string[]>;
  /** First-seen instants of the given ids (unknown ids are absent). */
  firstSeen(ids: readonly string[]): Promise<Map<string, number>>;
  /** Which of `ids` a subscription has already claimed in some delivery. */
  claimedArticles(subscriptionId: number, ids: readonly string[]): Promise<Set<string>>;

  /**
   * Writes a delivery and claims its articles in one transaction, and updates the subscription.
   * Answers undefined (and writes nothing) when the key exists or an article is already claimed.
   */
  planDelivery(plan: DeliveryPlan): Promise<Delivery | undefined>;
  /** Pending deliveries due at `now` to the given platforms (those with a publisher), oldest first. */
  readyDeliveries(now: number, limit: number, platforms: readonly Platform[]): Promise<Delivery[]>;
  /** When the earliest pending delivery to the given platforms is due. */
  nextDeliveryAt(platforms: readonly Platform[]): Promise<number | undefined>;
  /**
   * Marks a pending delivery `sending` and counts the attempt; false if someone else took it. With
   * `claim`, only while the row is unclaimed, claimed by `claim.holder`, or its claim has expired.
   */
  startAttempt(id: number, at: number, claim?: Claim): Promise<boolean>;
  /** Records how an attempt ended. */
  finishAttempt(id: number, outcome: AttemptOutcome): Promise<void>;
  /** Postpones a pending delivery without counting an attempt (pacing). */
  deferDelivery(id: number, until: number, at: number): Promise<void>;
  /**
   * Deliveries of a platform left `sending` by an instance that died (its claim expired, or it was
   * this instance's own previous life: `ownHolder`) go back to `pending` when the platform can
   * resend idempotently (`resend`), and to `unknown` otherwise. Sends still claimed by a live
   * instance are left alone.
   */
  recoverInterrupted(
    platform: Platform,
    resend: boolean,
    at: number,
    ownHolder?: string,
  ): Promise<{ requeued: number; unknown: number }>;
  getDelivery(id: number): Promise<Delivery | undefined>;
  listDeliveries(filter?: DeliveryFilter): Promise<Delivery[]>;
  /** The newest delivery of each subscription. */
  lastDeliveries(): Promise<Map<number, Delivery>>;

  /**
   * Work claims: every instance runs the scheduler; each due digest and each ready delivery is
   * claimed by one instance at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL), until `until`.
   * A live instance renews its claims; a dead one's expire and another instance takes the work.
   */
  /** Claims up to `limit` due digest subscriptions (unclaimed, expired, or already this holder's). */
  claimDueDigests(now: number, limit: number, claim: Claim): Promise<Subscription[]>;
  /**
   * Claims up to `limit` pending deliveries due at `now` to the given platforms, oldest first,
   * skipping chats another live instance is posting to (so one chat's posts stay in order).
   */
  claimReadyDeliveries(
    now: number,
    limit: number,
    platforms: readonly Platform[],
    claim: Claim,
  ): Promise<Delivery[]>;
  /** Extends every claim `holder` has on unfinished work to `until`. */
  renewClaims(holder: string, until: number): Promise<void>;
  /** Gives up `holder`'s claims on subscriptions (`digests`), or on those and unsent deliveries (`all`). */
  releaseClaims(holder: string, scope: 'digests' | 'all'): Promise<void>;

  /**
   * True the first time `key` is marked in `scope` within `ttlMs` (shared by every instance), false
   * for a repeat: Telegram updates redelivered to another webhook instance are handled once.
   */
  markOnce(scope: string, key: string, now: number, ttlMs: number): Promise<boolean>;

  /**
   * Takes or renews a named lease until `now + ttlMs`; false while another holder has it (e.g. the
   * one instance that long-polls Telegram).
   */
  acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  /** What the store is: `sqlite` (one process per DATA_DIR) or `postgres` (shared by instances). */
  readonly kind: 'sqlite' | 'postgres';
  /** A trivial round trip (`SELECT 1`) for readiness checks; rejects when the database is unreachable or closed. */
  ping(): Promise<void>;
  /**
   * Due and overdue work per platform (platforms with none are absent), read at scrape time by
   * the metrics endpoint: pending deliveries whose attempt time is at or before `now`, plus active
   * digest subscriptions whose next slot is at or before `now`.
   */
  backlog(now: number, overdueBefore: number): Promise<Backlog[]>;

  close(): Promise<void>;
}

/** Who holds a claim on a row of work, and until when (ms since the epoch). */
export interface Claim {
  holder: string;
  until: number;
}
