/** Discord-style ids (snowflakes) and interaction tokens for the fake servers. */
import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh snowflake as Discord formats it: a decimal string. */
export function snowflake(now = Date.now()): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(now) - DISCORD_EPOCH) << 22n) | increment).toString();
}

/** An interaction or webhook token: opaque and URL-safe, like Discord's. */
export function token(): string {
  return `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
}

/**
 * A guild id that Discord routes to `shard` of `count` (`(id >> 22) % count === shard`); `n`
 * picks one of many such ids.
 */
export function guildOnShard(shard: number, count: number, n = 0): string {
  const timestamp = (1_000_000_000n + BigInt(n)) * BigInt(count) + BigInt(shard);
  return ((timestamp << 22n) | 1n).toString();
}
