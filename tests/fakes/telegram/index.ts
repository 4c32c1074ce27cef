/**
 * A fake Telegram Bot API for end-to-end tests: the real grammY client talks HTTP to it on
 * 127.0.0.1, tests act as users (send text, type inline queries, press buttons) and assert on what
 * the bot sent. Strict like Telegram: see limits.ts and html.ts.
 */
import type { Server } from 'node:http';
import { listenBotApi } from './server.ts';
import {
  type Failure,
  type FakeChat,
  FakeState,
  type FakeUser,
  type InlineAnswer,
  type StoredMessage,
} from './state.ts';
import { type Delivery, startWebhookPusher } from './webhook-pusher.ts';

export type { Failure, FakeChat, FakeUser, InlineAnswer, MemberStatus, StoredMessage } from './state.ts';

export interface FakeTelegram {
  /** For grammY's `client.apiRoot` / TELEGRAM_API_ROOT. */
  readonly apiRoot: string;
  readonly token: string;
  readonly botUsername: string;
  readonly state: FakeState;
  /** Every webhook push and its HTTP status. */
  readonly deliveries: Delivery[];
  /** A user typing `text` in `chat` (default: their private chat with the bot). */
  sendText(text: string, options?: { from?: FakeUser; chat?: FakeChat }): StoredMessage;
  /** A user typing `@bot query`; resolves with the query id (see `inlineAnswer`). */
  inlineQuery(query: string, options?: { from?: FakeUser; offset?: string }): string;
  /** A user tapping an inline button of `message`; returns the callback query id. */
  pressButton(message: StoredMessage, callbackData: string, options?: { from?: FakeUser }): string;
  /** Waits until the bot answered the inline query. */
  inlineAnswer(queryId: string): Promise<InlineAnswer>;
  /** The bot's messages in a chat, oldest first. */
  botMessages(chatId: number): StoredMessage[];
  /** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  /**
   * Arms `count` failures of `method`: 429 with retry_after 1 s unless another failure is given;
   * `{ hang: true }` holds the request unanswered (see `state.hanging`).
   */
  failNext(method: string, count: number, failure?: Failure): void;
  close(): Promise<void>;
}

export const defaultUser: FakeUser = {
  id: 1001,
  is_bot: false,
  first_name: 'Ana',
  username: 'ana',
  language_code: 'en',
};

export const privateChatOf = (user: FakeUser): FakeChat => ({
  id: user.id,
  type: 'private',
  first_name: user.first_name,
});

/** Starts the fake on a free loopback port. */
export async function startFakeTelegram(
  options: { token?: string; botUsername?: string } = {},
): Promise<FakeTelegram> {
  const token = options.token ?? '123456:TEST-token_for-the-fake-bot-api';
  const botUsername = options.botUsername ?? 'briefings_test_bot';
  const state = new FakeState(token, {
    id: 123456,
    is_bot: true,
    first_name: 'Briefings',
    username: botUsername,
  });
  const { server, url } = await listenBotApi(state);
  const deliveries: Delivery[] = [];
  const stopPusher = startWebhookPusher(state, deliveries);
  const now = () => Math.floor(Date.now() / 1000);

  const waitFor: FakeTelegram['waitFor'] = async (probe, what, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`fake telegram: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    apiRoot: url,
    token,
    botUsername,
    state,
    deliveries,
    sendText(text, { from = defaultUser, chat = privateChatOf(from) } = {}) {
      state.addChat(chat);
      const stored = state.addMessage({
        chatId: chat.id,
        fromBot: false,
        text,
        raw: text,
        entities: commandEntity(text),
      });
      state.pushUpdate({
        message: {
          message_id: stored.messageId,
          from,
          chat,
          date: now(),
          text,
          ...(stored.entities.length ? { entities: stored.entities } : {}),
        },
      });
      return stored;
    },
    inlineQuery(query, { from = defaultUser, offset = '' } = {}) {
      const id = state.newQueryId();
      state.inlineQueries.set(id, { userId: from.id, answered: false });
      state.pushUpdate({ inline_query: { id, from, query, offset, chat_type: 'sender' } });
      return id;
    },
    pressButton(message, callbackData, { from = defaultUser } = {}) {
      const id = state.newQueryId();
      state.callbackQueries.set(id, { userId: from.id, answered: false });
      const chat = state.chats.get(message.chatId);
      state.pushUpdate({
        callback_query: {
          id,
          from,
          chat_instance: `ci${message.chatId}`,
          data: callbackData,
          message: { message_id: message.messageId, from: state.bot, chat, date: now(), text: message.text },
        },
      });
      return id;
    },
    inlineAnswer: (queryId) =>
      waitFor(() => state.inlineQueries.get(queryId)?.answer, `answer to inline query ${queryId}`),
    botMessages: (chatId) => (state.messages.get(chatId) ?? []).filter((m) => m.fromBot),
    waitFor,
    failNext: (method, count, failure) => state.failNext(method, count, failure),
    async close() {
      await stopPusher();
      await closeServer(server);
    },
  };
}

/** A leading `/command` gets a bot_command entity, as Telegram's clients send it. */
function commandEntity(text: string) {
  const match = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return match ? [{ type: 'bot_command', offset: 0, length: match[0].length }] : [];
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
