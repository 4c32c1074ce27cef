/**
 * `briefings subscriptions [--json]`: what operators need when a channel says "we got nothing" —
 * every subscription with its next run, its last delivery, and why it is paused. Reads the store
 * only; safe to run next to a live bot (SQLite WAL lets readers in while it writes).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { describeDatabase } from '../store/database-url.ts';
import { openStore } from '../store/open.ts';
import { databasePath, StoreError } from '../store/sqlite.ts';
import type { Delivery, Store, Subscription } from '../store/types.ts';
import { describeCadence, formatInZone } from './cadence.ts';
import { describeShape } from './handler.ts';
import { topicsOf } from './shape.ts';

/** One subscription as `--json` prints it. */
export interface SubscriptionReport {
  id: number;
  platform: string;
  chatId: string;
  chatTitle: string | null;
  topic: string;
  topicLabel: string;
  schedule: string;
  cadence: Subscription['cadence'];
  timezone: string;
  status: Subscription['status'];
  pausedReason: string | null;
  /** Shaping: the topics followed, words to include and exclude, the language, a Discord role pinged on alerts. */
  topics: string[];
  includeWords: string[];
  excludeWords: string[];
  language: string | null;
  mentionRoleId: string | null;
  nextRunAt: string | null;
  lastOutcome: string | null;
  lastDelivery: {
    id: number;
    kind: Delivery['kind'];
    status: Delivery['status'];
    at: string;
    messageId: string | null;
    attempts: number;
    error: string | null;
  } | null;
}

const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function report(sub: Subscription, last: Delivery | undefined): SubscriptionReport {
  return {
    id: sub.id,
    platform: sub.platform,
    chatId: sub.chatId,
    chatTitle: sub.chatTitle ?? null,
    topic: sub.topic,
    topicLabel: sub.topicLabel,
    schedule: describeCadence(sub.cadence),
    cadence: sub.cadence,
    timezone: sub.timezone,
    status: sub.status,
    pausedReason: sub.pausedReason ?? null,
    topics: topicsOf(sub),
    includeWords: sub.includeWords ?? [],
    excludeWords: sub.excludeWords ?? [],
    language: sub.language ?? null,
    mentionRoleId: sub.mentionRoleId ?? null,
    nextRunAt: isoOrNull(sub.cadence.kind === 'alerts' ? undefined : sub.nextRunAt),
    lastOutcome: sub.lastOutcome ?? null,
    lastDelivery: last
      ? {
          id: last.id,
          kind: last.kind,
          status: last.status,
          at: new Date(last.sentAt ?? last.updatedAt).toISOString(),
          messageId: last.messageId ?? null,
          attempts: last.attempts,
          error: last.error ?? null,
        }
      : null,
  };
}

/** Human lines for one subscription. Chat titles are user-chosen, so control characters are dropped. */
function describe(r: SubscriptionReport, sub: Subscription): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const where = `${r.platform} ${r.chatId}${r.chatTitle ? ` (${clean(r.chatTitle)})` : ''}`;
  const zone = sub.cadence.kind === 'alerts' ? '' : ` (${r.timezone})`;
  const lines = [`#${r.id} ${clean(r.topicLabel)} → ${where}: ${r.schedule}${zone}`];
  const shape = describeShape(sub);
  if (shape || r.mentionRoleId)
    lines.push(
      `    shaped: ${[shape, r.mentionRoleId ? `alerts ping role ${r.mentionRoleId}` : ''].filter(Boolean).join(', ')}`,
    );
  if (r.status === 'paused') lines.push(`    PAUSED: ${clean(r.pausedReason ?? 'no reason recorded')}`);
  else if (sub.nextRunAt !== undefined && sub.cadence.kind !== 'alerts') {
    lines.push(`    next run: ${formatInZone(sub.nextRunAt, sub.timezone)}`);
  }
  const d = r.lastDelivery;
  if (d) {
    const note =
      d.status === 'unknown'
        ? ' — interrupted mid-send; may or may not have posted, not resent'
        : d.error
          ? ` — ${clean(d.error)}`
          : '';
    lines.push(
      `    last delivery: ${d.kind} ${d.status} ${d.at}${d.messageId ? ` (message ${d.messageId})` : ''}${note}`,
    );
  } else lines.push('    last delivery: none yet');
  if (r.lastOutcome) lines.push(`    last check: ${clean(r.lastOutcome)}`);
  return lines.join('\n');
}

/** The `subscriptions` CLI subcommand; the lead mounts it in `briefings`. */
export const subscriptionsCommand: CliCommand = {
  name: 'subscriptions',
  usage: 'subscriptions [--json]',
  description: 'every channel subscription with its next run and last delivery',
  async run(args, io) {
    let json: boolean;
    try {
      json = parseArgs({ args, options: { json: { type: 'boolean', default: false } } }).values.json;
    } catch (error) {
      io.stderr(`briefings subscriptions: ${(error as Error).message}\n`);
      return 2;
    }
    let dataDir: string;
    let store: Store;
    let where: string;
    try {
      const config = loadConfig(io.env);
      dataDir = config.DATA_DIR;
      where = config.DATABASE_URL ? describeDatabase(config.DATABASE_URL) : dataDir;
      // A report creates nothing: no directory, no database.
      if (!config.DATABASE_URL && !existsSync(databasePath(dataDir))) {
        io.stdout(
          json ? `${JSON.stringify({ subscriptions: [] }, null, 2)}\n` : `No subscriptions in ${dataDir}.\n`,
        );
        return 0;
      }
      store = await openStore({ dataDir, databaseUrl: config.DATABASE_URL });
    } catch (error) {
      if (error instanceof ConfigError || error instanceof StoreError) {
        io.stderr(`${error.message}\n`);
        return 2;
      }
      throw error;
    }
    try {
      const subs = await store.listSubscriptions();
      const last = await store.lastDeliveries();
      const reports = subs.map((s) => report(s, last.get(s.id)));
      if (json) {
        io.stdout(`${JSON.stringify({ subscriptions: reports }, null, 2)}\n`);
      } else if (subs.length === 0) {
        io.stdout(`No subscriptions in ${where}.\n`);
      } else {
        io.stdout(`${subs.map((s, i) => describe(reports[i] as SubscriptionReport, s)).join('\n\n')}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
