import { describe, expect, it } from 'vitest';
import { sortedTicketIds } from '../server/db/ticket-ids.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ticket id generation', () => {
  it('hands out exactly the count asked for, in chunks, as distinct random v4 UUIDs', () => {
    const chunks = [...sortedTicketIds(12_345, 5000)];
    expect(chunks.map((c) => c.length)).toEqual([5000, 5000, 2345]);
    const ids = chunks.flat();
    expect(ids.every((id) => V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(12_345);
    // Random: every hex digit of the random part shows up in every position.
    for (const position of [0, 9, 15, 20, 35]) expect(new Set(ids.map((id) => id[position])).size).toBe(16);
  });

  it('in ascending order (ids sharing their first 33 bits may come in any order)', () => {
    const ids = [...sortedTicketIds(50_000, 5000)].flat();
    const prefixes = ids.map((id) => id.slice(0, 8));
    expect(prefixes).toEqual([...prefixes].sort());
    // Not a constant or a counter: a second call gives other ids.
    const again = new Set([...sortedTicketIds(50_000, 5000)].flat());
    expect(ids.some((id) => again.has(id))).toBe(false);
  });
});
