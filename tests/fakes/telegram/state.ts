/**
 * What the fake Bot API remembers: the bot, chats, every message in them, pending updates, inline
 * queries and callback queries awaiting answers, the webhook, and the 429 switches. Method modules
 * read and change it; tests inspect it.
 */
import type { MessageEntity } from './html.ts';

export interface FakeUser {
  id: number;
  is_bot: false;
  first_name: string;
  username?: string;
  language_code?: string;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
  /** Public `@username` of a channel or supergroup (for getChat by `@name`). */
  username?: string;
}

/** A message in a chat, from a user or from the bot. */
export interface StoredMessage {
  chatId: number;
  messageId: number;
  fromBot: boolean;
  /** Visible text (after entity parsing for the bot's HTML). */
  text: string;
  /** What the bot sent before parsing; equals `text` for user messages. */
  raw: string;
  entities: MessageEntity[];
  replyMarkup?: { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };
  linkPreview?: Record<string, unknown>;
  replyTo?: number;
  /** How many times the bot edited it. */
  edits: number;
}

export interface InlineAnswer {
  results: Record<string, unknown>[];
  nextOffset?: string;
  cacheTime?: number;
  isPersonal?: boolean;
  button?: { text: string; start_parameter?: string };
}

export interface PendingQuery<A> {
  userId: number;
  answered: boolean;
  answer?: A;
}

export interface CallLog {
  method: string;
  params: Record<string, unknown>;
  /** The HTTP status the fake answered with. */
  status: number;
  description?: string;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/**
 * An armed failure: Telegram's flood answer, any other error code and description, or `hang`: the
 * request is read and never answered (until the client gives up or the fake closes).
 */
export type Failure = { retryAfter: number } | { errorCode: number; description: string } | { hang: true };

type Update = Record<string, unknown> & { update_id: number };

export class FakeState {
  readonly chats = new Map<number, FakeChat>();
  readonly messages = new Map<number, StoredMessage[]>();
  readonly inlineQueries = new Map<string, PendingQuery<InlineAnswer>>();
  readonly callbackQueries = new Map<string, PendingQuery<{ text?: string; show_alert?: boolean }>>();
  readonly calls: CallLog[] = [];
  /** Requests being held unanswered by an armed `hang`, by method. */
  readonly hanging: string[] = [];
  /** Updates not yet confirmed by a `getUpdates` offset (or not yet delivered to the webhook). */
  readonly pending: Update[] = [];
  /** Chat rosters for getChatMember: chat id → user id → status. */
  readonly members = new Map<number, Map<number, MemberStatus>>();
  /** The default menu (no language_code). */
  commands: { command: string; description: string }[] = [];
  /** Every menu by language_code; '' is the default. */
  commandsByLanguage = new Map<string, { command: string; description: string }[]>();
  webhook: { url: string; secret?: string } | undefined;
  /** The getUpdates request being held open, if any. */
  activePoll: AbortController | undefined;
  /** How many getUpdates calls overlapped another (each answered 409 like Telegram). */
  pollConflicts = 0;
  /** Milliseconds a method takes before it acts (a slow network), by method name. */
  readonly latency = new Map<string, number>();
  private nextUpdateId = 100;
  private nextQueryId = 1;
  private readonly failures = new Map<string, { remaining: number; failure: Failure }>();
  private readonly updateListeners = new Set<() => void>();

  constructor(
    readonly token: string,
    readonly bot: { id: number; is_bot: true; first_name: string; username: string },
  ) {}

  /** Queues an update as Telegram would and wakes long polls (or the webhook pusher). */
  pushUpdate(body: Record<string, unknown>): Update {
    const update = { update_id: this.nextUpdateId++, ...body };
    this.pending.push(update);
    for (const listener of [...this.updateListeners]) listener();
    return update;
  }

  /** Drops updates below `offset`, as a getUpdates call with that offset confirms them. */
  confirmUpTo(offset: number) {
    while (this.pending.length > 0 && (this.pending[0]?.update_id ?? offset) < offset) this.pending.shift();
  }

  /** Resolves when an update arrives, the time is up, or the caller gives up. */
  waitForUpdate(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.updateListeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.updateListeners.add(done);
      signal.addEventListener('abort', done);
    });
  }

  onUpdate(listener: () => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  newQueryId(): string {
    return `q${this.nextQueryId++}`;
  }

  addChat(chat: FakeChat) {
    if (!this.chats.has(chat.id)) this.chats.set(chat.id, chat);
    return this.chats.get(chat.id) as FakeChat;
  }

  chatMessages(chatId: number): StoredMessage[] {
    let list = this.messages.get(chatId);
    if (!list) {
      list = [];
      this.messages.set(chatId, list);
    }
    return list;
  }

  /** Stores a message with the chat's next message id. */
  addMessage(message: Omit<StoredMessage, 'messageId' | 'edits'>): StoredMessage {
    const list = this.chatMessages(message.chatId);
    const stored = { ...message, messageId: (list[list.length - 1]?.messageId ?? 0) + 1, edits: 0 };
    list.push(stored);
    return stored;
  }

  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.get(chatId)?.find((m) => m.messageId === messageId);
  }

  /** Sets a user's (or the bot's) status in a chat, as getChatMember will report it. */
  setMember(chatId: number, userId: number, status: MemberStatus) {
    let roster = this.members.get(chatId);
    if (!roster) {
      roster = new Map();
      this.members.set(chatId, roster);
    }
    roster.set(userId, status);
  }

  /** Makes the next `count` calls to `method` fail: 429 with `retry_after` by default, or any error. */
  failNext(method: string, count: number, failure: Failure = { retryAfter: 1 }) {
    this.failures.set(method, { remaining: count, failure });
  }

  /** Consumes one armed failure for `method`, if any. */
  takeFailure(method: string): Failure | undefined {
    const armed = this.failures.get(method);
    if (!armed || armed.remaining <= 0) return undefined;
    armed.remaining -= 1;
    return armed.failure;
  }
}
