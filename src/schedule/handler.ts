/**
 * `/subscribe`, `/unsubscribe` and `/subscriptions`, for every front end. Who may subscribe what is
 * decided here, once, from the facts an adapter puts in ChatContext: Discord members with Manage
 * Channels, Telegram group administrators, and Telegram channels from a private chat by one of the
 * channel's administrators once the bot can post there.
 */
import type {
  ChatContext,
  Command,
  ManageAction,
  RequestContext,
  ResolvedChannel,
  SubscribeOptions,
} from '../commands/command.ts';
import type { ManagedSubscription, NoticeReply, Reply } from '../commands/reply.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { Store, Subscription } from '../store/types.ts';
import {
  CadenceError,
  canonicalTimeZone,
  describeCadence,
  formatInZone,
  nextSlot,
  validateCadence,
} from './cadence.ts';
import { type Clock, systemClock } from './clock.ts';
import type { DigestSource } from './digest.ts';
import {
  parseLanguage,
  parseScheduleOption,
  parseSubscribeArgs,
  parseTargetArgs,
  parseWordList,
  SUBSCRIBE_USAGE,
  type SubscribeRequest,
  SubscribeSyntaxError,
  splitTopics,
} from './parse.ts';
import type { PostNowResult } from './scheduler.ts';
import { topicsOf } from './shape.ts';

/** What `createBriefings(engine, { subscriptions })` routes subscription commands to. */
export interface SubscriptionHandler {
  handle(command: Command, ctx: RequestContext): Promise<Reply>;
}

export interface SubscriptionHandlerOptions {
  store: Store;
  source: () => DigestSource;
  /** IANA zone used when the subscriber names none (DEFAULT_TIMEZONE). */
  defaultTimezone: string;
  clock?: Clock;
  logger?: Logger;
  /** The scheduler's `postNow`, behind the "post now" button; without it the button says it is unavailable. */
  postNow?: (subscriptionId: number) => Promise<PostNowResult>;
  /** Asks the scheduler to send what is ready now (after a resume) instead of at its next tick. */
  wake?: () => Promise<unknown>;
}

/** Posts lost to a pause (failed or cancelled since) that a resume sends again, newest first. */
const REQUEUE_ON_RESUME = 5;

type Target = Omit<ResolvedChannel, 'unusable'> & { isCurrent: boolean; ref?: string };

const error = (message: string): NoticeReply => ({ kind: 'notice', tone: 'error', message });
const info = (message: string): NoticeReply => ({ kind: 'notice', tone: 'info', message });

/** "this chat", "#news", "@mychannel": where a subscription posts, in words. */
function placeName(target: Target): string {
  if (target.isCurrent) return target.platform === 'discord' ? 'this channel' : 'this chat';
  return target.title ?? target.ref ?? target.chatId;
}

function refusal(target: Target, chat: ChatContext): string | undefined {
  const where = placeName(target);
  if (!target.userCanManage) {
    if (target.platform === 'discord')
      return `Only members with the Manage Channels permission can change subscriptions of ${where}.`;
    if (!target.isCurrent) return `Only administrators of ${where} can change its subscriptions.`;
    return 'Only administrators of this group can change its subscriptions.';
  }
  if (!target.botCanPost) {
    if (target.platform === 'discord') {
      const missing = target.missingPermissions?.length ? target.missingPermissions : ['Send Messages'];
      const list = missing.join(', ');
      return `I can't post in ${where}: give me the ${list} permission${missing.length > 1 ? 's' : ''} there first.`;
    }
    if (!target.isCurrent || !chat.isPrivate) {
      return `I can't post in ${where}: make me an administrator allowed to post messages there first.`;
    }
    return "I can't post here.";
  }
  return undefined;
}

