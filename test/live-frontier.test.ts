import { describe, expect, it } from 'vitest';
import { ScanFrontier } from '../server/domain/live/frontier.js';

// PostgreSQL hands out scan seqs in one order and commits them in another: the frontier must
// never pass a seq a transaction still writing the log may hold.
describe('ScanFrontier', () => {
  it('SQLite (no horizon): what a read sees is settled at once', () => {
    const f = new ScanFrontier(5);
    expect(f.observe(9, null)).toBe(9);
    expect(f.observe(7, null)).toBe(9);
    expect(f.waiting).toBe(false);
  });

  it('settles at once when nobody writes the log', () => {
    const f = new ScanFrontier(0);
    expect(f.observe(3, { last: 12, holders: [] })).toBe(12);
  });

  it('waits while a transaction that may hold a lower seq runs, and settles once it has let go', () => {
    const f = new ScanFrontier(10);
    // Transaction A drew 11 and has not committed; B drew 12 and committed (visible 12).
    expect(f.observe(12, { last: 12, holders: ['3/7'] })).toBe(10);
    expect(f.waiting).toBe(true);
    // C drew 13 meanwhile; A is still writing: nothing moves.
    expect(f.observe(13, { last: 13, holders: ['3/7', '4/2'] })).toBe(10);
    // A committed; C still runs: everything up to 12 is settled, not 13.
    expect(f.observe(13, { last: 14, holders: ['4/2', '5/1'] })).toBe(12);
    // Everyone done.
    expect(f.observe(14, { last: 14, holders: [] })).toBe(14);
    expect(f.waiting).toBe(false);
  });

  it('keeps a bounded number of waiting reads under a transaction that never ends', () => {
    const f = new ScanFrontier(0);
    for (let i = 1; i <= 1000; i++) f.observe(i, { last: i, holders: ['1/1', `2/${i}`] });
    expect(f.settled).toBe(0);
    expect(f.observe(1000, { last: 1001, holders: ['9/9'] })).toBeGreaterThan(900);
  });
});
