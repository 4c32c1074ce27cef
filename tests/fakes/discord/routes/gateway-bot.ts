/** `GET /gateway/bot`: where discord.js finds the gateway, so pointing REST here moves both. */
import type { Route } from '../rest.ts';

export interface GatewayBotInfo {
  /** Recommended shard count (`shards`); discord.js uses it when no count is configured. */
  shards?: number;
  /** Shards that may IDENTIFY at the same time (`session_start_limit.max_concurrency`). */
  maxConcurrency?: number;
}

export function gatewayBotRoutes(gatewayUrl: () => string, info: GatewayBotInfo = {}): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/gateway\/bot$/,
      auth: 'bot',
      handle: () => ({
        status: 200,
        body: {
          url: gatewayUrl(),
          shards: info.shards ?? 1,
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 86_400_000,
            max_concurrency: info.maxConcurrency ?? 1,
          },
        },
      }),
    },
  ];
}
