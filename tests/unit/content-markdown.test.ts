import { describe, expect, it } from 'vitest';
import { parseMarkdownArticle } from '../../src/content/markdown.ts';

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
