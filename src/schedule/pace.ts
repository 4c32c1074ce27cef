/**
 * Keeps scheduled posts within each platform's sending pace, so a burst of alerts is spread out
 * instead of being answered with 429s. Each platform states its pace (`Platform.pace`, e.g.
 * Telegram's 1 message/s per chat and 20/min per group); the pacer only keeps the windows.
 */
import type { ChatTarget } from '../types.ts';

export interface PaceLimits {
  /** Least time between two posts to one chat. */
  minIntervalMs?: number;
  /** Most posts to one chat within any 60 s. */
  perChatPerMinute?: number;
  /** Most posts to all chats of the platform within any 1 s. */
  globalPerSecond?: number;
}

export interface Pacer {
  /** Milliseconds to wait before the next post to `target` keeps every limit (0: go now). */
  delay(target: ChatTarget, now: number): number;
  /** Notes a post to `target` at `now`. */
  record(target: ChatTarget, now: number): void;
  /** Holds every post to `target` until `until` (after a 429's retry_after). */
  holdUntil(target: ChatTarget, until: number): void;
}

/** What a platform asks of posts to `target`. */
export type PaceOf = (target: ChatTarget) => PaceLimits;

/** A pacer with in-memory sliding windows; `limitsOf` defaults to no limits. */
export function createPacer(limitsOf: PaceOf = () => ({})): Pacer {
  const perChat = new Map<string, number[]>();
  const perPlatform = new Map<string, number[]>();
  const holds = new Map<string, number>();
  const chatKey = (t: ChatTarget) => `${t.platform}:${t.chatId}`;
  const prune = (times: number[], since: number) => {
    while (times.length > 0 && (times[0] as number) <= since) times.shift();
    return times;
  };

  return {
    delay(target, now) {
      const limits = limitsOf(target);
      const chat = prune(perChat.get(chatKey(target)) ?? [], now - 60_000);
      const global = prune(perPlatform.get(target.platform) ?? [], now - 1000);
      let at = Math.max(now, holds.get(chatKey(target)) ?? 0);
      const last = chat.at(-1);
      if (limits.minIntervalMs && last !== undefined) at = Math.max(at, last + limits.minIntervalMs);
      if (limits.perChatPerMinute && chat.length >= limits.perChatPerMinute) {
        at = Math.max(at, (chat[chat.length - limits.perChatPerMinute] as number) + 60_000);
      }
      if (limits.globalPerSecond && global.length >= limits.globalPerSecond) {
        at = Math.max(at, (global[global.length - limits.globalPerSecond] as number) + 1000);
      }
      return at - now;
    },
    record(target, now) {
      const key = chatKey(target);
      perChat.set(key, [...prune(perChat.get(key) ?? [], now - 60_000), now]);
      perPlatform.set(target.platform, [...prune(perPlatform.get(target.platform) ?? [], now - 1000), now]);
    },
    holdUntil(target, until) {
      const key = chatKey(target);
      holds.set(key, Math.max(holds.get(key) ?? 0, until));
    },
  };
}
