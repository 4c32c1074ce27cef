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
import {
  PAUSED_BY_ADMIN,
  type SubscriptionMessages,
  subscriptionMessagesFor,
} from '../i18n/subscriptions.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { PlaceModelOf } from '../platform.ts';
import type { ManagedSubscription, NoticeReply, Reply } from '../reply.ts';
import type { Store, Subscription } from '../store/types.ts';
import { languageOfLocale, type TextLanguage } from '../text/language.ts';
import { topicName } from '../types.ts';
import {
  CadenceError,
  canonicalTimeZone,
  describeCadence,
  formatInZone,
  nextSlot,
  validateCadence,
} from './cadence.ts';
import { type Clock, systemClock } from './clock.ts';
import { type DigestSource, localLabel } from './digest.ts';
import {
  parseLanguage,
  parseScheduleOption,
  parseSubscribeArgs,
  parseTargetArgs,
  parseWordList,
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
  /** How each platform names places and who manages them; `chats` unless told. */
  places?: PlaceModelOf;
}

/** Posts lost to a pause (failed or cancelled since) that a resume sends again, newest first. */
const REQUEUE_ON_RESUME = 5;

/** The reader's interface language and the dialogue in it. */
interface Say {
  language: TextLanguage | undefined;
  m: SubscriptionMessages;
}

type Target = Omit<ResolvedChannel, 'unusable'> & { isCurrent: boolean; ref?: string };

const error = (message: string): NoticeReply => ({ kind: 'notice', tone: 'error', message });
const info = (message: string): NoticeReply => ({ kind: 'notice', tone: 'info', message });

/** "this chat", "#news", "@mychannel": where a subscription posts, in words. */
function placeName(target: Target, m: SubscriptionMessages, places: PlaceModelOf): string {
  if (target.isCurrent) return places(target.platform) === 'channels' ? m.thisChannel : m.thisChat;
  return target.title ?? target.ref ?? target.chatId;
}

function refusal(
  target: Target,
  chat: ChatContext,
  m: SubscriptionMessages,
  places: PlaceModelOf,
): string | undefined {
  const where = placeName(target, m, places);
  const channels = places(target.platform) === 'channels';
  if (!target.userCanManage) {
    if (channels) return m.onlyManageChannels(where);
    if (!target.isCurrent) return m.onlyAdminsOf(where);
    return m.onlyAdminsOfGroup;
  }
  if (!target.botCanPost) {
    if (channels) {
      const missing = target.missingPermissions?.length ? target.missingPermissions : ['Send Messages'];
      return m.needPermissions(where, missing);
    }
    if (!target.isCurrent || !chat.isPrivate) return m.needAdminToPost(where);
    return m.cannotPostHere;
  }
  return undefined;
}

async function resolveTarget(
  chat: ChatContext,
  ref: string | undefined,
  m: SubscriptionMessages,
): Promise<Target | NoticeReply> {
  if (ref === undefined) return { ...chat, isCurrent: true };
  if (!chat.resolveChannel) return error(m.cannotLookUp(ref));
  const found = await chat.resolveChannel(ref);
  if (!found) return error(m.cannotFind(ref));
  if (found.unusable) return error(found.unusable);
  return { ...found, isCurrent: found.platform === chat.platform && found.chatId === chat.chatId, ref };
}

/**
 * "only articles mentioning election or vote, none mentioning football, in Spanish only": a
 * subscription's shaping, in words of the given language (English by default).
 */
