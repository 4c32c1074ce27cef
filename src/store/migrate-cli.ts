/**
 * `briefings migrate --from-sqlite <file>`: copies a single-instance SQLite database (DATA_DIR's
 * briefings.sqlite) into the PostgreSQL database of DATABASE_URL, once. Subscriptions keep their
 * ids, the delivery log and claimed articles come along (so nothing is posted twice after the
 * move), and the copy is checked by counts inside the transaction before it commits. A second run
 * of the same file changes nothing; any other non-empty target is refused.
 */
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { CliCommand, CliIO } from '../cli.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { describeDatabase } from './database-url.ts';
import { MIGRATIONS } from './migrations.ts';
import { StoreError } from './sqlite.ts';

/** Copied in this order (parents first); each is checked by count. */
const TABLES = ['subscriptions', 'articles_seen', 'deliveries', 'claimed_articles'] as const;
type Table = (typeof TABLES)[number];
export type ImportCounts = Record<Table, number>;

/** Advisory lock key held while importing ("brfi"), so two runs at once cannot both copy. */
const IMPORT_LOCK = 0x62726669;
const CHUNK = 1000;

export type ImportResult =
  | { status: 'imported'; counts: ImportCounts }
  | { status: 'already'; counts: ImportCounts; importedAt: number };

export class ImportRefused extends Error {
  override name = 'ImportRefused';
}

interface SqliteContents {
  rows: Record<Table, Record<string, unknown>[]>;
  /** The highest id ever handed out per table (ids of deleted rows are not reused). */
  sequences: Map<string, number>;
}

/** Reads every row of the tables we copy from a SQLite store file, without changing it. */
function readSqlite(file: string): SqliteContents {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ImportRefused(`cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < 1 || version > MIGRATIONS.length) {
      throw new ImportRefused(
        `${file} is not a briefings database this version knows (schema version ${version}, expected 1-${MIGRATIONS.length})`,
      );
    }
    const rows = {} as Record<Table, Record<string, unknown>[]>;
    for (const table of TABLES) {
      rows[table] = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    }
    const sequences = new Map(
      (db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map(
        (r) => [r.name, r.seq],
      ),
    );
    return { rows, sequences };
  } finally {
    db.close();
  }
}

/** Copies `file` into the database at `connectionString` once; see the module comment. */
export async function importSqlite(file: string, connectionString: string): Promise<ImportResult> {
  const source = realpathSync(file);
  const { rows, sequences } = readSqlite(source);
  // The PostgreSQL client loads only for this command, not on every start of the bot.
  const [{ default: pg }, { openPostgresStore }] = await Promise.all([import('pg'), import('./postgres.ts')]);
  // Opening the store applies any pending migrations first.
  await (await openPostgresStore({ connectionString, maxConnections: 1 })).close();
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    const done = await client.query<{ source: string; imported_at: string; counts: string }>(
      'SELECT source, imported_at, counts FROM imports ORDER BY imported_at LIMIT 1',
    );
    const earlier = done.rows[0];
    if (earlier) {
      await client.query('ROLLBACK');
      if (earlier.source !== source) {
        throw new ImportRefused(
          `this database already holds an import from ${earlier.source}; refusing to mix in ${source}`,
        );
      }
      return {
        status: 'already',
        counts: JSON.parse(earlier.counts),
        importedAt: Number(earlier.imported_at),
      };
    }
    const existing = await client.query<{ n: string }>(
      'SELECT (SELECT COUNT(*) FROM subscriptions) + (SELECT COUNT(*) FROM deliveries) AS n',
    );
    if (Number(existing.rows[0]?.n ?? 0) > 0) {
      await client.query('ROLLBACK');
      throw new ImportRefused(
        'the PostgreSQL database already has subscriptions or deliveries; import into an empty one',
      );
    }
    for (const table of TABLES) {
      for (let i = 0; i < rows[table].length; i += CHUNK) {
        await client.query(
          `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
          [JSON.stringify(rows[table].slice(i, i + CHUNK))],
        );
      }
    }
    // New rows continue after the copied ids.
    for (const table of ['subscriptions', 'deliveries']) {
      const last = sequences.get(table) ?? 0;
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), $1, 1), GREATEST((SELECT MAX(id) FROM ${table}), $1) > 0)`,
        [last],
      );
    }
    const counts = {} as ImportCounts;
    for (const table of TABLES) {
      const { rows: counted } = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`);
      counts[table] = Number(counted[0]?.n ?? 0);
      if (counts[table] !== rows[table].length) {
        throw new StoreError(
          `import check failed: ${table} has ${counts[table]} rows in PostgreSQL, ${rows[table].length} in ${source}; nothing was imported`,
        );
      }
    }
    await client.query('INSERT INTO imports (source, imported_at, counts) VALUES ($1, $2, $3)', [
      source,
      Date.now(),
      JSON.stringify(counts),
    ]);
    await client.query('COMMIT');
    return { status: 'imported', counts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

const describeCounts = (c: ImportCounts) =>
  `${c.subscriptions} subscriptions, ${c.deliveries} deliveries, ${c.claimed_articles} claimed articles, ${c.articles_seen} seen articles`;

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate --from-sqlite <file>',
  description: 'copy a SQLite database into DATABASE_URL (PostgreSQL), once',
  async run(args: string[], io: CliIO) {
    let file: string | undefined;
    try {
      file = parseArgs({ args, options: { 'from-sqlite': { type: 'string' } } }).values['from-sqlite'];
    } catch (error) {
      io.stderr(`briefings migrate: ${(error as Error).message}\n`);
      return 2;
    }
    if (!file) {
      io.stderr('briefings migrate: --from-sqlite <file> is required (e.g. ./data/briefings.sqlite)\n');
      return 2;
    }
    let databaseUrl: string | undefined;
    try {
      databaseUrl = loadConfig(io.env).DATABASE_URL;
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`${error.message}\n`);
        return 2;
      }
      throw error;
    }
    if (!databaseUrl) {
      io.stderr('DATABASE_URL: is required: the PostgreSQL database to copy into\n');
      return 2;
    }
    try {
      const result = await importSqlite(file, databaseUrl);
      const where = describeDatabase(databaseUrl);
      if (result.status === 'already') {
        io.stdout(
          `Nothing to do: ${file} was already imported into ${where} on ${new Date(result.importedAt).toISOString()} (${describeCounts(result.counts)}).\n`,
        );
      } else {
        io.stdout(`Imported into ${where}, counts checked: ${describeCounts(result.counts)}.\n`);
      }
      return 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        io.stderr(`briefings migrate: ${file}: no such file\n`);
        return 2;
      }
      if (error instanceof ImportRefused || error instanceof StoreError) {
        io.stderr(`briefings migrate: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
