/**
 * `briefings backup <file>`: a consistent copy of the subscriptions database, taken with SQLite's
 * online backup so the bot can keep running. Restoring is a file copy while the bot is stopped.
 */
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { backupSqliteStore, databasePath } from './sqlite.ts';

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup <file>',
  description: 'copy the subscriptions database to a new file (safe while running)',
  async run(args, io) {
    let target: string | undefined;
    try {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      if (positionals.length !== 1)
        throw new Error('expected exactly one file to write, e.g. briefings backup backup.sqlite');
      target = positionals[0];
    } catch (error) {
      io.stderr(`briefings backup: ${(error as Error).message}\n`);
      return 2;
    }
    const { DATA_DIR, DATABASE_URL } = loadConfig(io.env);
    if (DATABASE_URL) {
      // The subscriptions live in PostgreSQL then; its own tools back it up consistently.
      io.stderr(
        'briefings backup: DATABASE_URL is set, so the subscriptions are in PostgreSQL; back it up with pg_dump\n',
      );
      return 2;
    }
    const { pages } = await backupSqliteStore(DATA_DIR, target as string);
    io.stdout(`Backed up ${databasePath(DATA_DIR)} to ${target} (${pages} pages, checked).\n`);
    return 0;
  },
};
