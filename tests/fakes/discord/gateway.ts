/**
 * A gateway that speaks Discord's v10 JSON protocol to the real discord.js client: HELLO,
 * IDENTIFY → READY, heartbeats → ACKs, RESUME with replay → RESUMED, dispatches with sequence
 * numbers, and Discord's close codes for protocol errors.
 */
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { snowflake } from './snowflake.ts';

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, for replay on RESUME. */
  sent: { op: 0; t: string; s: number; d: unknown }[];
  socket?: WebSocket;
}

export interface GatewayOptions {
  token: string;
  applicationId: string;
  /** HELLO's heartbeat interval; short in tests so heartbeats are seen. */
  heartbeatIntervalMs?: number;
  /** The bot's servers as GUILD_CREATE payloads, sent after READY (listed there as unavailable). */
  guilds?: () => Record<string, unknown>[];
}

/** Every opcode the bot sent, in order, for assertions. */
export interface GatewayLogEntry {
  op: number;
  d: unknown;
}

export class FakeGateway {
  readonly received: GatewayLogEntry[] = [];
  private readonly sessions = new Map<string, Session>();
  private current?: Session;
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

  /** Is a session attached to an open socket (READY or RESUMED sent)? */
  get connected(): boolean {
    return this.current?.socket?.readyState === 1;
  }

  /** Sends a dispatch on the current session; buffered for replay if the bot is disconnected. */
  dispatch(t: string, d: unknown): void {
    const session = this.current;
    if (!session) throw new Error('FakeGateway: no session; the bot has not identified');
    this.send(session, t, d);
  }

  /** Closes the bot's socket with a code (4000 = unknown error, which a client resumes after). */
  drop(code = 4000): void {
    this.current?.socket?.close(code, 'fake gateway drop');
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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
      this.received.push({ op, d: payload.d });
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

  private identify(socket: WebSocket, d: unknown): Session | undefined {
    const data = (d ?? {}) as { token?: unknown; intents?: unknown };
    if (data.token !== this.options.token) {
      socket.close(4004, 'Authentication failed');
      return undefined;
    }
    if (typeof data.intents !== 'number') {
      socket.close(4013, 'Invalid intent(s)');
      return undefined;
    }
    const session: Session = { id: snowflake(), seq: 0, sent: [], socket };
    const guilds = this.options.guilds?.() ?? [];
    this.sessions.set(session.id, session);
    this.current = session;
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
      shard: [0, 1],
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
    this.current = session;
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
