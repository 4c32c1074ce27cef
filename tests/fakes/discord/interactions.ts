/**
 * The fake's record of interactions: what was dispatched to the bot, and every response to it.
 * Enforces Discord's interaction rules: one initial response, within 3 seconds, of a type that
 * fits the interaction; edits and follow-ups only after it, for 15 minutes.
 */
import {
  alreadyAcknowledged,
  discordError,
  type FakeResponse,
  invalidBody,
  invalidWebhookToken,
  unknownInteraction,
  unknownMessage,
} from './errors.ts';
import type { FakeGuilds } from './guilds.ts';
import { checkMessage } from './limits.ts';
import { token as newToken, snowflake } from './snowflake.ts';

export const INITIAL_RESPONSE_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

/** Interaction types (Discord): 2 slash command, 3 button, 4 autocomplete. */
export type InteractionKind = 'command' | 'button' | 'autocomplete';

/** A message as the fake stores it (and returns it, in Discord's message shape). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  [key: string]: unknown;
}

/** One response the bot made: the initial callback, an edit of the original, or a follow-up. */
export interface ResponseRecord {
  via: 'callback' | 'edit' | 'followup';
  /** Callback type for `callback` (4 message, 5 defer, 6 defer update, 7 update, 8 autocomplete). */
  type?: number;
  body: Record<string, unknown>;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  kind: InteractionKind;
  payload: Record<string, unknown>;
  createdAt: number;
  /** The initial response type, once given. */
  acknowledged?: number;
  responses: ResponseRecord[];
  /** For buttons: the message the button is on (an update edits it). */
  message?: FakeMessage;
  /** The interaction's original response message, once there is one. */
  original?: FakeMessage;
  followups: FakeMessage[];
}

const ALLOWED_CALLBACKS: Record<InteractionKind, number[]> = {
  command: [4, 5, 9],
  button: [4, 5, 6, 7, 9],
  autocomplete: [8],
};

const BOT_USER = {
  id: '0',
  username: 'briefings',
  discriminator: '0',
  global_name: null,
  avatar: null,
  bot: true,
};

/** Who triggers an interaction and where: a guild channel (default) or a DM. */
export interface Origin {
  locale?: string;
  dm?: boolean;
  guildId?: string;
  channelId?: string;
  userId?: string;
  /** The member's roles, in a server the fake knows: permissions are then computed from them. */
  roles?: string[];
}

/** Every permission the fake hands out when the server is not one it models. */
const DEFAULT_PERMISSIONS = '2248473465835073';

export class InteractionStore {
  readonly records: InteractionRecord[] = [];
  private readonly byToken = new Map<string, InteractionRecord>();

  constructor(
    readonly applicationId: string,
    private readonly now: () => number,
    private readonly guilds?: FakeGuilds,
  ) {}

  /** Permissions as Discord puts them in an interaction: the member's and the app's in the channel. */
  private permissionsIn(guildId: string, channelId: string, userId: string, roles: string[] | undefined) {
    const guild = this.guilds?.guilds.get(guildId);
    const channel = guild?.channels.find((c) => c.id === channelId);
    if (!guild) return { member: DEFAULT_PERMISSIONS, app: DEFAULT_PERMISSIONS, channel: undefined };
    if (roles) guild.members.set(userId, roles);
    else if (!guild.members.has(userId)) guild.members.set(userId, []);
    return {
      member: String(this.guilds?.permissions(guild, userId, channel) ?? 0n),
      app: String(this.guilds?.permissions(guild, this.applicationId, channel) ?? 0n),
      channel,
      guild,
    };
  }

  /** `data.resolved` for channel (7) and role (8) options, as Discord fills it in. */
  private resolve(data: Record<string, unknown>, guildId: string, userId: string) {
    const options = (data.options ?? []) as { type: number; value: string }[];
    const guild = this.guilds?.guilds.get(guildId);
    const channels: Record<string, unknown> = {};
    const roles: Record<string, unknown> = {};
    for (const o of options) {
      if (o.type === 7) {
        const c = guild?.channels.find((x) => x.id === o.value);
        if (c && guild)
          channels[o.value] = {
            id: c.id,
            name: c.name,
            type: c.type,
            permissions: String(this.guilds?.permissions(guild, userId, c) ?? 0n),
          };
      }
      if (o.type === 8) {
        const index = guild?.roles.findIndex((r) => r.id === o.value) ?? -1;
        const r = guild?.roles[index];
        if (r && this.guilds) roles[o.value] = this.guilds.roleJson(r, index);
      }
    }
    const resolved = {
      ...(Object.keys(channels).length ? { channels } : {}),
      ...(Object.keys(roles).length ? { roles } : {}),
    };
    return Object.keys(resolved).length ? { ...data, resolved } : data;
  }

