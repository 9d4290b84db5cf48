import { randomFillSync } from 'node:crypto';

/** Bits of a sort key that carry the id's position; above them, the id's first 33 bits (53 in all: exact in a float64). */
const INDEX_BITS = 20;
const INDEX_SPAN = 2 ** INDEX_BITS;

/**
 * `count` fresh random v4 UUIDs (122 random bits each, from the system CSPRNG), handed out in
 * ascending order, `chunkSize` at a time.
 *
 * Why sorted: the tickets table's unique index on the id is a B-tree; inserting random ids
 * scatters writes over all of it, while ascending ids fill it in one sweep (figures in
 * docs/performance-history.md, "Creation"). Sorting a million id strings costs seconds, so the
 * ids are generated as bytes in one buffer and ordered by a numeric key (their first 33 bits and
 * their position, packed into one float64, sorted as a Float64Array): 16 + 8 bytes an id, and
 * only the current chunk exists as strings.
 * Ids whose first 33 bits tie come out in generation order, which costs nothing but order.
 */
export function* sortedTicketIds(count: number, chunkSize: number): Generator<string[]> {
  // Runs of at most 2^20 ids, so a position fits the key (1,000,000 tickets is one run).
  for (let start = 0; start < count; start += INDEX_SPAN) {
    const n = Math.min(INDEX_SPAN, count - start);
    const bytes = randomFillSync(Buffer.allocUnsafe(n * 16));
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * 16;
      bytes[o + 6] = ((bytes[o + 6] as number) & 0x0f) | 0x40; // version 4
      bytes[o + 8] = ((bytes[o + 8] as number) & 0x3f) | 0x80; // RFC 9562 variant
      const prefix = bytes.readUInt32BE(o) * 2 + ((bytes[o + 4] as number) >> 7);
      keys[i] = prefix * INDEX_SPAN + i;
    }
    keys.sort();
    for (let from = 0; from < n; from += chunkSize) {
      const to = Math.min(n, from + chunkSize);
      const chunk = new Array<string>(to - from);
      for (let k = from; k < to; k++) chunk[k - from] = formatUuid(bytes, ((keys[k] as number) % INDEX_SPAN) * 16);
      yield chunk;
    }
  }
}

/** The 16 bytes at `o` as a lowercase 8-4-4-4-12 UUID string. */
function formatUuid(b: Buffer, o: number): string {
  const s = b.toString('hex', o, o + 16);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
