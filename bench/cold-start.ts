/**
 * Child process for the cold-start measurement: loads content and the index (from the cache in
 * the data directory when there is one), answers one command, and reports on stdout. Run by
 * bench/cold.ts as `node --expose-gc --import tsx bench/cold-start.ts <contentDir> <dataDir>`.
 */
import { createBriefings } from '../src/commands/index.ts';
import { loadEngine } from '../src/content/load.ts';
import { memoryMb } from './stats.ts';

const [contentDir, dataDir] = process.argv.slice(2);
if (!contentDir || !dataDir) throw new Error('usage: cold-start.ts <contentDir> <dataDir>');
const { engine } = await loadEngine({ contentDir, dataDir });
const reply = await createBriefings(engine).run('/latest mexico');
const answeredMs = performance.now();
if (reply?.kind !== 'cards') throw new Error(`cold start: expected cards, got ${reply?.kind}`);
process.stdout.write(`${JSON.stringify({ answeredMs, articles: engine.size, ...memoryMb() })}\n`);
