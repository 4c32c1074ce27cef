import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Briefings, createBriefings, parseCommand } from '../../src/commands/index.ts';
import { loadEngine } from '../../src/content/load.ts';

let briefings: Briefings;
beforeAll(async () => {
  const { engine } = await loadEngine({ contentDir: 'content' });
  briefings = createBriefings(engine);
});

const commandish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom(
        '/latest',
        '/search',
        '/brief',
        '/article',
        '/start',
        '/more',
        '/topics',
        '/help',
        '/x',
        '!latest',
        '/latest@bot',
      ),
      fc.string({ unit: 'binary', maxLength: 200 }),
    )
    .map(([c, a]) => `${c} ${a}`),
);

describe('arbitrary input', () => {
  it('never makes the parser throw', () => {
    fc.assert(
      fc.property(commandish, (text) => {
        parseCommand(text, { botUsername: 'bot' });
      }),
    );
  });

  it('always gets an answer, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        commandish,
        fc.option(fc.constantFrom('es', 'en-US', 'xx', '')),
        async (text, locale) => {
          const reply = await briefings.run(text, { locale: locale ?? undefined });
          if (reply) expect(['cards', 'article', 'topics', 'help', 'notice']).toContain(reply.kind);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps autocomplete within limits for any prefix', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (prefix) => {
        const choices = briefings.complete(prefix);
        expect(choices.length).toBeLessThanOrEqual(25);
        for (const c of choices) expect(c.value.length).toBeLessThanOrEqual(100);
      }),
    );
  });
});