  /** Builds an INTERACTION_CREATE payload and starts its 3-second clock. */
  create(kind: InteractionKind, data: Record<string, unknown>, origin: Origin = {}, message?: FakeMessage) {
    const id = snowflake();
    const token = newToken();
    const user = {
      id: origin.userId ?? '100000000000000001',
      username: 'reader',
      discriminator: '0',
      global_name: 'Reader',
      avatar: null,
    };
    const channelId = origin.channelId ?? message?.channel_id ?? '300000000000000001';
    const guildId = origin.guildId ?? '200000000000000001';
    const perms = origin.dm
      ? { member: DEFAULT_PERMISSIONS, app: DEFAULT_PERMISSIONS, channel: undefined }
      : this.permissionsIn(guildId, channelId, user.id, origin.roles);
    if (kind === 'command' && !origin.dm) data = this.resolve(data, guildId, user.id);
    const where = origin.dm
      ? {
          user,
          channel_id: channelId,
          channel: { id: channelId, type: 1, recipients: [user], last_message_id: null, flags: 0 },
          context: 1,
          authorizing_integration_owners: { '1': user.id },
        }
      : {
          guild_id: guildId,
          guild: { id: guildId, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          channel_id: channelId,
          channel: {
            id: channelId,
            type: 0,
            guild_id: guildId,
            name: perms.channel?.name ?? 'general',
            permissions: perms.member,
          },
          member: {
            user,
            roles: origin.roles ?? [],
            permissions: perms.member,
            joined_at: '2024-01-01T00:00:00.000Z',
            deaf: false,
            mute: false,
            flags: 0,
            pending: false,
            nick: null,
            avatar: null,
            premium_since: null,
          },
          context: 0,
          authorizing_integration_owners: { '0': guildId },
        };
    const type = kind === 'command' ? 2 : kind === 'button' ? 3 : 4;
    const payload: Record<string, unknown> = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      data,
      locale: origin.locale ?? 'en-US',
      app_permissions: perms.app,
      entitlements: [],
      attachment_size_limit: 8_388_608,
      ...where,
      ...(message
        ? {
            message: { ...message, author: BOT_USER, type: 0, timestamp: new Date(this.now()).toISOString() },
          }
        : {}),
    };
    const record: InteractionRecord = {
      id,
      token,
      kind,
      payload,
      createdAt: this.now(),
      responses: [],
      followups: [],
      ...(message ? { message } : {}),
    };
    this.records.push(record);
    this.byToken.set(token, record);
    return record;
  }

