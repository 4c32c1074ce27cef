import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateCorpus, loadSeed, writeContentDir } from '../../bench/corpus.ts';
import { GAZETTEER_FILE } from '../../src/content/files.ts';
import { gazetteerSchema } from '../../src/content/metadata.ts';
import { type PendingFile, parseContext, readAndParse } from '../../src/content/read.ts';

/**
 * `readAndParse` works stage by stage over groups of files: whatever the grouping, each file's
 * result is what reading it alone gives, in order, including files that are gone, too large,
 * invalid or unchanged.
 */
let dir: string;
let pending: PendingFile[];
const big = 'Long enough text. '.repeat(260_000);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'briefings-groups-'));
  await writeContentDir(generateCorpus(await loadSeed(), { size: 150, seed: 3 }), 'content', dir);
  const md = (id: string, body: string) =>
    `---\nid: ${id}\ntitle: ${id}\ndate: 2025-01-02\nurl: https://example.org/${id}\n---\n\n${body}\n`;
  await writeFile(join(dir, 'synthetic', 'syn-3-50-big.md'), md('a-big', big));
  await writeFile(
    join(dir, 'synthetic', 'syn-3-60-bad.md'),
    '---\nid: bad\ntitle: A\ndate: 2025-13-45\n---\n\nText.\n',
  );
  await writeFile(join(dir, 'synthetic', 'syn-3-70-huge.md'), md('a-huge', 'Too long. '.repeat(600_000)));
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(join(dir, 'synthetic'))).sort().map((f) => join('synthetic', f));
  pending = files.map((file) => ({ file }));
  pending.splice(70, 0, { file: join('synthetic', 'gone.md') });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readAndParse in groups', () => {
  it('gives each file what reading it alone gives', async () => {
    const gazetteer = gazetteerSchema.parse(parseYaml(await readFile(join(dir, GAZETTEER_FILE), 'utf8')));
    // 5 MB, as by default: the 6 MB file is over it, the 4.7 MB one ends a group.
    const context = parseContext(dir, 5 * 2 ** 20, {}, gazetteer.topics);
    const alone = pending.map((p) => readAndParse([p], context)[0]);
    // Unchanged: the hash alone, as for a file whose text its prior parse had.
    const unchanged = (i: number) => i % 5 === 4 && !/-(big|bad|huge)\.md$/.test(pending[i]?.file ?? '');
    const known = pending.map((p, i) => (unchanged(i) ? { ...p, priorHash: alone[i]?.hash } : p));
    const together = readAndParse(known, context);
    expect(together.length).toBe(pending.length);
    together.forEach((got, i) => {
      if (unchanged(i) && alone[i])
        expect(got).toEqual({ hash: alone[i]?.hash, size: alone[i]?.size, mtimeMs: alone[i]?.mtimeMs });
      else expect(got).toEqual(alone[i]);
    });
    expect(together[70]).toBeUndefined();
    const byName = (name: string) => together[pending.findIndex((p) => p.file.endsWith(name))];
    const problem = (name: string) => {
      const parsed = byName(name);
      return parsed?.articles ? parsed.problems[0] : undefined;
    };
    expect(problem('syn-3-60-bad.md')?.field).toBe('date');
    expect(problem('syn-3-70-huge.md')?.outcome).toBe('file skipped');
    expect(byName('syn-3-50-big.md')?.articles?.[0]?.id).toBe('a-big');
    expect(together.filter((p) => p?.articles?.length).length).toBeGreaterThan(120);
  });
});
