/**
 * This process's name in the scheduler lease. The lease outlives a crash (it expires after its
 * TTL), so a restarted bot must recognise its own: the name is a stable id kept in DATA_DIR plus
 * the process id, and a previous holder with the same stable id whose process is gone is reclaimed
 * at once instead of waited out. A second live process on the same DATA_DIR is not reclaimed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const INSTANCE_FILE = 'instance.json';

export interface InstanceIdentity {
  /** Lease holder name for this process. */
  holder: string;
  /** The holder name of a crashed earlier process of this instance, whose lease may be taken now. */
  stale?: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Reads (or creates) the instance id in `dataDir` and records this process as its current holder. */
export function instanceIdentity(dataDir: string, pid = process.pid): InstanceIdentity {
  const file = path.join(dataDir, INSTANCE_FILE);
  let previous: { id?: unknown; pid?: unknown } = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Missing or unreadable: a new id (the lease then simply expires as before).
  }
  const id =
    typeof previous.id === 'string' && /^[\w-]{8,64}$/.test(previous.id) ? previous.id : randomUUID();
  const oldPid = typeof previous.pid === 'number' ? previous.pid : undefined;
  const holder = `${id}/${pid}`;
  // Another live process on this DATA_DIR keeps its record: it is the one a restart must recognise.
  if (oldPid !== undefined && oldPid !== pid && alive(oldPid)) return { holder };
  const temp = `${file}.${pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ id, pid })}\n`);
  renameSync(temp, file);
  return { holder, stale: oldPid !== undefined && oldPid !== pid ? `${id}/${oldPid}` : undefined };
}
