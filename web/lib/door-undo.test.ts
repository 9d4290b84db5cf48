import { describe, expect, it } from 'vitest';
import type { Scan } from '../../shared/door.js';
import { findUndoable } from './door-undo.js';

const t0 = Date.parse('2026-12-31T20:00:00.000Z');
let n = 0;
function scan(outcome: Scan['outcome'], ticketId: string | null, minutesAgo: number): Scan {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    at: new Date(t0 - minutesAgo * 60_000).toISOString(),
    ticketId,
    outcome,
    door: 'North gate',
    device: 'Phone',
  };
}

describe('findUndoable', () => {
  const a = 'aaaaaaaa-0000-4000-8000-000000000000';
  const b = 'bbbbbbbb-0000-4000-8000-000000000000';

  it('offers the latest admission, even behind later refusals', () => {
    const admitted = scan('admitted', a, 2);
    expect(findUndoable([scan('not_found', null, 1), admitted, scan('admitted', b, 3)], t0)).toBe(admitted);
  });

  it('offers nothing once that admission is undone (and not an older one either)', () => {
    expect(findUndoable([scan('undone', a, 1), scan('admitted', a, 2), scan('admitted', b, 3)], t0)).toBeNull();
  });

  it('offers nothing after 10 minutes', () => {
    expect(findUndoable([scan('admitted', a, 10)], t0)).toBeNull();
    expect(findUndoable([scan('admitted', a, 9.9)], t0)).not.toBeNull();
  });

  it('offers nothing without an admission', () => {
    expect(findUndoable([scan('already_redeemed', a, 1)], t0)).toBeNull();
    expect(findUndoable([], t0)).toBeNull();
  });
});
