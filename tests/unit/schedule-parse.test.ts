import { describe, expect, it } from 'vitest';
import { SUBSCRIPTION_COMMANDS } from '../../src/commands/help.ts';
import { parseSubscribeArgs, SUBSCRIBE_USAGE } from '../../src/schedule/parse.ts';

describe('/subscribe schedules', () => {
  it('says what is wrong with a mistyped schedule instead of taking it for a topic', () => {
    expect(() => parseSubscribeArgs('mexico weekly funday 09:30')).toThrow('"funday" is not a day');
    expect(() => parseSubscribeArgs('mexico weekly funday 25:99')).toThrow('"25:99" is not a time of day');
    expect(() => parseSubscribeArgs('mexico daily 24:00')).toThrow('"24:00" is not a time of day');
    expect(() => parseSubscribeArgs('mexico 13pm')).toThrow('"13pm" is not a time of day');
    expect(() => parseSubscribeArgs('mexico cron 0 0 8 * * * *')).toThrow(/5 fields.*\(you gave 7\)/);
    expect(() => parseSubscribeArgs('mexico cron 0 8 * *')).toThrow(/\(you gave 4\)/);
    expect(() => parseSubscribeArgs('mexico 0 0 8 * * * *')).toThrow(/\(you gave 7\)/);
  });

  it('still reads every valid form, topics of several words included', () => {
    expect(parseSubscribeArgs('united states weekly friday 18:00')).toMatchObject({
      topic: 'united states',
      cadence: { kind: 'weekly', day: 'friday', time: '18:00' },
    });
    expect(parseSubscribeArgs('mexico 0 8 * * 1-5').cadence).toEqual({
      kind: 'cron',
      expression: '0 8 * * 1-5',
    });
    expect(parseSubscribeArgs('mexico cron 30 8 * * 1 always')).toMatchObject({
      cadence: { kind: 'cron', expression: '30 8 * * 1' },
      whenEmpty: 'latest',
    });
    expect(parseSubscribeArgs('weekly review daily 8am')).toMatchObject({
      topic: 'weekly review',
      cadence: { kind: 'daily', time: '08:00' },
    });
    expect(parseSubscribeArgs('g20 summit')).toMatchObject({ topic: 'g20 summit' });
  });

  it('names cron and always in /help', () => {
    const help = SUBSCRIPTION_COMMANDS.find((c) => c.name === 'subscribe')?.usage;
    expect(help).toBe(SUBSCRIBE_USAGE);
    expect(help).toMatch(/cron/);
    expect(help).toMatch(/always/);
  });
});
