import { describe, expect, it } from 'vitest';
import type { ContenderFigures } from '../../bench/measure.ts';
import { type Results, table } from '../../bench/report.ts';

/** A contender whose typo queries took `ms` each and returned `found` ids. */
function contender(name: ContenderFigures['contender'], typos: [string, number, number][]): ContenderFigures {
  const p50s = typos.map(([, ms]) => ms).sort((a, b) => a - b);
  return {
    contender: name,
    buildMs: 1,
    indexHeapMb: 1,
    serializedMb: 1,
    latency: { typo: { p50: p50s[0] as number, p99: p50s.at(-1) as number, samples: typos.length } },
    queries: typos.map(([text, p50, found]) => ({ label: 'typo', text, p50, found })),
  };
}

const results = (peer: ContenderFigures): Results => ({
  command: 'test',
  quick: true,
  date: '',
  machine: { cpu: 'cpu', cores: 2, memoryGb: 1, node: '20', platform: 'linux' },
  quality: [],
  sizes: [
    {
      articles: 10,
      vocabulary: 10,
      contenders: [
        contender('ours', [
          ['venezuala', 0.2, 10],
          ['workers', 0.1, 10],
        ]),
        peer,
      ],
    },
  ],
  endToEnd: [],
});

const lineOf = (text: string, start: string) => text.split('\n').find((l) => l.trimStart().startsWith(start));

describe('benchmark table', () => {
  it('compares latency only over the queries both contenders answered', () => {
    const text = table(
      results(
        contender('flexsearch-default', [
          ['venezuala', 0.001, 0],
          ['workers', 0.05, 10],
        ]),
      ),
    );
    expect(lineOf(text, 'queries answered')?.split(/\s+/).slice(-2)).toEqual(['2', '1']);
    // Only "workers": 0.05 against 0.1 ms, where the plain p50 row says 0.001 against 0.1.
    expect(lineOf(text, 'p50 ratio where both answer')).toMatch(/0\.50×$/);
  });

  it('shows no ratio when the peer answered none of the row', () => {
    const text = table(
      results(
        contender('flexsearch-default', [
          ['venezuala', 0.001, 0],
          ['workers', 0.001, 0],
        ]),
      ),
    );
    expect(lineOf(text, 'queries answered')?.split(/\s+/).slice(-2)).toEqual(['2', '0']);
    expect(lineOf(text, 'p50 ratio where both answer')).toMatch(/–$/);
  });
});
