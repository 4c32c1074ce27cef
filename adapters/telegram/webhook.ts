/**
 * Webhook mode: Node's http server + grammY's `webhookCallback`, which checks the secret header in
 * constant time before reading the body. Redelivered updates are dropped by the bot's update
 * window. Only POSTs to the webhook URL's path are served.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bot, webhookCallback } from 'grammy';
import type { Logger } from '../../src/index.ts';
import { ALLOWED_UPDATES } from './updates.ts';

export interface WebhookOptions {
  /** The public URL Telegram posts to; its path is the path served here. */
  url: string;
  secret: string;
  /** Local port; 0 picks a free one (logged). */
  port: number;
  /** Local address to bind (TELEGRAM_WEBHOOK_HOST); all interfaces when unset. */
  host?: string;
  /**
   * An HTTP server already listening on the port (the operations endpoint on HTTP_PORT): the
   * webhook is mounted on it instead of on a server of its own.
   */
  shared?: { port: number; mount(path: string, handler: RequestListener): () => void };
}

/** Telegram waits about 60 s for a webhook answer; answer 500 earlier so it redelivers instead. */
const HANDLER_TIMEOUT_MS = 50_000;

export async function startWebhook(
  bot: Bot,
  options: WebhookOptions,
  logger: Logger,
): Promise<{ stop(): Promise<void>; abort(): void; port: number; connected(): true | string }> {
  const path = new URL(options.url).pathname;
  const handle = webhookCallback(bot, 'http', {
    secretToken: options.secret,
    timeoutMilliseconds: HANDLER_TIMEOUT_MS,
  });
  const listener: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'POST' || url.pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'telegram webhook request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  if (options.shared) {
    const unmount = options.shared.mount(path, listener);
    await bot.api.setWebhook(options.url, { secret_token: options.secret, allowed_updates: ALLOWED_UPDATES });
    logger.info({ port: options.shared.port, path }, 'telegram webhook served on the HTTP_PORT server');
    // The shared server's connections are closed when the HTTP_PORT server stops.
    return { port: options.shared.port, stop: async () => unmount(), abort: () => {}, connected: () => true };
  }
  const server = createServer(listener);
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  try {
    await bot.api.setWebhook(options.url, { secret_token: options.secret, allowed_updates: ALLOWED_UPDATES });
  } catch (error) {
    server.closeAllConnections();
    await close(server);
    throw error;
  }
  logger.info({ host: options.host, port, path }, 'telegram webhook listening');
  return {
    port,
    /** Stops accepting updates; resolves once the updates being handled are answered. */
    stop: () => close(server),
    /** Drops every connection still open (called when stopping gives up waiting). */
    abort: () => server.closeAllConnections(),
    connected: () => (server.listening ? true : 'webhook server closed'),
  };
}

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
