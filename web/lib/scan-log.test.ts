import { describe, expect, it } from 'vitest';
import type { Scan } from '../../shared/door.js';
import {
  emptyLiveLog,
  formatScanTime,
  isEventTicket,
  matchesOutcome,
  mergeScans,
  pruneLive,
  receiveScans,
  revealPending,
  scanKey,
} from './scan-log.js';

const t0 = Date.parse('2026-12-31T20:00:00.000Z');
function scan(n: number, outcome: Scan['outcome'] = 'admitted', id = `scan-${n}`): Scan {
  return {
    id,
    at: new Date(t0 + n * 1_000).toISOString(),
    ticketId: outcome === 'unreadable' ? null : `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
    outcome,
    door: 'North gate',
    device: 'Phone 1',
  };
}
const ids = (scans: readonly Scan[]) => scans.map((s) => s.id);

describe('mergeScans', () => {
  it('puts live scans above the pages, newest first, each scan once', () => {
    const pages = [scan(3), scan(2), scan(1)];
    const live = [scan(4), scan(5), scan(3)];
    expect(ids(mergeScans(live, pages))).toEqual(['scan-5', 'scan-4', 'scan-3', 'scan-2', 'scan-1']);
  });

  it('tells an undo from the admission it undoes, even with the same id', () => {
    const merged = mergeScans([scan(5, 'undone', 'same')], [scan(4, 'admitted', 'same')]);
    expect(merged.map(scanKey)).toEqual(['same:undone', 'same:admitted']);
  });

  it('drops a live scan repeated by the stream', () => {
    expect(ids(mergeScans([scan(2), scan(2)], [scan(1)]))).toEqual(['scan-2', 'scan-1']);
  });
});

describe('receiveScans', () => {
  const known = new Set([scan(1), scan(2)].map(scanKey));

  it('shows new scans at once when the reader is at the top', () => {
    const log = receiveScans(emptyLiveLog, [scan(3)], { outcome: undefined, holding: false, known });
    const next = receiveScans(log, [scan(4)], { outcome: undefined, holding: false, known });
    expect(ids(next.shown)).toEqual(['scan-4', 'scan-3']);
    expect(next.pending).toEqual([]);
  });

  it('holds them while the reader is scrolled down, and reveals them on request', () => {
    const shown = receiveScans(emptyLiveLog, [scan(3)], { outcome: undefined, holding: false, known });
    const held = receiveScans(shown, [scan(4), scan(5)], { outcome: undefined, holding: true, known });
    expect(ids(held.shown)).toEqual(['scan-3']);
    expect(ids(held.pending)).toEqual(['scan-5', 'scan-4']);
    const revealed = revealPending(held);
    expect(ids(revealed.shown)).toEqual(['scan-5', 'scan-4', 'scan-3']);
    expect(revealed.pending).toEqual([]);
    expect(revealPending(revealed)).toBe(revealed);
  });

  it('ignores scans already in the pages, shown or held (a poll of page 1 repeats them)', () => {
    const log = receiveScans(emptyLiveLog, [scan(3)], { outcome: undefined, holding: true, known });
    const again = receiveScans(log, [scan(3), scan(2), scan(1)], { outcome: undefined, holding: false, known });
    expect(again).toBe(log);
  });

  it('keeps to the filter: other outcomes are not added', () => {
    const log = receiveScans(emptyLiveLog, [scan(3, 'already_redeemed'), scan(4), scan(5, 'not_found')], {
      outcome: 'already_redeemed',
      holding: false,
      known,
    });
    expect(ids(log.shown)).toEqual(['scan-3']);
    expect(matchesOutcome(scan(1), undefined)).toBe(true);
    expect(matchesOutcome(scan(1), 'undone')).toBe(false);
  });

  it('forgets live scans that a refetched page holds', () => {
    const log = receiveScans(emptyLiveLog, [scan(3), scan(4)], { outcome: undefined, holding: false, known });
    expect(ids(pruneLive(log, [scan(3), scan(2)]).shown)).toEqual(['scan-4']);
    expect(pruneLive(log, [scan(1)])).toBe(log);
  });
});

describe('formatScanTime', () => {
  it('gives the time of day to the second, and the day when it is not today', () => {
    const at = new Date(2026, 11, 31, 20, 15, 3);
    expect(formatScanTime(at.toISOString(), new Date(2026, 11, 31, 23, 0))).toBe('20:15:03');
    const other = formatScanTime(at.toISOString(), new Date(2027, 0, 1, 0, 5));
    expect(other).toMatch(/31/);
    expect(other).toMatch(/20:15:03$/);
    expect(formatScanTime('nonsense')).toBe('nonsense');
  });
});

describe('isEventTicket', () => {
  it('links only tickets of this event: not a wrong event, not an unknown code', () => {
    expect(isEventTicket(scan(1, 'admitted'))).toBe(true);
    expect(isEventTicket(scan(1, 'already_redeemed'))).toBe(true);
    expect(isEventTicket(scan(1, 'undone'))).toBe(true);
    expect(isEventTicket(scan(1, 'wrong_event'))).toBe(false);
    expect(isEventTicket(scan(1, 'not_found'))).toBe(false);
    expect(isEventTicket(scan(1, 'unreadable'))).toBe(false);
  });
});
