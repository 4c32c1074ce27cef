/**
 * One bot process per DATA_DIR on SQLite: the database allows several readers (reports, backups)
 * but two running bots would both schedule the same work under the same instance id. A lock file
 * holding the pid enforces it; a lock left by a process that is gone (kill -9) is taken over.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../process-alive.ts';
import { StoreError } from './sqlite.ts';

export const LOCK_FILE = 'briefings.lock';

/** Takes the lock of `dataDir` for this process; answers the release. Throws StoreError when held. */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  const temp = `${file}.${pid}`;
  writeFileSync(temp, `${pid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(temp, file); // atomic: fails when the lock exists
        return () => {
          if (holder(file) === pid) unlinkSync(file);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const other = holder(file);
      if (other === pid) return () => {};
      if (other !== undefined && processAlive(other)) {
        throw new StoreError(
          `DATA_DIR: ${dataDir} is in use by another briefings process (pid ${other}). Run one bot per DATA_DIR, or share a PostgreSQL database between instances with DATABASE_URL. (If pid ${other} is not a briefings bot, delete ${file}.)`,
        );
      }
      unlinkSync(file); // left by a process that is gone
    }
    throw new StoreError(`DATA_DIR: could not take the lock ${file}; another process keeps taking it`);
  } finally {
    unlinkSync(temp);
  }
}

function holder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
