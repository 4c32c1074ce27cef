/** `GET /gateway/bot`: where discord.js finds the gateway, so pointing REST here moves both. */
import type { Route } from '../rest.ts';

export function gatewayBotRoutes(gatewayUrl: () => string): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/gateway\/bot$/,
      auth: 'bot',
      handle: () => ({
        status: 200,
        body: {
          url: gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        },
      }),
    },
  ];
}
