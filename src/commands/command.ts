/**
 * What a user can ask for, whatever the front end. `parseCommand` turns typed text into one of
 * these; adapters that get structured input (Discord slash options, inline queries) build them
 * directly.
 */
import type { ChatTarget, PlatformName } from '../types.ts';

export type { ChatTarget } from '../types.ts';

export type Command =
  | { kind: 'latest'; topic: string }
  | { kind: 'search'; query: string }
  | { kind: 'brief'; topic: string }
  | { kind: 'topics' }
  | { kind: 'article'; id: string }
  | { kind: 'help' }
  /** `/start` (Telegram) with an optional deep-link payload naming an article. */
  | { kind: 'start'; payload: string }
  /** The next page of an earlier list, from `CardsReply.next`. */
  | { kind: 'more'; cursor: string }
  /**
   * Channel subscriptions (see src/schedule); arguments are parsed there. Front ends with
   * structured input (Discord options) pass `options` instead of text in `args`.
   */
  | { kind: 'subscribe'; args: string; options?: SubscribeOptions }
  | { kind: 'unsubscribe'; args: string }
  | { kind: 'subscriptions' }
  /** The feeds the archive grows from (administrators; see src/sources). */
  | { kind: 'sources' }
  /** A button under the `/subscriptions` list: pause, resume, post now or remove one subscription. */
  | { kind: 'manage'; action: ManageAction; id: number }
  | { kind: 'unknown'; name: string };

export type CommandKind = Command['kind'];

export type ManageAction = 'pause' | 'resume' | 'post' | 'remove';

/** `/subscribe` as separate fields (Discord's slash options); each is read like its part of the text. */
export interface SubscribeOptions {
  /** One topic, or several separated by commas. */
  topic: string;
  /** `daily 08:00`, `weekly monday 09:30`, `alerts`, a cron expression; `always` may follow. */
  schedule?: string;
  /** An IANA zone. */
  timezone?: string;
  /** Another channel, as `<#id>`. */
  channel?: string;
  /** Words to include / exclude, separated by spaces or commas. */
  include?: string;
  exclude?: string;
  /** `en` or `es`. */
  language?: string;
  /** A Discord role to ping on alerts. */
  mentionRoleId?: string;
  /** The role is not mentionable and the bot may not mention all roles: the ping would notify nobody. */
  mentionSilent?: boolean;
}

/** Per-request facts about who asks and how much room the answer has. */
export interface RequestContext {
  /** The user's language (Telegram `language_code`, Discord `locale`, or a detected one): `es-MX`, `en`. */
  locale?: string;
  /** Items per page; default 5, at most 50. */
  limit?: number;
  /** Longest summary in characters; default 280. Summaries end on a sentence or word boundary. */
  summaryLength?: number;
  /** Where the command came from; needed by commands that act on a chat (subscriptions). */
  chat?: ChatContext;
  /** The front end asking, for metrics when there is no chat (inline queries, autocomplete). */
  platform?: PlatformName;
}

/**
 * Where a command was typed and what its author may do there. Adapters fill it in from the platform
 * (they know how to ask Telegram or Discord); the core decides what is allowed, once.
 */
export interface ChatContext extends ChatTarget {
  userId: string;
  /** Discord: Manage Channels in this channel; Telegram: administrator of this group or channel; private chats: true. */
  userCanManage: boolean;
  /** Whether the bot itself can post here (Discord: Send Messages; Telegram: member, or admin with can_post_messages in a channel). */
  botCanPost: boolean;
  /** Is this a one-to-one chat with the bot? */
  isPrivate: boolean;
  /**
   * Resolves a channel the user names (`@channel`, `<#123>`, an id) for subscribing it from here;
   * answers who may do what there. Undefined when the name cannot be resolved.
   */
  resolveChannel?: (ref: string) => Promise<ResolvedChannel | undefined>;
  /** Why the bot cannot post here, when `botCanPost` is false and the adapter knows (e.g. "Embed Links"). */
  missingPermissions?: string[];
}

/** A channel named in a command, with who may do what there. */
export type ResolvedChannel = ChatTarget & {
  userCanManage: boolean;
  botCanPost: boolean;
  /** Permissions the bot lacks there, by their platform names, when `botCanPost` is false. */
  missingPermissions?: string[];
  /** Why the channel cannot be used at all (wrong kind, another server), shown as is. */
  unusable?: string;
};
