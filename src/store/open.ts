/**
 * Picks the store from configuration: PostgreSQL when DATABASE_URL is set (several instances may
 * share it), SQLite in DATA_DIR otherwise (one process per DATA_DIR). Also names this instance in
 * the claims it takes on shared work.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export interface OpenStoreOptions {
  dataDir: string;
  /** DATABASE_URL; SQLite in `dataDir` when absent. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables (tests); the connection's search path otherwise. */
  schema?: string;
  logger?: Logger;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (!options.databaseUrl) return openSqliteStore({ dataDir: options.dataDir });
  const log = options.logger?.child({ module: 'store' });
  // The PostgreSQL client loads only when configured: a SQLite start skips it.
  const { openPostgresStore } = await import('./postgres.ts');
  return openPostgresStore({
    connectionString: options.databaseUrl,
    schema: options.schema,
    onIdleError: (error) => log?.warn({ err: error }, 'idle PostgreSQL connection lost; it will be replaced'),
  });
}

const INSTANCE_FILE = 'instance-id';

/**
 * The name this process holds claims under. SQLite: stable per DATA_DIR (kept in a file there), so
 * a restarted process recognises its own interrupted sends at once. PostgreSQL: new per process,
 * so a dead instance's claims are told apart from a live one's and expire.
 */
export function instanceId(store: Store, dataDir: string): string {
  if (store.kind === 'postgres') return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const file = path.join(dataDir, INSTANCE_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (/^[\w:.-]{8,100}$/.test(existing)) return existing;
  } catch {
    // Not there yet: written below.
  }
  const id = `sqlite:${randomUUID()}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}
