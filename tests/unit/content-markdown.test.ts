import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseMarkdownArticle, simpleFrontMatter } from '../../src/content/markdown.ts';

const article = (body: string) =>
  parseMarkdownArticle(
    'x.md',
    `---\ntitle: T\ndate: 2024-05-20\nurl: https://example.org/x\n---\n\n${body}\n`,
  );

describe('Markdown bodies', () => {
  it('keep link text and drop link targets, even targets with parentheses', () => {
    expect(article('Click [here](javascript:alert(1)) now.').text).toBe('Click here now.');
    expect(article('See [the report](https://en.wikipedia.org/wiki/Mexico_(country)).').text).toBe(
      'See the report.',
    );
    expect(article('![chart](https://example.org/a_(b).png) Text.').text).toBe('Text.');
  });
});

describe('front matter read without the YAML parser', () => {
  const samples = [
    'title: Teachers strike\ndate: 2024-05-20\nurl: https://example.org/x',
    'id: syn-1-5\ntitle: "Huelga de maestros en \\"Oaxaca\\" — día 3"\ndate: 2011-02-03\nlanguage: es\nsource: "La Jornada"\ntwin: syn-1-4',
    "title: O'Brien meets the press\ndate: 2024-05\nurl: https://example.org/y\ntopics: [mexico, teachers-strike]",
    'title: Nothing\r\ndate: 2024-05\r\nurl: https://example.org/z\r\ntopics: []',
    'title: A: B\ndate: 2024-05-20',
    'title: Hash # comment\ndate: 2024-05-20',
    'title: 2024\ndate: 2024-05-20',
    'title: true\ndate: 2024-05-20',
    'title: -5\ndate: 2024-05-20',
    'title: ~\ndate: 2024-05-20',
    'title: 1e3\ndate: 2024-05-20',
    'title: [a b, c]\ndate: 2024-05-20',
    'title: x\ntitle: y',
    'title:\n  nested: x',
    'title: "unterminated\ndate: 2024-05-20',
    "title: 'single quoted'\ndate: 2024-05-20",
    'title: >\n  folded text',
    '# a comment\ntitle: T',
    'topics:\n  - mexico\n  - teachers',
    'title: ends with colon:\ndate: 2024-05-20',
    'title: "\\x41 yaml escape"',
  ];
  it.each(samples)('gives what YAML gives, or leaves it to YAML: %j', (text) => {
    const simple = simpleFrontMatter(text);
    if (simple !== undefined) expect(simple).toEqual(parseYaml(text));
  });

  it('reads the usual front matter itself', () => {
    expect(simpleFrontMatter(samples[0] as string)).toBeDefined();
    expect(simpleFrontMatter(samples[1] as string)).toBeDefined();
    expect(simpleFrontMatter(samples[2] as string)).toBeDefined();
    expect(simpleFrontMatter(samples[6] as string)).toBeUndefined();
  });
});
