import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCli } from '../../src/cli.ts';

const run = promisify(execFile);
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'briefings-cli-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  return cliIn({}, ...argv);
}

async function cliIn(extra: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { CONTENT_DIR: 'content', DATA_DIR: dataDir, ...extra },
  });
  return { code, stdout, stderr };
}

/** The documented `--json` contract: scripts rely on these fields. */
const jsonAnswer = z.object({
  query: z.string(),
  results: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      summary: z.string(),
      snippet: z.string().optional(),
      url: z.url(),
      urlKind: z.enum(['article', 'listing']),
      publishedAt: z.string().regex(/^\d{4}(-\d{2}){0,2}$/),
      dateSource: z.enum(['seen', 'inferred', 'estimate']),
      language: z.string(),
      topics: z.array(z.string()),
      source: z.string(),
    }),
  ),
});

describe('the briefings command line', () => {
  it('prints JSON in the documented shape', async () => {
    const { code, stdout } = await cli('search', 'death', 'of', 'migrants', '--json');
    expect(code).toBe(0);
    const answer = jsonAnswer.parse(JSON.parse(stdout));
    expect(answer.query).toBe('death of migrants');
    expect(answer.results.map((r) => r.id)).toEqual(['23fcb2-03']);
    const latest = jsonAnswer.parse(
      JSON.parse((await cli('latest', 'mexico', '--json', '--limit', '2')).stdout),
    );
    expect(latest.results.map((r) => r.id)).toEqual(['23fcb2-01', '23fcb2-03']);
  });

  it('answers latest, brief, topics and article readably', async () => {
    const latest = await cli('latest', 'mexico', '--limit', '3');
    expect(latest.stdout).toMatch(/^Latest on Mexico \(1–3 of \d+\)/);
    expect(latest.stdout).toContain('1. Against “Neoliberalism” or Capitalism?');
    expect((await cli('brief', 'peru')).stdout).toMatch(
      /^Briefing: Peru \(1–5 of 9\)\n9 articles, 24 Jun 2002 – ~Jul 2008\. Key themes: /,
    );
    // Title, the note on stories in both languages (Mexico: 26 stories, 27 articles), two topics.
    const topics = (await cli('topics', '--limit', '2')).stdout.trim().split('\n');
    expect(topics).toHaveLength(5);
    expect(topics[1]).toMatch(/^Counts are stories/);
    expect(topics[3]).toMatch(/^ +26 {2}Mexico/);
    expect((await cli('article', 'fbdf6a-01')).stdout).toContain('Bolivia – the revolution has begun');
    const snippet = jsonAnswer.parse(JSON.parse((await cli('search', 'Caracazo', '--json')).stdout));
    expect(snippet.results[0]?.snippet).toMatch(/Caracazo/);
  });

  it('exits 2 with a clear message on bad usage', async () => {
    expect(await cli('search')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/a query is required/),
    });
    expect(await cli('search', '   ')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/a query is required/),
    });
    for (const limit of ['0', '0x10', '1e1', ' 5', '5.0']) {
      expect(await cli('latest', '--limit', limit), limit).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/--limit must be/),
      });
    }
    expect(await cli('frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown command/),
    });
    expect(await cli('article', 'nope', '--json')).toMatchObject({ code: 1 });
  });
});

describe('the executable', () => {
  const bin = join(process.cwd(), 'bin', 'briefings.js');
  const env = {
    ...process.env,
    CONTENT_DIR: 'content',
    LOG_LEVEL: 'warn',
    TELEGRAM_BOT_TOKEN: '',
    DISCORD_TOKEN: '',
  };

  it('runs piped console commands and exits at end of input', async () => {
    const child = execFile(process.execPath, [bin, 'start'], { env: { ...env, DATA_DIR: dataDir } });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stdin?.end('/latest mexico\n/topics\n/search\n');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('Latest on Mexico');
    expect(out).toContain('Topics in the archive');
    expect(out).toContain('What should I search for?');
  });

  it('stops at start-up on invalid configuration, naming the variable', async () => {
    const failure = await run(process.execPath, [bin, 'start'], {
      env: { ...env, DATA_DIR: dataDir, DISCORD_TOKEN: 'abc', DEFAULT_TIMEZONE: 'Mars/Olympus' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/DEFAULT_TIMEZONE: must be an IANA time zone/);
    expect((failure as { stderr: string }).stderr).toMatch(
      /DISCORD_APPLICATION_ID: is required when DISCORD_TOKEN is set/,
    );
    expect((failure as { stderr: string }).stderr).not.toContain('abc');
  });

  it('stops at start-up on a DATABASE_URL that is not PostgreSQL, or a database that does not answer', async () => {
    const start = (databaseUrl: string) =>
      run(process.execPath, [bin, 'start'], {
        env: { ...env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
      }).catch((e: { code: number; stderr: string }) => e);
    const invalid = await start('mysql://root:secret@db/briefings');
    expect(invalid).toMatchObject({ code: 2 });
    expect((invalid as { stderr: string }).stderr).toMatch(/DATABASE_URL: must be a PostgreSQL URL/);
    expect((invalid as { stderr: string }).stderr).not.toContain('secret');
    const unreachable = await start('postgres://postgres:secret@127.0.0.1:1/test');
    expect(unreachable).toMatchObject({ code: 2 });
    expect((unreachable as { stderr: string }).stderr).toMatch(/cannot open 127\.0\.0\.1:1\/test/);
    expect((unreachable as { stderr: string }).stderr).not.toContain('secret');
  });
});

describe("the command line in the reader's language (LANG)", () => {
  it('answers in Spanish for a Spanish LANG, with Spanish topic names and no English words', async () => {
    const es = { LANG: 'es_ES.UTF-8' };
    const brief = (await cliIn(es, 'brief', 'peru')).stdout;
    expect(brief).toMatch(/^Resumen: Perú \(1–5 de 9\)\n9 artículos, .+\. Temas clave: /);
    const topics = (await cliIn(es, 'topics', '--limit', '3')).stdout;
    expect(topics).toMatch(/^Temas del archivo\nSe cuentan noticias/);
    expect(topics).toContain('México');
    expect(`${brief.split('\n').slice(0, 2).join('\n')}\n${topics}`).not.toMatch(
      /\b(Briefing|Key themes|articles|of \d+|Topics|Peru|Mexico)\b/,
    );
    const english = (await cliIn({ LANG: 'en_GB.UTF-8' }, 'brief', 'peru')).stdout;
    expect(english).toMatch(/^Briefing: Peru \(1–5 of 9\)\n9 articles, /);
    expect(english.split('\n').slice(0, 2).join('\n')).not.toMatch(/(Resumen|Perú|artículos|Temas)/);
  });
});
