/**
 * A gateway that speaks Discord's v10 JSON protocol to the real discord.js client: HELLO,
 * IDENTIFY → READY, heartbeats → ACKs, RESUME with replay → RESUMED, dispatches with sequence
 * numbers, and Discord's close codes for protocol errors. Sharded like Discord: IDENTIFY carries
 * `shard: [id, count]` (invalid values close with 4010, too few shards with 4011), and a guild's
 * events go only to the session of shard `(guild_id >> 22) % count`; DMs to shard 0.
 */
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { snowflake } from './snowflake.ts';

interface Session {
  id: string;
  seq: number;
  /** `[shard id, shard count]` from IDENTIFY (`[0, 1]` when the client sent none). */
  shard: [number, number];
  /** Every dispatch of the session, for replay on RESUME. */
  sent: { op: 0; t: string; s: number; d: unknown }[];
  socket?: WebSocket;
}

export interface GatewayOptions {
  token: string;
  applicationId: string;
  /** HELLO's heartbeat interval; short in tests so heartbeats are seen. */
  heartbeatIntervalMs?: number;
  /** Fewest shards Discord accepts for this bot (more guilds than one shard may hold): 4011 below it. */
  requiredShards?: number;
  /** The bot's servers as GUILD_CREATE payloads, sent after READY (listed there as unavailable). */
  guilds?: () => Record<string, unknown>[];
}

/** Every opcode the bot sent, in order, for assertions. */
export interface GatewayLogEntry {
  op: number;
  d: unknown;
  /** The sending session's shard, once it identified or resumed. */
  shard?: [number, number];
}

/** A dispatch and the shard sessions it went to. */
export interface DispatchRecord {
  t: string;
  d: unknown;
  shards: [number, number][];
}

/** Largest shard count the fake accepts in IDENTIFY (Discord's own limit is far above any test). */
const MAX_SHARDS = 4096;