async function resolveTarget(chat: ChatContext, ref: string | undefined): Promise<Target | NoticeReply> {
  if (ref === undefined) return { ...chat, isCurrent: true };
  if (!chat.resolveChannel)
    return error(`I can't look up ${ref} from here; run the command in that chat instead.`);
  const found = await chat.resolveChannel(ref);
  if (!found) return error(`I can't find ${ref}, or I am not a member there.`);
  if (found.unusable) return error(found.unusable);
  return { ...found, isCurrent: found.platform === chat.platform && found.chatId === chat.chatId, ref };
}

const capitalised = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;

/** The usual answer when a subscription command arrives from somewhere that is not a chat. */
const NO_CHAT = error('Subscriptions belong to a chat or channel; use this command in one.');

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Spanish' };

/** "only articles mentioning election or vote, none mentioning football, in Spanish": a subscription's shaping, in words. */
export function describeShape(sub: Pick<Subscription, 'includeWords' | 'excludeWords' | 'language'>): string {
  const parts: string[] = [];
  const words = (list: string[]) => list.join(' or ');
  if (sub.includeWords?.length) parts.push(`only articles mentioning ${words(sub.includeWords)}`);
  if (sub.excludeWords?.length) parts.push(`none mentioning ${words(sub.excludeWords)}`);
  if (sub.language) parts.push(`in ${LANGUAGE_NAMES[sub.language] ?? sub.language} only`);
  return parts.join(', ');
}