export function describeShape(
  sub: Pick<Subscription, 'includeWords' | 'excludeWords' | 'language'>,
  m: SubscriptionMessages = subscriptionMessagesFor('en'),
): string {
  const parts: string[] = [];
  if (sub.includeWords?.length) parts.push(m.onlyMentioning(sub.includeWords));
  if (sub.excludeWords?.length) parts.push(m.noneMentioning(sub.excludeWords));
  if (sub.language) parts.push(m.onlyInLanguage(m.languageName(sub.language)));
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
    places = () => 'chats',
  } = options;
  const log = logger.child({ module: 'subscriptions' });

  /** A subscription's topics named in `language`, in the order they were typed. */
  const labelOf = (sub: Pick<Subscription, 'topicLabel'>, language: string | undefined) =>
    localLabel(source(), sub.topicLabel, language);

  function describe(sub: Subscription, s: Say, withNext = true): string {
    const { m } = s;
    const pace = describeCadence(sub.cadence, m);
    const zone = sub.cadence.kind === 'alerts' ? '' : ` (${sub.timezone})`;
    const shape = describeShape(sub, m);
    const ping = sub.mentionRoleId ? m.pinging(`<@&${sub.mentionRoleId}>`) : '';
    const state =
      sub.status === 'paused'
        ? m.pausedBecause(sub.pausedReason)
        : withNext && sub.nextRunAt !== undefined && sub.cadence.kind !== 'alerts'
          ? m.nextPost(formatInZone(sub.nextRunAt, sub.timezone, m))
          : '';
    return `#${sub.id} ${labelOf(sub, s.language)}: ${pace}${zone}${shape ? `; ${shape}` : ''}${ping}${state}`;
  }

  function resolveTopic(text: string): { id: string; name: string; nameEs?: string } | undefined {
    const content = source();
    const topic = content.resolveTopic(text);
    if (topic) return topic;
    const query = text.toLowerCase().replace(/\s+/g, ' ').trim();
    return content.matching(query).length > 0 ? { id: query, name: text.trim() } : undefined;
  }

  /** Discord options → the same request the text grammar gives. */
  function fromOptions(o: SubscribeOptions): SubscribeRequest {
    const topics = splitTopics(o.topic);
    if (topics.length === 0) throw new SubscribeSyntaxError((m) => m.pickTopic);
    const { cadence, whenEmpty } = parseScheduleOption(o.schedule ?? '');
    let timezone: string | undefined;
    if (o.timezone?.trim()) {
      const typed = o.timezone.trim();
      timezone = canonicalTimeZone(typed);
      if (!timezone) throw new SubscribeSyntaxError((m) => m.badZone(typed));
    }
    let language: SubscribeRequest['language'];
    if (o.language?.trim()) {
      const typed = o.language;
      language = parseLanguage(typed);
      if (!language) throw new SubscribeSyntaxError((m) => m.badLanguageOption(typed));
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
    s: Say,
  ): Promise<Reply> {
    const { m } = s;
    let request: SubscribeRequest;
    try {
      request = command.options ? fromOptions(command.options) : parseSubscribeArgs(command.args);
    } catch (caught) {
      if (caught instanceof SubscribeSyntaxError) return error(caught.say(m));
      throw caught;
    }
    const target = await resolveTarget(chat, request.channelRef, m);
    if ('kind' in target) return target;
    const refused = refusal(target, chat, m, places);
    if (refused) return error(refused);
    const resolved: { id: string; name: string; nameEs?: string }[] = [];
    for (const text of request.topics) {
      const topic = resolveTopic(text);
      if (!topic) return error(m.unknownTopic(text));
      if (!resolved.some((t) => t.id === topic.id)) resolved.push(topic);
    }
    const sorted = [...resolved].sort((a, b) => a.id.localeCompare(b.id));
    const topicKey = sorted.map((t) => t.id).join(',');
    // Stored in English (logs, the CLI); shown in the reader's language.
    const topicLabel = resolved.map((t) => t.name).join(', ');
    const shownLabel = resolved.map((t) => topicName(t, s.language)).join(', ');
    const timezone = request.timezone ?? defaultTimezone;
    try {
      validateCadence(request.cadence, timezone);
    } catch (caught) {
      if (caught instanceof CadenceError) return error(caught.say(m));
      throw caught;
    }
    const now = clock.now();
    const nextRunAt = nextSlot(request.cadence, timezone, now);
    const mentionRoleId = command.options?.mentionRoleId;
    if (mentionRoleId !== undefined && !/^\d{5,22}$/.test(mentionRoleId)) return error(m.noEveryone);
    if (mentionRoleId && request.cadence.kind !== 'alerts') return error(m.roleOnAlerts);
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
    if (!sub) return error(m.vanished);
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
    const where = placeName(target, m, places);
    const shape = describeShape(sub, m);
    const filters = shape ? ` (${shape})` : '';
    const what =
      sub.cadence.kind === 'alerts'
        ? m.alertsWhat(
            where,
            shownLabel,
            filters,
            sub.mentionRoleId ? m.pinging(`<@&${sub.mentionRoleId}>`) : '',
          )
        : `${m.digestWhat(where, shownLabel, filters, describeCadence(sub.cadence, m), sub.timezone)} ` +
          `${m.nextPostAt(sub.nextRunAt === undefined ? undefined : formatInZone(sub.nextRunAt, sub.timezone, m))} ` +
          (sub.whenEmpty === 'latest' ? m.whenEmptyLatest : m.whenEmptySkip);
    const silent =
      sub.mentionRoleId && command.options?.mentionSilent
        ? m.roleNotMentionable(`<@&${sub.mentionRoleId}>`)
        : '';
    return info(m.subscribed(sub.id, what, existing !== undefined, silent));
  }

  async function unsubscribe(args: string, chat: ChatContext, s: Say): Promise<Reply> {
    const { m } = s;
    const request = parseTargetArgs(args);
    if (!request.what) return error(m.whichSubscription);
    const target = await resolveTarget(chat, request.channelRef, m);
    if ('kind' in target) return target;
    if (!target.userCanManage) return error(refusal(target, chat, m, places) ?? m.notAllowed);
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
    const sub = here.find((x) =>
      id !== undefined
        ? x.id === Number(id)
        : x.topic === topicKey ||
          x.topicLabel.toLowerCase() === wanted ||
          labelOf(x, s.language).toLowerCase() === wanted,
    );
    if (!sub) return error(m.noSuchSubscription(placeName(target, m, places), request.what));
    await store.removeSubscription(sub.id);
    log.info({ subscription: sub.id, platform: sub.platform, chat: sub.chatId }, 'unsubscribed');
    return info(m.unsubscribed(sub.id, labelOf(sub, s.language), placeName(target, m, places)));
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

  async function list(chat: ChatContext, s: Say, outcome?: string): Promise<Reply> {
    const { m } = s;
    const target: Target = { ...chat, isCurrent: true };
    const subs = await visible(chat);
    const head = outcome ? `${outcome}\n\n` : '';
    if (subs.length === 0) return info(`${head}${m.noSubscriptions(placeName(target, m, places))}`);
    const lines = subs.map((x) =>
      x.chatId === target.chatId ? describe(x, s) : `${describe(x, s)}${m.inChat(x.chatTitle ?? x.chatId)}`,
    );
    const manage: ManagedSubscription[] = subs.map((x) => ({
      id: x.id,
      label: labelOf(x, s.language),
      paused: x.status === 'paused',
    }));
    return { ...info(`${head}${m.subscriptionsOf(placeName(target, m, places), lines)}`), manage };
  }

  /** May the person pressing a button change `sub`? Answers the refusal, or undefined when allowed. */
  async function mayManage(sub: Subscription, chat: ChatContext, m: SubscriptionMessages) {
    if (sub.chatId === chat.chatId) {
      return chat.userCanManage
        ? undefined
        : refusal({ ...chat, isCurrent: true, botCanPost: true }, chat, m, places);
    }
    // A channel managed from a private chat: ask the platform again, rights may have changed.
    const found = chat.resolveChannel ? await chat.resolveChannel(sub.chatId) : undefined;
    if (!found?.userCanManage) return m.onlyAdminsOf(sub.chatTitle ?? sub.chatId);
    return undefined;
  }

  async function manage(action: ManageAction, id: number, chat: ChatContext, s: Say): Promise<Reply> {
    const { m } = s;
    const sub = (await visible(chat)).find((x) => x.id === id);
    if (!sub) return list(chat, s, m.gone(id));
    const refused = await mayManage(sub, chat, m);
    if (refused) return error(refused);
    const now = clock.now();
    const name = `#${sub.id} ${labelOf(sub, s.language)}`;
    switch (action) {
      case 'pause':
        if (sub.status === 'paused') return list(chat, s, m.alreadyPaused(name));
        await store.pauseSubscription(sub.id, PAUSED_BY_ADMIN, now);
        log.info({ subscription: sub.id, by: chat.userId }, 'subscription paused by hand');
        return list(chat, s, m.paused(name));
      case 'resume': {
        if (sub.status === 'active') return list(chat, s, m.alreadyRunning(name));
        if (sub.chatId === chat.chatId && !chat.botCanPost) {
          const target: Target = { ...chat, isCurrent: true, userCanManage: true };
          return error(m.stillNotFixed(refusal(target, chat, m, places) ?? m.cannotPostHere));
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
        return list(chat, s, m.resumed(name, lost.length));
      }
      case 'post': {
        if (!postNow) return error(m.postNowUnavailable);
        const result = await postNow(sub.id);
        const outcome =
          result.status === 'planned'
            ? m.posting(name, result.items, result.fresh)
            : result.status === 'duplicate'
              ? m.justPosted(name)
              : result.status === 'empty'
                ? m.nothingToPost(name)
                : result.status === 'paused'
                  ? m.pausedResumeFirst(name)
                  : m.gone(sub.id);
        return list(chat, s, outcome);
      }
      case 'remove':
        await store.removeSubscription(sub.id);
        log.info({ subscription: sub.id, by: chat.userId }, 'unsubscribed by button');
        return list(chat, s, m.removed(name));
    }
  }

  return {
    async handle(command, ctx) {
      const language = languageOfLocale(ctx.locale);
      const s: Say = { language, m: subscriptionMessagesFor(language) };
      const chat = ctx.chat;
      if (!chat) return error(s.m.noChat);
      switch (command.kind) {
        case 'subscribe':
          return subscribe(command, chat, s);
        case 'unsubscribe':
          return unsubscribe(command.args, chat, s);
        case 'subscriptions':
          return list(chat, s);
        case 'manage':
          return manage(command.action, command.id, chat, s);
        default:
          return error(s.m.notASubscriptionCommand(command.kind));
      }
    },
  };
}
