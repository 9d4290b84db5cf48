import { describe, expect, it } from 'vitest';
import { timeOrderedScanId } from '../server/domain/redemption/scan-ids.js';

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('time-ordered scan ids', () => {
  it('are UUIDs of version 7 that carry their millisecond and sort by it', () => {
    const at = Date.UTC(2026, 11, 1, 20, 0, 0);
    const id = timeOrderedScanId(at);
    expect(id).toMatch(v7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
    const later = [at + 1, at + 1000, at + 86_400_000].map((ms) => timeOrderedScanId(ms));
    expect([...later, id].sort()).toEqual([id, ...later]);
    // Back to an earlier millisecond: its own prefix, not the last one drawn.
    expect(timeOrderedScanId(at).slice(0, 13)).toBe(id.slice(0, 13));
  });

  it('are distinct within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => timeOrderedScanId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(v7);
  });
});
