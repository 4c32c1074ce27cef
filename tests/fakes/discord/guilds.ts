/**
 * Servers as the fake knows them: roles, channels with permission overwrites, and members with
 * their roles (the bot among them). The gateway sends each server as GUILD_CREATE, the REST fake
 * serves channels and members from here and refuses posts the bot has no permission for, and
 * interactions carry permissions computed here the way Discord computes them.
 */
import { discordError, type FakeResponse, unknownChannel } from './errors.ts';
import type { Route } from './rest.ts';

/** Permission bits used by the fake (Discord's values). */
export const PERMISSIONS = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseApplicationCommands: 1n << 31n,
} as const;

const ALL = (1n << 53n) - 1n;

export interface FakeRole {
  id: string;
  name: string;
  permissions: bigint;
  position?: number;
  /** Whether anyone may ping it (default true). */
  mentionable?: boolean;
}

export interface FakeOverwrite {
  id: string;
  /** 0 role, 1 member. */
  type: 0 | 1;
  allow?: bigint;
  deny?: bigint;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** 0 text, 2 voice, 5 announcement. */
  type: number;
  overwrites?: FakeOverwrite[];
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** Must include the @everyone role, whose id is the guild's id. */
  roles: FakeRole[];
  channels: FakeChannel[];
  /** Member user id → role ids. */
  members: Map<string, string[]>;
}

export class FakeGuilds {
  readonly guilds = new Map<string, FakeGuild>();

  constructor(private readonly botId: string) {}

  /** Adds a server; the bot is a member with `botRoles`. */
  add(
    guild: Omit<FakeGuild, 'members'> & { members?: Map<string, string[]>; botRoles?: string[] },
  ): FakeGuild {
    const { botRoles = [], ...rest } = guild;
    const g: FakeGuild = { ...rest, members: rest.members ?? new Map() };
    g.members.set(this.botId, botRoles);
    this.guilds.set(g.id, g);
    return g;
  }

  guildOfChannel(channelId: string): { guild: FakeGuild; channel: FakeChannel } | undefined {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.find((c) => c.id === channelId);
      if (channel) return { guild, channel };
    }
    return undefined;
  }

  /** A member's permissions in a channel (or guild-wide without one), as Discord computes them. */
  permissions(guild: FakeGuild, userId: string, channel?: FakeChannel): bigint {
    if (userId === guild.ownerId) return ALL;
    const roles = guild.members.get(userId) ?? [];
    const everyone = guild.roles.find((r) => r.id === guild.id);
    let base = everyone?.permissions ?? 0n;
    for (const id of roles) base |= guild.roles.find((r) => r.id === id)?.permissions ?? 0n;
    if (base & PERMISSIONS.Administrator) return ALL;
    if (!channel) return base;
    const ow = channel.overwrites ?? [];
    const apply = (o: FakeOverwrite | undefined) => {
      if (o) base = (base & ~(o.deny ?? 0n)) | (o.allow ?? 0n);
    };
    apply(ow.find((o) => o.type === 0 && o.id === guild.id));
    let allow = 0n;
    let deny = 0n;
    for (const o of ow) {
      if (o.type === 0 && o.id !== guild.id && roles.includes(o.id)) {
        allow |= o.allow ?? 0n;
        deny |= o.deny ?? 0n;
      }
    }
    base = (base & ~deny) | allow;
    apply(ow.find((o) => o.type === 1 && o.id === userId));
    // Without View Channel nothing else applies in the channel.
    return base & PERMISSIONS.ViewChannel ? base : 0n;
  }

  /** The channel object Discord sends (GUILD_CREATE, GET /channels/{id}). */
  channelJson(guild: FakeGuild, c: FakeChannel): Record<string, unknown> {
    return {
      id: c.id,
      type: c.type,
      guild_id: guild.id,
      name: c.name,
      position: guild.channels.indexOf(c),
      permission_overwrites: (c.overwrites ?? []).map((o) => ({
        id: o.id,
        type: o.type,
        allow: String(o.allow ?? 0n),
        deny: String(o.deny ?? 0n),
      })),
      nsfw: false,
      parent_id: null,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  roleJson(r: FakeRole, i: number): Record<string, unknown> {
    return {
      id: r.id,
      name: r.name,
      color: 0,
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: r.position ?? i,
      permissions: String(r.permissions),
      managed: false,
      mentionable: r.mentionable ?? true,
      flags: 0,
    };
  }

  memberJson(guild: FakeGuild, userId: string): Record<string, unknown> {
    return {
      user: {
        id: userId,
        username: userId === this.botId ? 'briefings' : `user${userId.slice(-4)}`,
        discriminator: '0',
        global_name: null,
        avatar: null,
        ...(userId === this.botId ? { bot: true } : {}),
      },
      roles: guild.members.get(userId) ?? [],
      joined_at: '2024-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
    };
  }

  /** GUILD_CREATE as Discord sends it with the Guilds intent: the bot's own member included. */
  guildCreate(guild: FakeGuild): Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: '2024-01-01T00:00:00.000Z',
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      roles: guild.roles.map((r, i) => this.roleJson(r, i)),
      emojis: [],
      stickers: [],
      channels: guild.channels.map((c) => this.channelJson(guild, c)),
      threads: [],
      members: [this.memberJson(guild, this.botId)],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }

  /** Why the bot may not post `body` in a guild channel, as Discord answers; undefined when it may. */
  refusePost(channelId: string, body: unknown): FakeResponse | undefined {
    const found = this.guildOfChannel(channelId);
    if (!found) return undefined;
    const { guild, channel } = found;
    if (!guild.members.has(this.botId)) return discordError(403, 50001, 'Missing Access');
    const p = this.permissions(guild, this.botId, channel);
    if (!(p & PERMISSIONS.ViewChannel)) return discordError(403, 50001, 'Missing Access');
    const embeds = (body as { embeds?: unknown[] })?.embeds ?? [];
    if (!(p & PERMISSIONS.SendMessages) || (embeds.length > 0 && !(p & PERMISSIONS.EmbedLinks)))
      return discordError(403, 50013, 'Missing Permissions');
    return undefined;
  }

  routes(): Route[] {
    return [
      {
        method: 'GET',
        pattern: /^\/channels\/(\d+)$/,
        auth: 'bot',
        handle: ({ params: [id = ''] }) => {
          const found = this.guildOfChannel(id);
          if (!found) return unknownChannel();
          if (!(this.permissions(found.guild, this.botId, found.channel) & PERMISSIONS.ViewChannel))
            return discordError(403, 50001, 'Missing Access');
          return { status: 200, body: this.channelJson(found.guild, found.channel) };
        },
      },
      {
        method: 'GET',
        pattern: /^\/guilds\/(\d+)\/members\/(\d+)$/,
        auth: 'bot',
        handle: ({ params: [guildId = '', userId = ''] }) => {
          const guild = this.guilds.get(guildId);
          if (!guild?.members.has(this.botId)) return discordError(404, 10004, 'Unknown Guild');
          if (!guild.members.has(userId)) return discordError(404, 10007, 'Unknown Member');
          return { status: 200, body: this.memberJson(guild, userId) };
        },
      },
    ];
  }
}
