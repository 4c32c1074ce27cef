/**
 * `/subscribe`, `/unsubscribe` and `/subscriptions`, for every front end. Who may subscribe what is
 * decided here, once, from the facts an adapter puts in ChatContext: Discord members with Manage
 * Channels, Telegram group administrators, and Telegram channels from a private chat by one of the
 * channel's administrators once the bot can post there.
 */
import type { ChatContext, ChatTarget, Command, RequestContext } from '../commands/command.ts';
import type { NoticeReply, Reply } from '../commands/reply.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { Store, Subscription } from '../store/types.ts';
import { CadenceError, describeCadence, formatInZone, nextSlot, validateCadence } from './cadence.ts';
import { type Clock, systemClock } from './clock.ts';
import type { DigestSource } from './digest.ts';
import { parseSubscribeArgs, parseTargetArgs, SUBSCRIBE_USAGE, SubscribeSyntaxError } from './parse.ts';

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
}

type Target = ChatTarget & { userCanManage: boolean; botCanPost: boolean; isCurrent: boolean; ref?: string };

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
    if (target.platform === 'discord')
      return `I can't post in ${where}: give me the Send Messages permission there first.`;
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
  return { ...found, isCurrent: found.platform === chat.platform && found.chatId === chat.chatId, ref };
}

/** The usual answer when a subscription command arrives from somewhere that is not a chat. */
const NO_CHAT = error('Subscriptions belong to a chat or channel; use this command in one.');

/** Builds the handler the core routes subscription commands to. */
export function createSubscriptionHandler(options: SubscriptionHandlerOptions): SubscriptionHandler {
  const { store, source, defaultTimezone, clock = systemClock(), logger = silentLogger } = options;
  const log = logger.child({ module: 'subscriptions' });

  function describe(sub: Subscription, withNext = true): string {
    const pace = describeCadence(sub.cadence);
    const zone = sub.cadence.kind === 'alerts' ? '' : ` (${sub.timezone})`;
    const state =
      sub.status === 'paused'
        ? ` — paused: ${sub.pausedReason ?? 'unknown reason'}`
        : withNext && sub.nextRunAt !== undefined
          ? `, next ${formatInZone(sub.nextRunAt, sub.timezone)}`
          : '';
    return `#${sub.id} ${sub.topicLabel}: ${pace}${zone}${state}`;
  }

  function resolveTopic(text: string): { id: string; name: string } | undefined {
    const content = source();
    const topic = content.resolveTopic(text);
    if (topic) return topic;
    const query = text.toLowerCase().replace(/\s+/g, ' ').trim();
    return content.matching(query).length > 0 ? { id: query, name: text.trim() } : undefined;
  }

  async function subscribe(args: string, chat: ChatContext, userId: string): Promise<Reply> {
    let request: ReturnType<typeof parseSubscribeArgs>;
    try {
      request = parseSubscribeArgs(args);
    } catch (caught) {
      if (caught instanceof SubscribeSyntaxError) return error(caught.message);
      throw caught;
    }
    const target = await resolveTarget(chat, request.channelRef);
    if ('kind' in target) return target;
    const refused = refusal(target, chat);
    if (refused) return error(refused);
    const topic = resolveTopic(request.topic);
    if (!topic)
      return error(`I know no topic or articles for "${request.topic}". Try /topics to see what there is.`);
    const timezone = request.timezone ?? defaultTimezone;
    try {
      validateCadence(request.cadence, timezone);
    } catch (caught) {
      if (caught instanceof CadenceError) return error(caught.message);
      throw caught;
    }
    const now = clock.now();
    const nextRunAt = nextSlot(request.cadence, timezone, now);
    const settings = { cadence: request.cadence, timezone, whenEmpty: request.whenEmpty, nextRunAt };
    const existing = await store.findSubscription(target.platform, target.chatId, topic.id);
    const sub = existing
      ? await store.updateSubscription(
          existing.id,
          {
            ...settings,
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
          topic: topic.id,
          topicLabel: topic.name,
          createdBy: userId,
          createdAt: now,
        });
    if (!sub) return error('That subscription vanished while I was changing it; please try again.');
    log.info({ subscription: sub.id, platform: sub.platform, chat: sub.chatId, by: userId }, 'subscribed');
    const where = placeName(target);
    const what =
      sub.cadence.kind === 'alerts'
        ? `${where} will get new articles on ${sub.topicLabel} as soon as they arrive.`
        : `${where} will get a briefing on ${sub.topicLabel} ${describeCadence(sub.cadence)} (${sub.timezone}). ` +
          `Next post: ${sub.nextRunAt === undefined ? 'never' : formatInZone(sub.nextRunAt, sub.timezone)}. ` +
          (sub.whenEmpty === 'latest'
            ? 'If nothing is new, it shows the latest instead.'
            : 'If nothing is new, no post.');
    const verb = existing ? 'Updated' : 'Subscribed';
    return info(
      `${verb} (#${sub.id}): ${what[0]?.toUpperCase()}${what.slice(1)} Stop with /unsubscribe ${sub.id}.`,
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
    const topicId = id === undefined ? resolveTopic(request.what)?.id : undefined;
    const wanted = request.what.toLowerCase().trim();
    const sub = here.find((s) =>
      id !== undefined ? s.id === Number(id) : s.topic === topicId || s.topicLabel.toLowerCase() === wanted,
    );
    if (!sub)
      return error(`${placeName(target)} has no subscription "${request.what}". /subscriptions lists them.`);
    await store.removeSubscription(sub.id);
    log.info({ subscription: sub.id, platform: sub.platform, chat: sub.chatId }, 'unsubscribed');
    return info(`Unsubscribed (#${sub.id}): no more posts on ${sub.topicLabel} in ${placeName(target)}.`);
  }

  async function list(chat: ChatContext): Promise<Reply> {
    const target: Target = { ...chat, isCurrent: true };
    const subs = await store.listSubscriptions({ platform: target.platform, chatId: target.chatId });
    // In a private chat, also show the channels this person subscribed from here.
    if (chat.isPrivate) {
      const mine = await store.listSubscriptions({ platform: chat.platform, createdBy: chat.userId });
      for (const s of mine) if (!subs.some((x) => x.id === s.id)) subs.push(s);
    }
    if (subs.length === 0) {
      return info(`${placeName(target)} has no subscriptions. Start one with ${SUBSCRIBE_USAGE}`);
    }
    const lines = subs.map((s) =>
      s.chatId === target.chatId ? describe(s) : `${describe(s)} — in ${s.chatTitle ?? s.chatId}`,
    );
    return info(`Subscriptions of ${placeName(target)}:\n${lines.join('\n')}`);
  }

  return {
    async handle(command, ctx) {
      const chat = ctx.chat;
      switch (command.kind) {
        case 'subscribe':
          return chat ? subscribe(command.args, chat, chat.userId) : NO_CHAT;
        case 'unsubscribe':
          return chat ? unsubscribe(command.args, chat) : NO_CHAT;
        case 'subscriptions':
          return chat ? list(chat) : NO_CHAT;
        default:
          return error(`Not a subscription command: ${command.kind}`);
      }
    },
  };
}
