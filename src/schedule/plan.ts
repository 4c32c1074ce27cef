/**
 * Planning: what to post, and when. A planned post is a delivery row with its payload frozen and
 * its articles claimed for the subscription, written before anything is sent, so a crash never
 * loses a post nor sends the same items twice.
 */
import type { Logger } from '../logger.ts';
import type { Store, Subscription } from '../store/types.ts';
import type { Article } from '../types.ts';
import { latestSlotBetween, nextSlot } from './cadence.ts';
import { buildScheduledPost, type DigestSource, type ScheduledPostInput } from './digest.ts';
import { deliveryNonce } from './publisher.ts';
import { byWords, topicArticles } from './shape.ts';

/** The post a subscription gets: its topic and language, these articles (newest first). */
function postFor(
  content: DigestSource,
  sub: Subscription,
  kind: ScheduledPostInput['kind'],
  articles: readonly Article[],
): ReturnType<typeof buildScheduledPost> {
  const { topic, topicLabel, mentionRoleId, language } = sub;
  return buildScheduledPost(content, { kind, topic, topicLabel, articles, mentionRoleId, language });
}

export interface PlannerOptions {
  store: Store;
  /** The current content; a function because reloads swap the engine underneath. */
  source: () => DigestSource;
  log: Logger;
  /** A digest missed while the bot was down is still posted if it comes back within this window. */
  graceMs: number;
}

/** What planning a "post now" did (see Scheduler.postNow). */
export type PlannedNow =
  | { status: 'planned'; delivery: number; items: number; fresh: boolean }
  | { status: 'duplicate' | 'empty' };

export interface Planner {
  /**
   * Plans an alert for every active alert subscription with unsent matching articles. `raced`:
   * another instance claimed some of the articles first (the rest are planned next time).
   */
  planAlerts(now: number): Promise<{ planned: number; raced: boolean }>;
  /** Plans `sub`'s due digest slot, or moves it on; answers whether a post was planned. */
  planDigest(sub: Subscription, now: number): Promise<boolean>;
  /** Plans a digest of `sub` for now: what is new for it, or the latest when nothing is. */
  planNow(sub: Subscription, now: number): Promise<PlannedNow>;
}

export function createPlanner({ store, source, log, graceMs }: PlannerOptions): Planner {
  /** Articles first seen after the subscription's baseline and not yet claimed by it, newest first. */
  async function unsentArticles(sub: Subscription, articles: Article[]): Promise<Article[]> {
    const ids = articles.map((a) => a.id);
    const seen = await store.firstSeen(ids);
    const claimed = await store.claimedArticles(sub.id, ids);
    return articles.filter(
      (a) => (seen.get(a.id) ?? Number.NEGATIVE_INFINITY) > sub.baselineAt && !claimed.has(a.id),
    );
  }

  async function planAlerts(now: number): Promise<{ planned: number; raced: boolean }> {
    let planned = 0;
    let raced = false;
    for (const sub of await store.listSubscriptions({ status: 'active' })) {
      if (sub.cadence.kind !== 'alerts') continue;
      const content = source();
      const fresh = byWords(sub, await unsentArticles(sub, topicArticles(content, sub)));
      if (fresh.length === 0) continue;
      const ids = fresh.map((a) => a.id).sort();
      const delivery = await store.planDelivery({
        key: `alert:${sub.id}:${deliveryNonce(ids.join(','))}`,
        subscriptionId: sub.id,
        kind: 'alert',
        articleIds: ids,
        payload: postFor(content, sub, 'alert', fresh),
        at: now,
        subscription: { lastRunAt: now, lastOutcome: `alert with ${fresh.length} new` },
      });
      if (delivery) planned++;
      // Raced by another instance for some of these articles: the rest are planned next check.
      else raced = true;
    }
    return { planned, raced };
  }

  async function planDigest(sub: Subscription, now: number): Promise<boolean> {
    const next = nextSlot(sub.cadence, sub.timezone, now);
    const from = Math.max((sub.nextRunAt ?? now) - 1, now - graceMs);
    const slot = latestSlotBetween(sub.cadence, sub.timezone, from, now);
    if (slot === undefined) {
      log.info({ subscription: sub.id, due: sub.nextRunAt }, 'digest slot missed beyond the grace window');
      await store.updateSubscription(
        sub.id,
        { nextRunAt: next, lastOutcome: 'missed (bot was down past the grace window); items roll over' },
        now,
      );
      return false;
    }
    const content = source();
    const inTopics = topicArticles(content, sub);
    const fresh = byWords(sub, await unsentArticles(sub, inTopics));
    // The whole history passes the word filters only when the latest is to be shown instead.
    const matching = fresh.length === 0 && sub.whenEmpty === 'latest' ? byWords(sub, inTopics) : [];
    const kind =
      fresh.length > 0 ? 'digest' : sub.whenEmpty === 'latest' && matching.length > 0 ? 'latest' : undefined;
    if (!kind) {
      await store.updateSubscription(
        sub.id,
        { nextRunAt: next, lastRunAt: slot, lastOutcome: 'nothing new' },
        now,
      );
      return false;
    }
    const articles = kind === 'digest' ? fresh : matching;
    const delivery = await store.planDelivery({
      key: `digest:${sub.id}:${new Date(slot).toISOString()}`,
      subscriptionId: sub.id,
      kind: 'digest',
      slotAt: slot,
      articleIds: kind === 'digest' ? fresh.map((a) => a.id) : [],
      payload: postFor(content, sub, kind, articles),
      at: now,
      subscription: {
        nextRunAt: next,
        lastRunAt: slot,
        lastOutcome: kind === 'digest' ? `digest with ${fresh.length} new` : 'nothing new; posted the latest',
      },
    });
    if (!delivery) {
      // Planned before (same slot) or raced by another planner: just move on to the next slot.
      await store.updateSubscription(sub.id, { nextRunAt: next }, now);
    }
    return delivery !== undefined;
  }

  async function planNow(sub: Subscription, now: number): Promise<PlannedNow> {
    const content = source();
    // Articles seen for the first time must be on record before "new since the baseline" is asked.
    await store.recordArticles(content.articleIds(), now);
    const inTopics = topicArticles(content, sub);
    const fresh = byWords(sub, await unsentArticles(sub, inTopics));
    const articles = fresh.length > 0 ? fresh : byWords(sub, inTopics);
    if (articles.length === 0) return { status: 'empty' };
    const ids = articles.map((a) => a.id).sort();
    const minute = Math.floor(now / 60_000);
    const delivery = await store.planDelivery({
      // Fresh items are claimed (never posted twice); "the latest again" is deduped per minute.
      key:
        fresh.length > 0
          ? `now:${sub.id}:${deliveryNonce(ids.join(','))}`
          : `now:${sub.id}:latest:${minute}:${deliveryNonce(ids.join(','))}`,
      subscriptionId: sub.id,
      kind: 'digest',
      slotAt: now,
      articleIds: fresh.length > 0 ? ids : [],
      payload: postFor(content, sub, fresh.length > 0 ? 'digest' : 'latest', articles),
      at: now,
      subscription: {
        lastRunAt: now,
        lastOutcome:
          fresh.length > 0 ? `posted now with ${fresh.length} new` : 'posted now; nothing new, so the latest',
      },
    });
    if (!delivery) return { status: 'duplicate' };
    return { status: 'planned', delivery: delivery.id, items: articles.length, fresh: fresh.length > 0 };
  }

  return { planAlerts, planDigest, planNow };
}