/** Builds the handler the core routes subscription commands to. */
export function createSubscriptionHandler(options: SubscriptionHandlerOptions): SubscriptionHandler {
  const {
    store,
    source,
    defaultTimezone,
    clock = systemClock(),
    logger = silentLogger,
    postNow,
    wake,
  } = options;
  const log = logger.child({ module: 'subscriptions' });

  function describe(sub: Subscription, withNext = true): string {
    const pace = describeCadence(sub.cadence);
    const zone = sub.cadence.kind === 'alerts' ? '' : ` (${sub.timezone})`;
    const shape = describeShape(sub);
    const ping = sub.mentionRoleId ? `, pinging <@&${sub.mentionRoleId}>` : '';
    const state =
      sub.status === 'paused'
        ? ` — paused: ${sub.pausedReason ?? 'unknown reason'}`
        : withNext && sub.nextRunAt !== undefined && sub.cadence.kind !== 'alerts'
          ? `, next ${formatInZone(sub.nextRunAt, sub.timezone)}`
          : '';
    return `#${sub.id} ${sub.topicLabel}: ${pace}${zone}${shape ? `; ${shape}` : ''}${ping}${state}`;
  }

  function resolveTopic(text: string): { id: string; name: string } | undefined {
    const content = source();
    const topic = content.resolveTopic(text);
    if (topic) return topic;
    const query = text.toLowerCase().replace(/\s+/g, ' ').trim();
    return content.matching(query).length > 0 ? { id: query, name: text.trim() } : undefined;
  }

  /** Discord options → the same request the text grammar gives. */
  function fromOptions(o: SubscribeOptions): SubscribeRequest {
    const topics = splitTopics(o.topic);
    if (topics.length === 0) throw new SubscribeSyntaxError('Which topic? Pick one from the list.');
    const { cadence, whenEmpty } = parseScheduleOption(o.schedule ?? '');
    let timezone: string | undefined;
    if (o.timezone?.trim()) {
      timezone = canonicalTimeZone(o.timezone.trim());
      if (!timezone)
        throw new SubscribeSyntaxError(
          `"${o.timezone.trim()}" is not a time zone I know; use a name like Europe/Madrid.`,
        );
    }
    let language: SubscribeRequest['language'];
    if (o.language?.trim()) {
      language = parseLanguage(o.language);
      if (!language)
        throw new SubscribeSyntaxError(`"${o.language}" is not a language I have; use en or es.`);
    }
    return {
      channelRef: o.channel,
      topic: o.topic,
      topics,
      cadence,
      timezone,
      whenEmpty,
      include: o.include ? parseWordList(o.include, 'include') : [],
      exclude: o.exclude ? parseWordList(o.exclude, 'exclude') : [],
      language,
    };
  }

  async function subscribe(
    command: Extract<Command, { kind: 'subscribe' }>,
    chat: ChatContext,
  ): Promise<Reply> {
    let request: SubscribeRequest;
    try {
      request = command.options ? fromOptions(command.options) : parseSubscribeArgs(command.args);
    } catch (caught) {
      if (caught instanceof SubscribeSyntaxError) return error(caught.message);
      throw caught;
    }
    const target = await resolveTarget(chat, request.channelRef);
    if ('kind' in target) return target;
    const refused = refusal(target, chat);
    if (refused) return error(refused);
    const resolved: { id: string; name: string }[] = [];
    for (const text of request.topics) {
      const topic = resolveTopic(text);
      if (!topic)
        return error(`I know no topic or articles for "${text}". Try /topics to see what there is.`);
      if (!resolved.some((t) => t.id === topic.id)) resolved.push(topic);
    }
    const sorted = [...resolved].sort((a, b) => a.id.localeCompare(b.id));
    const topicKey = sorted.map((t) => t.id).join(',');
    const topicLabel = resolved.map((t) => t.name).join(', ');
    const timezone = request.timezone ?? defaultTimezone;
    try {
      validateCadence(request.cadence, timezone);
    } catch (caught) {
      if (caught instanceof CadenceError) return error(caught.message);
      throw caught;
    }
    const now = clock.now();
    const nextRunAt = nextSlot(request.cadence, timezone, now);
    const mentionRoleId = command.options?.mentionRoleId;
    if (mentionRoleId !== undefined && !/^\d{5,22}$/.test(mentionRoleId)) {
      return error('Alerts cannot ping @everyone; pick a role made for them (e.g. @news-alerts).');
    }
    if (mentionRoleId && request.cadence.kind !== 'alerts') {
      return error(
        'A role can only be pinged on alerts; choose the schedule "alerts" or leave out the mention.',
      );
    }
    const settings = {
      cadence: request.cadence,
      timezone,
      whenEmpty: request.whenEmpty,
      nextRunAt,
      // Stored as undefined rather than empty, so older rows and new ones read the same.
      topics: sorted.length > 1 ? sorted.map((t) => t.id) : undefined,
      includeWords: request.include.length ? request.include : undefined,
      excludeWords: request.exclude.length ? request.exclude : undefined,
      language: request.language,
      mentionRoleId,
    };
    const existing = await store.findSubscription(target.platform, target.chatId, topicKey);
    const sub = existing
      ? await store.updateSubscription(
          existing.id,
          {
            ...settings,
            topicLabel,
            chatTitle: target.title,
            status: 'active',
            pausedReason: undefined,
            pausedAt: undefined,
          },
          now,
        )
      : await store.addSubscription({
          ...settings,
          platform: target.platform,
          chatId: target.chatId,
          chatTitle: target.title,
          topic: topicKey,
          topicLabel,
          createdBy: chat.userId,
          createdAt: now,
        });
    if (!sub) return error('That subscription vanished while I was changing it; please try again.');
    log.info(
      {
        subscription: sub.id,
        platform: sub.platform,
        chat: sub.chatId,
        by: chat.userId,
        topics: topicsOf(sub),
      },
      'subscribed',
    );
    const where = placeName(target);
    const shape = describeShape(sub);
    const filters = shape ? ` (${shape})` : '';
    const what =
      sub.cadence.kind === 'alerts'
        ? `${where} will get new articles on ${sub.topicLabel}${filters} as soon as they arrive` +
          `${sub.mentionRoleId ? `, pinging <@&${sub.mentionRoleId}>` : ''}.`
        : `${where} will get a briefing on ${sub.topicLabel}${filters} ${describeCadence(sub.cadence)} (${sub.timezone}). ` +
          `Next post: ${sub.nextRunAt === undefined ? 'never' : formatInZone(sub.nextRunAt, sub.timezone)}. ` +
          (sub.whenEmpty === 'latest'
            ? 'If nothing is new, it shows the latest instead.'
            : 'If nothing is new, no post.');
    const verb = existing ? 'Updated' : 'Subscribed';
    const silent =
      sub.mentionRoleId && command.options?.mentionSilent
        ? ` Note: <@&${sub.mentionRoleId}> is not mentionable and I lack Mention All Roles, so the ping will notify nobody; make the role mentionable in the server settings.`
        : '';
    return info(
      `${verb} (#${sub.id}): ${what[0]?.toUpperCase()}${what.slice(1)}${silent} Stop with /unsubscribe ${sub.id}; /subscriptions to pause or post now.`,
    );
  }

  async function unsubscribe(args: string, chat: ChatContext): Promise<Reply> {
    const request = parseTargetArgs(args);
    if (!request.what)
      return error('Which subscription? Usage: /unsubscribe <topic or id>; /subscriptions lists them.');
    const target = await resolveTarget(chat, request.channelRef);
    if ('kind' in target) return target;
    if (!target.userCanManage) return error(refusal(target, chat) ?? 'Not allowed.');
    const here = await store.listSubscriptions({ platform: target.platform, chatId: target.chatId });
    const id = /^#?(\d+)$/.exec(request.what)?.[1];
    const wanted = request.what.toLowerCase().trim();
    let topicKey: string | undefined;
    if (id === undefined) {
      // More topics than a subscription may hold match none; the label comparison still runs.
      const typed = request.what
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const ids = typed.map((t) => resolveTopic(t)?.id ?? t.toLowerCase());
      topicKey = [...new Set(ids)].sort().join(',');
    }
    const sub = here.find((s) =>
      id !== undefined ? s.id === Number(id) : s.topic === topicKey || s.topicLabel.toLowerCase() === wanted,
    );
    if (!sub)
      return error(
        `${capitalised(placeName(target))} has no subscription "${request.what}". /subscriptions lists them.`,
      );
    await store.removeSubscription(sub.id);
    log.info({ subscription: sub.id, platform: sub.platform, chat: sub.chatId }, 'unsubscribed');
    return info(`Unsubscribed (#${sub.id}): no more posts on ${sub.topicLabel} in ${placeName(target)}.`);
  }

  /** This chat's subscriptions (and, in a private chat, those its user made elsewhere from here). */
  async function visible(chat: ChatContext): Promise<Subscription[]> {
    const subs = await store.listSubscriptions({ platform: chat.platform, chatId: chat.chatId });
    if (chat.isPrivate) {
      const mine = await store.listSubscriptions({ platform: chat.platform, createdBy: chat.userId });
      for (const s of mine) if (!subs.some((x) => x.id === s.id)) subs.push(s);
    }
    return subs;
  }

  async function list(chat: ChatContext, outcome?: string): Promise<Reply> {
    const target: Target = { ...chat, isCurrent: true };
    const subs = await visible(chat);
    const head = outcome ? `${outcome}\n\n` : '';
    if (subs.length === 0) {
      return info(
        `${head}${capitalised(placeName(target))} has no subscriptions. Start one with ${SUBSCRIBE_USAGE}`,
      );
    }
    const lines = subs.map((s) =>
      s.chatId === target.chatId ? describe(s) : `${describe(s)} — in ${s.chatTitle ?? s.chatId}`,
    );
    const manage: ManagedSubscription[] = subs.map((s) => ({
      id: s.id,
      label: s.topicLabel,
      paused: s.status === 'paused',
    }));
    return { ...info(`${head}Subscriptions of ${placeName(target)}:\n${lines.join('\n')}`), manage };
  }

  /** May the person pressing a button change `sub`? Answers the refusal, or undefined when allowed. */
  async function mayManage(sub: Subscription, chat: ChatContext): Promise<string | undefined> {
    if (sub.chatId === chat.chatId) {
      return chat.userCanManage ? undefined : refusal({ ...chat, isCurrent: true, botCanPost: true }, chat);
    }
    // A channel managed from a private chat: ask the platform again, rights may have changed.
    const found = chat.resolveChannel ? await chat.resolveChannel(sub.chatId) : undefined;
    if (!found?.userCanManage)
      return `Only administrators of ${sub.chatTitle ?? sub.chatId} can change its subscriptions.`;
    return undefined;
  }

  async function manage(action: ManageAction, id: number, chat: ChatContext): Promise<Reply> {
    const sub = (await visible(chat)).find((s) => s.id === id);
    if (!sub) return list(chat, `Subscription #${id} is gone; here is what is left.`);
    const refused = await mayManage(sub, chat);
    if (refused) return error(refused);
    const now = clock.now();
    const name = `#${sub.id} ${sub.topicLabel}`;
    switch (action) {
      case 'pause':
        if (sub.status === 'paused') return list(chat, `${name} was already paused.`);
        await store.pauseSubscription(sub.id, 'paused by an administrator', now);
        log.info({ subscription: sub.id, by: chat.userId }, 'subscription paused by hand');
        return list(chat, `Paused ${name}: nothing is posted until you resume it.`);
      case 'resume': {
        if (sub.status === 'active') return list(chat, `${name} is already running.`);
        if (sub.chatId === chat.chatId && !chat.botCanPost) {
          const target: Target = { ...chat, isCurrent: true, userCanManage: true };
          return error(`Still not fixed: ${refusal(target, chat) ?? "I can't post here."}`);
        }
        await store.updateSubscription(
          sub.id,
          {
            status: 'active',
            pausedReason: undefined,
            pausedAt: undefined,
            nextRunAt: nextSlot(sub.cadence, sub.timezone, now),
          },
          now,
        );
        // The posts the failure (or the pause) stopped go out now, once: their articles stay claimed.
        const since = sub.pausedAt ?? Number.POSITIVE_INFINITY;
        const lost = (await store.listDeliveries({ subscriptionId: sub.id, limit: 50 }))
          .filter((d) => (d.status === 'failed' || d.status === 'cancelled') && d.updatedAt >= since)
          .slice(0, REQUEUE_ON_RESUME);
        for (const d of lost) {
          await store.finishAttempt(d.id, {
            status: 'pending',
            nextAttemptAt: now,
            error: 'sent again on resume',
            at: now,
          });
        }
        log.info({ subscription: sub.id, by: chat.userId, requeued: lost.length }, 'subscription resumed');
        if (wake) void wake().catch((err) => log.error({ err }, 'resume: sending failed'));
        const again =
          lost.length > 0
            ? ` ${lost.length === 1 ? 'The post' : `${lost.length} posts`} it missed will go out now.`
            : '';
        return list(chat, `Resumed ${name}.${again}`);
      }
      case 'post': {
        if (!postNow) return error('Posting now is not available here.');
        const result = await postNow(sub.id);
        const outcome =
          result.status === 'planned'
            ? `Posting ${name} now: ${result.items} ${result.items === 1 ? 'article' : 'articles'}${result.fresh ? ' new since the last post' : ' (nothing new, so the latest)'}.`
            : result.status === 'duplicate'
              ? `${name} was just posted; nothing new since.`
              : result.status === 'empty'
                ? `Nothing to post for ${name}: no articles match it yet.`
                : result.status === 'paused'
                  ? `${name} is paused; resume it first.`
                  : `Subscription #${sub.id} is gone.`;
        return list(chat, outcome);
      }
      case 'remove':
        await store.removeSubscription(sub.id);
        log.info({ subscription: sub.id, by: chat.userId }, 'unsubscribed by button');
        return list(chat, `Unsubscribed ${name}.`);
    }
  }

  return {
    async handle(command, ctx) {
      const chat = ctx.chat;
      if (!chat) return NO_CHAT;
      switch (command.kind) {
        case 'subscribe':
          return subscribe(command, chat);
        case 'unsubscribe':
          return unsubscribe(command.args, chat);
        case 'subscriptions':
          return list(chat);
        case 'manage':
          return manage(command.action, command.id, chat);
        default:
          return error(`Not a subscription command: ${command.kind}`);
      }
    },
  };
}
