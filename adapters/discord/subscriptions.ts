/**
 * The Discord side of subscriptions: slash options → the core's structured `/subscribe`, the
 * bot's own permissions in a channel named by the `channel` option (computed by discord.js from
 * the guild, role and overwrite caches the gateway filled in), and the autocomplete lists for
 * time zones and this channel's subscriptions.
 */
import {
  ChannelType,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildBasedChannel,
  GuildMember,
  type Interaction,
  PermissionFlagsBits,
  PermissionsBitField,
} from 'discord.js';
import {
  type Briefings,
  type RequestContext,
  type ResolvedChannel,
  type SubscribeOptions,
  translator,
  uiLanguage,
} from '../../src/index.ts';
import { truncate } from './text.ts';

/** What the bot needs in a channel to post a subscription there, by their catalogue keys. */
export const POSTING_PERMISSIONS = [
  [PermissionFlagsBits.ViewChannel, 'discord.viewChannel'],
  [PermissionFlagsBits.SendMessages, 'discord.sendMessages'],
  [PermissionFlagsBits.EmbedLinks, 'discord.embedLinks'],
] as const;

/** The posting permissions `permissions` lacks, by the names Discord shows in the reader's language. */
export function missingPosting(
  permissions: Readonly<PermissionsBitField> | null | undefined,
  locale?: string,
): string[] {
  const t = translator(uiLanguage(locale));
  return POSTING_PERMISSIONS.filter(([flag]) => !permissions?.has(flag)).map(([, key]) => t(key));
}

/** `/subscribe` options → the core command (options travel as fields, not as re-typed text). */
export function subscribeCommand(interaction: ChatInputCommandInteraction) {
  const value = (name: string) => interaction.options.getString(name)?.trim() || undefined;
  const channel = interaction.options.getChannel('channel');
  const role = interaction.options.getRole('mention');
  const options: SubscribeOptions = {
    topic: value('topic') ?? '',
    schedule: value('schedule'),
    timezone: value('timezone'),
    channel: channel && channel.id !== interaction.channelId ? `<#${channel.id}>` : undefined,
    include: value('include'),
    exclude: value('exclude'),
    language: value('language'),
    // The @everyone role has the server's id; the core refuses it by this name.
    mentionRoleId: role ? (role.id === interaction.guildId ? 'everyone' : role.id) : undefined,
    // Discord only notifies a role the bot may mention: a mentionable one, or any with Mention All Roles.
    ...(role && !role.mentionable && !interaction.appPermissions?.has(PermissionFlagsBits.MentionEveryone)
      ? { mentionSilent: true }
      : {}),
  };
  return { kind: 'subscribe' as const, args: '', options };
}

const POSTABLE = new Set<ChannelType>([ChannelType.GuildText, ChannelType.GuildAnnouncement]);

async function channelIn(guild: Guild, id: string): Promise<GuildBasedChannel | undefined> {
  const cached = guild.channels.cache.get(id);
  if (cached) return cached;
  try {
    return (await guild.channels.fetch(id)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves `<#id>` named in a command: a text or announcement channel of the same server, whether
 * the member may manage it and which posting permissions the bot lacks there.
 */
export function channelResolver(interaction: Interaction) {
  return async (ref: string): Promise<ResolvedChannel | undefined> => {
    const id = /^<#(\d{5,22})>$/.exec(ref)?.[1];
    const guild = interaction.guild;
    if (!id || !guild) return undefined;
    const channel = await channelIn(guild, id);
    if (!channel) return undefined;
    const base = { platform: 'discord' as const, chatId: channel.id, title: `#${channel.name}` };
    if (!POSTABLE.has(channel.type)) {
      return {
        ...base,
        userCanManage: false,
        botCanPost: false,
        unusable: translator(uiLanguage(interaction.locale))('discord.notATextChannel', {
          channel: `#${channel.name}`,
        }),
      };
    }
    const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => undefined));
    const missing = missingPosting(me ? channel.permissionsFor(me) : null, interaction.locale);
    const member = interaction.member;
    const userPermissions =
      member instanceof GuildMember
        ? channel.permissionsFor(member)
        : // Not cached: Discord resolved the channel with the member's permissions in it.
          permissionsOfResolved(interaction, channel.id);
    return {
      ...base,
      userCanManage: Boolean(userPermissions?.has(PermissionFlagsBits.ManageChannels)),
      botCanPost: missing.length === 0,
      ...(missing.length > 0 ? { missingPermissions: missing } : {}),
    };
  };
}

function permissionsOfResolved(interaction: Interaction, channelId: string): PermissionsBitField | undefined {
  if (!interaction.isChatInputCommand()) return undefined;
  const option = interaction.options.data.find((o) => o.channel?.id === channelId);
  const raw = option?.channel && 'permissions' in option.channel ? option.channel.permissions : undefined;
  return raw ? new PermissionsBitField(BigInt(raw.valueOf())) : undefined;
}

let zones: string[] | undefined;
/** Autocomplete over IANA zones: prefix matches first, then zones containing the text. */
export function completeTimezone(typed: string, limit = 25): { name: string; value: string }[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  const t = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const starts = zones.filter((z) => z.toLowerCase().startsWith(t) || z.toLowerCase().includes(`/${t}`));
  const contains = t ? zones.filter((z) => !starts.includes(z) && z.toLowerCase().includes(t)) : [];
  return [...starts, ...contains].slice(0, limit).map((z) => ({ name: z, value: z }));
}

/** Autocomplete over this channel's subscriptions, from the core's `/subscriptions` answer. */
export async function completeSubscriptions(
  briefings: Briefings,
  ctx: RequestContext,
  typed: string,
): Promise<{ name: string; value: string }[]> {
  const reply = await briefings.execute({ kind: 'subscriptions' }, ctx);
  const subs = reply.kind === 'notice' ? (reply.manage ?? []) : [];
  const t = typed.trim().toLowerCase().replace(/^#/, '');
  const paused = translator(uiLanguage(ctx.locale))('subscriptions.pausedTag');
  return subs
    .filter((s) => !t || String(s.id).startsWith(t) || s.label.toLowerCase().includes(t))
    .slice(0, 25)
    .map((s) => ({
      name: truncate(`#${s.id} ${s.label}${s.paused ? paused : ''}`, 100),
      value: String(s.id),
    }));
}
