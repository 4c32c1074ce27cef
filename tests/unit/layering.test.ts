/**
 * The import rules that keep the core layered: the store stands below commands and schedule, and
 * adapters reach the core only through its public face, src/index.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]/g))
    found.push(m[1] as string);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] as string);
  return found;
}

/** The imported file, relative to the project root; undefined for packages. */
function resolved(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
}

describe('layering', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsOf('adapters/main.ts').map((s) => resolved('adapters/main.ts', s))).toContain(
      path.join('src', 'index.ts'),
    );
    expect(tsFiles('src/store').length).toBeGreaterThan(3);
  });

  it('keeps the store below commands and schedule', () => {
    const offending = tsFiles('src/store').flatMap((file) =>
      importsOf(file)
        .map((s) => resolved(file, s))
        .filter((target) => target?.startsWith('src/commands/') || target?.startsWith('src/schedule/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('lets adapters import the core only through src/index.ts', () => {
    const offending = tsFiles('adapters').flatMap((file) =>
      importsOf(file)
        .map((s) => resolved(file, s))
        .filter((target) => target?.startsWith('src/') && target !== path.join('src', 'index.ts'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps the core free of platform libraries', () => {
    for (const file of tsFiles('src'))
      expect(readFileSync(path.join(ROOT, file), 'utf8'), file).not.toMatch(
        /from ['"](grammy|@grammyjs\/[^'"]*|discord\.js|@discordjs\/[^'"]*)['"]/,
      );
  });

  it('keeps the core free of adapters', () => {
    const offending = tsFiles('src').flatMap((file) =>
      importsOf(file)
        .map((s) => resolved(file, s))
        .filter((target) => target?.startsWith('adapters/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  });
});
