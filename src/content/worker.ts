import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running one of the content entries (`load-thread.ts`, `parse-thread.ts`) the way
 * the bot runs: bundled (bin/bundle.js), the entry is built beside this module's chunk; from the
 * sources, the tsx loader is registered in the worker before the entry is imported (workers do not
 * inherit a loader registered through its API).
 */
export function contentWorker(entry: 'load-thread' | 'parse-thread', options: WorkerOptions = {}): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL(`./${entry}.js`, import.meta.url), options);
  const source = new URL(`./${entry}.ts`, import.meta.url).href;
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(code, { ...options, eval: true });
}
