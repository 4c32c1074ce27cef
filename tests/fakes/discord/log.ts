/** A pino logger that keeps its records in memory, so tests can assert that failures were logged. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../../src/logger.ts';

export function memoryLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      records.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}
