import { randomFillSync } from 'node:crypto';

/** Ids are put in order by their first 16 bits first: one bucket per value. */
const BUCKETS = 2 ** 16;
/** Random bytes are drawn for this many ids at a time: a call to the CSPRNG per bucket costs more than the bucket. */
const POOL_IDS = 4096;

/**
 * `count` fresh random v4 UUIDs (122 random bits each, from the system CSPRNG), handed out in
 * ascending order, `chunkSize` at a time.
 *
 * Why sorted: the tickets table's unique index on the id is a B-tree; inserting random ids
 * scatters writes over all of it, while ascending ids fill it in one sweep (figures in
 * docs/performance-history.md, "Creation").
 *
 * Why this way: the caller writes each chunk in a short transaction and lets other requests run
 * in between, so no step may take long, the first one included (sorting a million ids up front
 * held the event loop for longer than a whole chunk). Only each id's first 16 bits are drawn up front (2 bytes an id)
 * and counted per value; the rest of the ids sharing those bits (about 15 at a million) is drawn
 * when their turn comes, and those few sorted then. Drawing the first bits of every id, then the
 * rest, yields exactly independent uniform ids; the whole sequence comes out in order. `heads`:
 * those first bits drawn beforehand (drawHeadsPausing draws them without holding the event loop).
 */
export function* sortedTicketIds(
  count: number,
  chunkSize: number,
  heads: Uint32Array = drawHeads(count),
): Generator<string[]> {
  let chunk: string[] = [];
  const pool = Buffer.allocUnsafe(POOL_IDS * 16);
  let used = POOL_IDS;
  for (let head = 0; head < BUCKETS; head++) {
    const n = heads[head] as number;
    if (n === 0) continue;
    const bucket = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      if (used === POOL_IDS) {
        randomFillSync(pool);
        used = 0;
      }
      const o = used++ * 16;
      pool[o] = head >> 8;
      pool[o + 1] = head & 0xff;
      pool[o + 6] = ((pool[o + 6] as number) & 0x0f) | 0x40; // version 4
      pool[o + 8] = ((pool[o + 8] as number) & 0x3f) | 0x80; // RFC 9562 variant
      bucket[i] = formatUuid(pool, o);
    }
    // Lowercase hex with dashes at fixed places: string order is byte order.
    if (n > 1) bucket.sort();
    for (const id of bucket) {
      chunk.push(id);
      if (chunk.length === chunkSize) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Ids whose first 16 bits one slice draws and counts: a few milliseconds of work. */
const HEADS_SLICE = 2 ** 17;

/** Draws the first 16 bits of `n` more ids into `counts`, the number of ids per value. */
function drawHeadSlice(counts: Uint32Array, n: number): void {
  const heads = randomFillSync(new Uint16Array(n));
  for (let i = 0; i < n; i++) {
    const head = heads[i] as number;
    counts[head] = (counts[head] as number) + 1;
  }
}

/** The first 16 bits of `count` ids, counted per value: what sortedTicketIds starts from. */
export function drawHeads(count: number): Uint32Array {
  const counts = new Uint32Array(BUCKETS);
  for (let start = 0; start < count; start += HEADS_SLICE) drawHeadSlice(counts, Math.min(HEADS_SLICE, count - start));
  return counts;
}

/** The same as drawHeads, a slice at a time with `pause` in between, so a million ids never hold the event loop. */
export async function drawHeadsPausing(count: number, pause: () => Promise<void>): Promise<Uint32Array> {
  const counts = new Uint32Array(BUCKETS);
  for (let start = 0; start < count; start += HEADS_SLICE) {
    if (start > 0) await pause();
    drawHeadSlice(counts, Math.min(HEADS_SLICE, count - start));
  }
  return counts;
}

/** The 16 bytes at `o` as a lowercase 8-4-4-4-12 UUID string. */
function formatUuid(b: Buffer, o: number): string {
  const s = b.toString('hex', o, o + 16);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
