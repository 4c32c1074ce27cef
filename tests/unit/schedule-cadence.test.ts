import { describe, expect, it } from 'vitest';
import {
  CadenceError,
  canonicalTimeZone,
  cronPattern,
  formatInZone,
  latestSlotBetween,
  nextSlot,
  validateCadence,
} from '../../src/schedule/cadence.ts';
import { parseSubscribeArgs, parseTime, SubscribeSyntaxError } from '../../src/schedule/parse.ts';

const at = (iso: string) => new Date(iso).getTime();
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cadences', () => {
  it('turns daily and weekly times into cron patterns (Sunday is 0)', () => {
    expect(cronPattern({ kind: 'daily', time: '08:05' })).toBe('5 8 * * *');
    expect(cronPattern({ kind: 'weekly', day: 'sunday', time: '18:30' })).toBe('30 18 * * 0');
    expect(cronPattern({ kind: 'weekly', day: 'monday', time: '00:00' })).toBe('0 0 * * 1');
    expect(cronPattern({ kind: 'alerts' })).toBeUndefined();
  });

  it('keeps 08:00 local across the DST change in three zones', () => {
    const daily = { kind: 'daily', time: '08:00' } as const;
    // Europe/Madrid leaves summer time on 25 Oct 2026: 06:00Z before, 07:00Z after.
    expect(iso(nextSlot(daily, 'Europe/Madrid', at('2026-10-24T07:00:00Z')))).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    expect(iso(nextSlot(daily, 'Europe/Madrid', at('2026-10-24T05:00:00Z')))).toBe(
      '2026-10-24T06:00:00.000Z',
    );
    // America/New_York leaves daylight time on 1 Nov 2026: 12:00Z before, 13:00Z after.
    expect(iso(nextSlot(daily, 'America/New_York', at('2026-10-31T13:00:00Z')))).toBe(
      '2026-11-01T13:00:00.000Z',
    );
    expect(iso(nextSlot(daily, 'America/New_York', at('2026-10-31T11:00:00Z')))).toBe(
      '2026-10-31T12:00:00.000Z',
    );
    // America/Mexico_City has no DST any more: always 14:00Z.
    expect(iso(nextSlot(daily, 'America/Mexico_City', at('2026-10-31T15:00:00Z')))).toBe(
      '2026-11-01T14:00:00.000Z',
    );
  });

  it('posts once on the spring-forward day even when the local time does not exist', () => {
    const early = { kind: 'daily', time: '02:30' } as const;
    const slots: string[] = [];
    let from = at('2026-03-28T00:00:00Z');
    for (let i = 0; i < 3; i++) {
      from = nextSlot(early, 'Europe/Madrid', from) ?? Number.NaN;
      slots.push(new Date(from).toISOString().slice(0, 10));
    }
    expect(slots).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  it('finds the latest slot in a window, collapsing a week of missed slots into one', () => {
    const daily = { kind: 'daily', time: '08:00' } as const;
    const back = at('2026-11-20T09:00:00Z');
    expect(iso(latestSlotBetween(daily, 'UTC', at('2026-11-13T07:59:00Z'), back))).toBe(
      '2026-11-20T08:00:00.000Z',
    );
    expect(latestSlotBetween(daily, 'UTC', at('2026-11-20T08:30:00Z'), back)).toBeUndefined();
    expect(iso(latestSlotBetween(daily, 'UTC', at('2026-11-20T07:00:00Z'), at('2026-11-20T08:00:00Z')))).toBe(
      '2026-11-20T08:00:00.000Z',
    );
  });

  it('refuses unknown zones, broken cron and schedules faster than every 15 minutes', () => {
    expect(() => validateCadence({ kind: 'daily', time: '08:00' }, 'Mars/Olympus')).toThrow(CadenceError);
    expect(() => validateCadence({ kind: 'cron', expression: '61 * * * *' }, 'UTC')).toThrow(CadenceError);
    expect(() => validateCadence({ kind: 'cron', expression: '*/5 * * * *' }, 'UTC')).toThrow(/15 minutes/);
    expect(() => validateCadence({ kind: 'cron', expression: '0 8 * * 1-5' }, 'Europe/Madrid')).not.toThrow();
  });

  it('formats instants in the subscriber zone', () => {
    expect(formatInZone(at('2026-11-23T07:00:00Z'), 'Europe/Madrid')).toBe('Mon 23 Nov 2026, 08:00 CET');
    expect(canonicalTimeZone('europe/madrid')).toBe('Europe/Madrid');
    expect(canonicalTimeZone('Nowhere/Land')).toBeUndefined();
  });
});

describe('/subscribe arguments', () => {
  it('defaults to daily 08:00 with the default zone', () => {
    expect(parseSubscribeArgs('mexico')).toEqual({
      channelRef: undefined,
      topic: 'mexico',
      cadence: { kind: 'daily', time: '08:00' },
      timezone: undefined,
      whenEmpty: 'skip',
      topics: ['mexico'],
      include: [],
      exclude: [],
      language: undefined,
    });
  });

  it.each([
    ['mexico daily 07:30', 'mexico', { kind: 'daily', time: '07:30' }, undefined],
    [
      'united states weekly friday 18:00 America/New_York',
      'united states',
      { kind: 'weekly', day: 'friday', time: '18:00' },
      'America/New_York',
    ],
    ['honduras weekly lunes', 'honduras', { kind: 'weekly', day: 'monday', time: '08:00' }, undefined],
    ['oaxaca alerts', 'oaxaca', { kind: 'alerts' }, undefined],
    [
      'mexico 0 8 * * 1-5 Europe/Madrid',
      'mexico',
      { kind: 'cron', expression: '0 8 * * 1-5' },
      'Europe/Madrid',
    ],
    ['mexico cron 30 6 1 * *', 'mexico', { kind: 'cron', expression: '30 6 1 * *' }, undefined],
    ['mexico 9pm', 'mexico', { kind: 'daily', time: '21:00' }, undefined],
    ['mexico daily 08:00 utc', 'mexico', { kind: 'daily', time: '08:00' }, 'UTC'],
  ])('%s', (args, topic, cadence, timezone) => {
    expect(parseSubscribeArgs(args)).toMatchObject({ topic, cadence, timezone });
  });

  it('takes a channel named first and the "always" option last', () => {
    expect(parseSubscribeArgs('@news_channel mexico daily 08:00 always')).toMatchObject({
      channelRef: '@news_channel',
      topic: 'mexico',
      whenEmpty: 'latest',
    });
    expect(parseSubscribeArgs('<#123456789012345678> mexico')).toMatchObject({
      channelRef: '<#123456789012345678>',
    });
  });

  it('explains what is wrong', () => {
    expect(() => parseSubscribeArgs('')).toThrow(SubscribeSyntaxError);
    expect(() => parseSubscribeArgs('daily 08:00')).toThrow(/Which topic/);
    expect(() => parseSubscribeArgs('mexico weekly 08:00')).toThrow(/which day/);
    expect(() => parseSubscribeArgs('mexico daily 08:00 Mars/Base')).toThrow(/time zone/);
  });

  it('reads times in 24 h and am/pm forms and rejects impossible ones', () => {
    expect(['8:30', '08:30', '8am', '12am', '12pm', '20h'].map(parseTime)).toEqual([
      '08:30',
      '08:30',
      '08:00',
      '00:00',
      '12:00',
      '20:00',
    ]);
    expect(['24:00', '8:61', '13pm', '8', 'x'].map(parseTime)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