/** The shard a guild belongs to: `(guild_id >> 22) % count`, as Discord routes it. DMs: shard 0. */
export function shardOf(guildId: string | undefined, count: number): number {
  if (!guildId) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export class FakeGateway {
  readonly received: GatewayLogEntry[] = [];
  readonly dispatched: DispatchRecord[] = [];
  private readonly sessions = new Map<string, Session>();
  /** The latest session of each shard (`id/count`): where events wait while it is disconnected. */
  private readonly latest = new Map<string, Session>();
  private readonly server: WebSocketServer;

  private constructor(
    private readonly options: GatewayOptions,
    server: WebSocketServer,
  ) {
    this.server = server;
    server.on('connection', (socket, request) => this.accept(socket, request.url ?? '/'));
  }

  static async start(options: GatewayOptions): Promise<FakeGateway> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new FakeGateway(options, server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Opcodes received so far of one kind (1 heartbeat, 2 identify, 6 resume, …). */
  count(op: number): number {
    return this.received.filter((e) => e.op === op).length;
  }

  /** Is any session attached to an open socket (READY or RESUMED sent)? */
  get connected(): boolean {
    return this.attached().length > 0;
  }

  /** `[id, count]` of every session attached to an open socket, sorted. */
  connectedShards(): [number, number][] {
    return this.attached()
      .map((s) => s.shard)
      .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  }

  /**
   * Sends a dispatch to every open session of the shard it belongs to (by `guild_id`; DMs and
   * events without a guild go to shard 0). A shard with no open session gets it buffered in its
   * latest session, for replay on RESUME, as Discord does for a while.
   */
  dispatch(t: string, d: unknown): void {
    if (this.latest.size === 0) throw new Error('FakeGateway: no session; the bot has not identified');
    const guildId = (d as { guild_id?: unknown } | null)?.guild_id;
    const guild = typeof guildId === 'string' ? guildId : undefined;
    const owners = (s: Session) => shardOf(guild, s.shard[1]) === s.shard[0];
    const targets = new Set(this.attached().filter(owners));
    for (const session of this.latest.values()) {
      if (!owners(session)) continue;
      const open = [...targets].some(
        (s) => s.shard[0] === session.shard[0] && s.shard[1] === session.shard[1],
      );
      if (!open) targets.add(session);
    }
    if (targets.size === 0) {
      throw new Error(
        `FakeGateway: no session runs the shard of guild ${guild ?? '(none)'}; connected: ${JSON.stringify(this.connectedShards())}`,
      );
    }
    this.dispatched.push({ t, d, shards: [...targets].map((s) => s.shard) });
    for (const session of targets) this.send(session, t, d);
  }

  /** Closes the bot's sockets (of one shard id, or all) with a code (4000 = unknown error, resumable). */
  drop(code = 4000, shard?: number): void {
    for (const session of this.attached()) {
      if (shard === undefined || session.shard[0] === shard) session.socket?.close(code, 'fake gateway drop');
    }
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private attached(): Session[] {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === 1);
  }

  private accept(socket: WebSocket, path: string): void {
    const query = new URL(path, 'ws://x').searchParams;
    if (query.get('v') !== '10' || query.get('encoding') !== 'json') {
      socket.close(query.get('v') !== '10' ? 4012 : 4002, 'Only gateway v10 with JSON encoding is supported');
      return;
    }
    const interval = this.options.heartbeatIntervalMs ?? 41_250;
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: interval }, s: null, t: null }));
    let session: Session | undefined;
    socket.on('message', (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(raw.toString());
      } catch {
        return socket.close(4002, 'Decode error');
      }
      const op = Number(payload.op);
      this.received.push({ op, d: payload.d, ...(session ? { shard: session.shard } : {}) });
      switch (op) {
        case 1:
          return socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
        case 2:
          if (session) return socket.close(4005, 'Already authenticated');
          session = this.identify(socket, payload.d);
          return;
        case 6:
          if (session) return socket.close(4005, 'Already authenticated');
          session = this.resume(socket, payload.d);
          return;
        case 3:
        case 4:
        case 8:
          if (!session) return socket.close(4003, 'Not authenticated');
          return;
        default:
          return socket.close(4001, 'Unknown opcode');
      }
    });
  }

  /** `shard` of IDENTIFY: absent means `[0, 1]`; otherwise two integers with 0 ≤ id < count. */
  private static parseShard(value: unknown): [number, number] | undefined {
    if (value === undefined) return [0, 1];
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [id, count] = value as unknown[];
    if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
    const [i, c] = [id as number, count as number];
    return c >= 1 && c <= MAX_SHARDS && i >= 0 && i < c ? [i, c] : undefined;
  }

  private identify(socket: WebSocket, d: unknown): Session | undefined {
    const data = (d ?? {}) as { token?: unknown; intents?: unknown; shard?: unknown };
    if (data.token !== this.options.token) {
      socket.close(4004, 'Authentication failed');
      return undefined;
    }
    if (typeof data.intents !== 'number') {
      socket.close(4013, 'Invalid intent(s)');
      return undefined;
    }
    const shard = FakeGateway.parseShard(data.shard);
    if (!shard) {
      socket.close(4010, 'Invalid shard');
      return undefined;
    }
    if (shard[1] < (this.options.requiredShards ?? 1)) {
      socket.close(4011, 'Sharding required');
      return undefined;
    }
    const session: Session = { id: snowflake(), seq: 0, shard, sent: [], socket };
    // Each shard is told only of its own servers, as Discord does.
    const guilds = (this.options.guilds?.() ?? []).filter(
      (g) => shardOf(String(g.id), shard[1]) === shard[0],
    );
    this.sessions.set(session.id, session);
    this.latest.set(shard.join('/'), session);
    this.send(session, 'READY', {
      v: 10,
      user: {
        id: this.options.applicationId,
        username: 'briefings',
        discriminator: '0',
        global_name: null,
        avatar: null,
        bot: true,
        flags: 0,
      },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      shard,
      application: { id: this.options.applicationId, flags: 0 },
    });
    for (const guild of guilds) this.send(session, 'GUILD_CREATE', guild);
    return session;
  }

  private resume(socket: WebSocket, d: unknown): Session | undefined {
    const data = (d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
    if (data.token !== this.options.token) {
      socket.close(4004, 'Authentication failed');
      return undefined;
    }
    const session = this.sessions.get(String(data.session_id));
    const seq = Number(data.seq);
    if (!session || !Number.isInteger(seq) || seq > session.seq) {
      socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return undefined;
    }
    session.socket = socket;
    this.latest.set(session.shard.join('/'), session);
    for (const event of session.sent.filter((e) => e.s > seq)) socket.send(JSON.stringify(event));
    this.send(session, 'RESUMED', null);
    return session;
  }

  private send(session: Session, t: string, d: unknown): void {
    const event = { op: 0 as const, t, s: ++session.seq, d };
    session.sent.push(event);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify(event));
  }
}
