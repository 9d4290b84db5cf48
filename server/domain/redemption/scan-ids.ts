import { randomUUID } from 'node:crypto';

/**
 * A time-ordered UUID (v7) for a scan the server logs on its own (a public scan, an undo): 48 bits
 * of milliseconds, then the random bits of a v4 UUID. The log's unique index on ids then grows at
 * its end, as with the ids the door page draws, instead of taking a write at a random place.
 */
export function timeOrderedScanId(now = Date.now()): string {
  const random = randomUUID();
  const ms = now.toString(16).padStart(12, '0');
  // random is xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep its variant and random tail.
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${random.slice(15)}`;
}