  /** `POST /interactions/{id}/{token}/callback` */
  callback(id: string, token: string, body: unknown, withResponse: boolean): FakeResponse {
    const record = this.byToken.get(token);
    if (!record || record.id !== id) return unknownInteraction();
    if (record.acknowledged !== undefined) return alreadyAcknowledged();
    if (this.now() - record.createdAt > INITIAL_RESPONSE_MS) return unknownInteraction();
    const b = (body ?? {}) as { type?: number; data?: Record<string, unknown> };
    if (typeof b.type !== 'number' || !ALLOWED_CALLBACKS[record.kind].includes(b.type)) {
      return discordError(400, 50035, 'Invalid Form Body', {
        type: {
          _errors: [
            { code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${ALLOWED_CALLBACKS[record.kind]}.` },
          ],
        },
      });
    }
    const data = b.data ?? {};
    const problems =
      b.type === 4 || b.type === 7
        ? checkMessage(data, { partial: b.type === 7 })
        : b.type === 8
          ? checkChoices(data)
          : [];
    if (problems.length > 0) return invalidBody(problems);

    record.acknowledged = b.type;
    record.responses.push({
      via: 'callback',
      type: b.type,
      body: b as Record<string, unknown>,
      at: this.now(),
    });
    let resource: FakeMessage | undefined;
    if (b.type === 4) resource = record.original = this.message(record, data);
    if (b.type === 5)
      resource = record.original = this.message(record, { flags: (Number(data.flags) || 0) | 128 });
    if (b.type === 7 && record.message) resource = Object.assign(record.message, pickMessage(data));
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: { id, type: record.payload.type },
        ...(resource ? { resource: { type: b.type, message: resource } } : {}),
      },
    };
  }

  /** `PATCH /webhooks/{app}/{token}/messages/@original` */
  editOriginal(token: string, body: unknown): FakeResponse {
    const found = this.usable(token);
    if ('status' in found) return found;
    const target =
      found.kind === 'button' && (found.acknowledged === 6 || found.acknowledged === 7)
        ? found.message
        : found.original;
    if (!target) return unknownMessage();
    const problems = checkMessage(body, { partial: true });
    if (problems.length > 0) return invalidBody(problems);
    Object.assign(target, pickMessage(body as Record<string, unknown>));
    target.flags &= ~128;
    found.responses.push({ via: 'edit', body: body as Record<string, unknown>, at: this.now() });
    return { status: 200, body: target };
  }

  /** `GET /webhooks/{app}/{token}/messages/@original` */
  getOriginal(token: string): FakeResponse {
    const found = this.usable(token);
    if ('status' in found) return found;
    return found.original ? { status: 200, body: found.original } : unknownMessage();
  }

  /** `POST /webhooks/{app}/{token}`: a follow-up message. */
  followUp(token: string, body: unknown): FakeResponse {
    const found = this.usable(token);
    if ('status' in found) return found;
    const problems = checkMessage(body);
    if (problems.length > 0) return invalidBody(problems);
    const message = this.message(found, body as Record<string, unknown>);
    found.followups.push(message);
    found.responses.push({ via: 'followup', body: body as Record<string, unknown>, at: this.now() });
    return { status: 200, body: message };
  }

  /** Webhook calls need an acknowledged interaction whose token has not expired. */
  private usable(token: string): InteractionRecord | FakeResponse {
    const record = this.byToken.get(token);
    if (!record) return invalidWebhookToken();
    if (this.now() - record.createdAt > TOKEN_LIFETIME_MS) return invalidWebhookToken();
    if (record.acknowledged === undefined || record.acknowledged === 8) return unknownMessage();
    return record;
  }

  private message(record: InteractionRecord, data: Record<string, unknown>): FakeMessage {
    return {
      id: snowflake(),
      channel_id: String(record.payload.channel_id),
      type: 20,
      author: { ...BOT_USER, id: this.applicationId },
      timestamp: new Date(this.now()).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      content: '',
      embeds: [],
      components: [],
      flags: 0,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      ...pickMessage(data),
    };
  }
}

function pickMessage(data: Record<string, unknown>): Partial<FakeMessage> {
  const out: Partial<FakeMessage> = {};
  if (typeof data.content === 'string') out.content = data.content;
  if (Array.isArray(data.embeds)) out.embeds = data.embeds;
  if (Array.isArray(data.components)) out.components = data.components;
  if (typeof data.flags === 'number') out.flags = data.flags;
  return out;
}

/** Autocomplete answers: at most 25 choices, names 1–100, string values up to 100. */
function checkChoices(data: Record<string, unknown>) {
  const problems: { path: string; message: string; code: 50035 }[] = [];
  const choices = data.choices;
  if (!Array.isArray(choices))
    return [{ path: 'data.choices', message: 'This field is required', code: 50035 as const }];
  if (choices.length > 25)
    problems.push({ path: 'data.choices', message: 'Must be 25 or fewer in length.', code: 50035 });
  for (const [i, c] of choices.entries()) {
    const { name, value } = (c ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
      problems.push({
        path: `data.choices.${i}.name`,
        message: 'Must be between 1 and 100 in length.',
        code: 50035,
      });
    }
    if (typeof value === 'string' ? value.length > 100 : typeof value !== 'number') {
      problems.push({
        path: `data.choices.${i}.value`,
        message: 'Must be 100 or fewer in length.',
        code: 50035,
      });
    }
  }
  return problems;
}
