import { describe, expect, it } from 'vitest';
import {
  arrivalBars,
  arrivalTotals,
  describePeak,
  formatBucketRange,
  formatClock,
  formatRate,
  isBucket,
  maxBars,
  peakRate,
} from './arrivals.js';

// Local times, so the expectations hold in any time zone the tests run in.
const at = (h: number, m: number, day = 31) => new Date(2026, 11, day, h, m).getTime();
const iso = (ms: number) => new Date(ms).toISOString();

describe('bucket formatting', () => {
  it('labels buckets with the local time and their span', () => {
    expect(formatClock(at(20, 5))).toBe('20:05');
    expect(formatBucketRange(at(20, 15), '5m')).toBe('20:15–20:20');
    expect(formatBucketRange(at(20, 45), '15m')).toBe('20:45–21:00');
    expect(formatBucketRange(at(23, 0), '1h')).toBe('23:00–00:00');
    expect(formatBucketRange(at(20, 15), '1m')).toBe('20:15');
  });

  it('knows the bucket sizes', () => {
    expect(['1m', '5m', '15m', '1h'].every(isBucket)).toBe(true);
    expect(isBucket('2m')).toBe(false);
    expect(isBucket(undefined)).toBe(false);
  });
});

describe('arrivalBars', () => {
  it('fills the buckets the server leaves out with zeros', () => {
    const { bars, cut } = arrivalBars(
      [
        { at: iso(at(20, 0)), admitted: 3, refused: 1 },
        { at: iso(at(20, 15)), admitted: 5, refused: 0 },
      ],
      '5m',
      at(20, 16),
    );
    expect(cut).toBe(false);
    expect(bars.map((b) => [b.label, b.admitted, b.refused])).toEqual([
      ['20:00', 3, 1],
      ['20:05', 0, 0],
      ['20:10', 0, 0],
      ['20:15', 5, 0],
    ]);
  });

  it('carries the chart on to now while the event is under way, so a lull shows', () => {
    const { bars } = arrivalBars([{ at: iso(at(20, 0)), admitted: 2, refused: 0 }], '5m', at(20, 12));
    expect(bars.map((b) => b.label)).toEqual(['20:00', '20:05', '20:10']);
  });

  it('ends at the last scan when it is long past (yesterday’s event)', () => {
    const { bars } = arrivalBars([{ at: iso(at(20, 0, 30)), admitted: 2, refused: 0 }], '1m', at(20, 0, 31));
    expect(bars).toHaveLength(1);
  });

  it('shows at most the latest maxBars buckets, and says older ones were cut', () => {
    const items = [
      { at: iso(at(8, 0)), admitted: 1, refused: 0 },
      { at: iso(at(20, 0)), admitted: 4, refused: 2 },
    ];
    const { bars, cut } = arrivalBars(items, '1m', at(20, 0));
    expect(bars).toHaveLength(maxBars['1m']);
    expect(cut).toBe(true);
    expect(bars[bars.length - 1]).toMatchObject({ label: '20:00', admitted: 4, refused: 2 });
  });

  it('has no bars before the doors open', () => {
    expect(arrivalBars([], '5m', Date.now())).toEqual({ bars: [], cut: false });
  });

  it('sums totals', () => {
    expect(
      arrivalTotals([
        { at: iso(at(20, 0)), admitted: 3, refused: 1 },
        { at: iso(at(20, 5)), admitted: 2, refused: 4 },
      ]),
    ).toEqual({ admitted: 5, refused: 5 });
  });
});

describe('peakRate', () => {
  const items = [
    { at: iso(at(20, 0)), admitted: 12, refused: 9 },
    { at: iso(at(20, 15)), admitted: 42, refused: 1 },
    { at: iso(at(20, 30)), admitted: 42, refused: 0 },
  ];

  it('finds the busiest bucket for admissions (the first of equals)', () => {
    expect(peakRate(items, '1m')).toEqual({ ms: at(20, 15), admitted: 42, perMinute: 42 });
  });

  it('gives the rate a minute for longer buckets', () => {
    expect(peakRate(items, '5m')?.perMinute).toBeCloseTo(8.4);
    expect(peakRate(items, '1h')?.perMinute).toBeCloseTo(0.7);
  });

  it('is null before anyone was admitted (refusals are no arrivals)', () => {
    expect(peakRate([], '1m')).toBeNull();
    expect(peakRate([{ at: iso(at(20, 0)), admitted: 0, refused: 5 }], '1m')).toBeNull();
  });

  it('says it in words', () => {
    const now = at(22, 0);
    expect(describePeak({ ms: at(20, 15), admitted: 42, perMinute: 42 }, '1m', now)).toBe(
      'Peak: 42 admitted a minute, at 20:15',
    );
    expect(describePeak({ ms: at(20, 15), admitted: 210, perMinute: 42 }, '5m', now)).toBe(
      'Peak: 210 admitted in 5 minutes from 20:15 (42 a minute)',
    );
    expect(describePeak({ ms: at(20, 0), admitted: 30, perMinute: 0.5 }, '1h', now)).toBe(
      'Peak: 30 admitted in the hour from 20:00 (0.5 a minute)',
    );
    expect(describePeak({ ms: at(20, 0, 30), admitted: 5, perMinute: 5 }, '1m', now)).toMatch(
      /^Peak: 5 admitted a minute, at 20:00 on .*30/,
    );
  });

  it('rounds rates as people say them', () => {
    expect([42.4, 10, 8.44, 0.25, 0].map(formatRate)).toEqual(['42', '10', '8.4', '0.3', '0']);
  });
});
