/**
 * PostgreSQL for tests: the server on 127.0.0.1:5432 (trust auth, user postgres, database test),
 * or TEST_DATABASE_URL. Each test gets its own schema, dropped afterwards. Where no server answers
 * the PostgreSQL tests skip with a visible message, unless REQUIRE_POSTGRES=1 (CI), where they fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const POSTGRES_REQUIRED = process.env.REQUIRE_POSTGRES === '1';

export interface PostgresAvailability {
  available: boolean;
  /** Why not, when not. */
  reason?: string;
}

let probe: Promise<PostgresAvailability> | undefined;

/** Connects once (3 s at most) and remembers the answer. */
export function postgresAvailability(): Promise<PostgresAvailability> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { available: true };
    } catch (error) {
      return { available: false, reason: (error as Error).message || String(error) };
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probe;
}

/**
 * Whether a file's PostgreSQL tests run. Prints why they skip; under REQUIRE_POSTGRES=1 the caller
 * registers a failing test instead (see `requiredButMissing`).
 */
export async function postgresForTests(what: string): Promise<PostgresAvailability> {
  const availability = await postgresAvailability();
  if (!availability.available && !POSTGRES_REQUIRED) {
    process.stderr.write(
      `\n[postgres] SKIPPED ${what}: no PostgreSQL at ${TEST_DATABASE_URL} (${availability.reason}). ` +
        'Set REQUIRE_POSTGRES=1 to make this a failure.\n',
    );
  }
  return availability;
}

/** The failure registered in place of PostgreSQL tests when REQUIRE_POSTGRES=1 and none answers. */
export function requiredButMissing(availability: PostgresAvailability): string | undefined {
  if (availability.available || !POSTGRES_REQUIRED) return undefined;
  return `REQUIRE_POSTGRES=1 but no PostgreSQL answers at ${TEST_DATABASE_URL}: ${availability.reason}`;
}

/** A fresh schema name for one test (the store creates it). */
export function schemaName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Creates a schema up front (for child processes that only get a URL). */
export async function createSchema(schema: string): Promise<void> {
  await admin(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
}

export async function dropSchema(schema: string): Promise<void> {
  await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** DATABASE_URL whose connections use `schema` (node-postgres passes `options` to the server). */
export function urlWithSchema(schema: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** One statement on a short-lived connection. */
export async function admin<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
  schema?: string,
): Promise<R[]> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
