/**
 * `POST /channels/{id}/messages` for scheduled posts. Honours `enforce_nonce`: a repeated nonce
 * in the same channel returns the message already created instead of posting twice.
 */
import { discordError, invalidBody, unknownChannel } from '../errors.ts';
import type { FakeGuilds } from '../guilds.ts';
import type { FakeMessage } from '../interactions.ts';
import { checkMessage } from '../limits.ts';
import type { Route } from '../rest.ts';
import { snowflake } from '../snowflake.ts';

export class FakeChannels {
  /** Messages created, per channel id. */
  readonly messages = new Map<string, FakeMessage[]>();
  /** Channels the bot may not post in (answer 403, code 50013). */
  readonly forbidden = new Set<string>();

  constructor(
    private readonly botId: string,
    private readonly guilds?: FakeGuilds,
  ) {}

  add(channelId: string): void {
    if (!this.messages.has(channelId)) this.messages.set(channelId, []);
  }

  routes(): Route[] {
    return [
      {
        method: 'POST',
        pattern: /^\/channels\/(\d+)\/messages$/,
        auth: 'bot',
        handle: ({ params: [channelId = ''], body }) => {
          if (this.guilds?.guildOfChannel(channelId)) this.add(channelId);
          const list = this.messages.get(channelId);
          if (!list) return unknownChannel();
          if (this.forbidden.has(channelId)) return discordError(403, 50013, 'Missing Permissions');
          const refused = this.guilds?.refusePost(channelId, body);
          if (refused) return refused;
          const problems = checkMessage(body);
          if (problems.length > 0) return invalidBody(problems);
          const b = body as Record<string, unknown>;
          if (b.enforce_nonce === true) {
            const earlier = list.find((m) => m.nonce === b.nonce);
            if (earlier) return { status: 200, body: earlier };
          }
          const message: FakeMessage = {
            id: snowflake(),
            channel_id: channelId,
            type: 0,
            author: { id: this.botId, username: 'briefings', discriminator: '0', avatar: null, bot: true },
            timestamp: new Date().toISOString(),
            content: typeof b.content === 'string' ? b.content : '',
            embeds: Array.isArray(b.embeds) ? b.embeds : [],
            components: Array.isArray(b.components) ? b.components : [],
            flags: 0,
            ...(b.nonce !== undefined ? { nonce: b.nonce } : {}),
            allowed_mentions: b.allowed_mentions,
          };
          list.push(message);
          return { status: 200, body: message };
        },
      },
    ];
  }
}
