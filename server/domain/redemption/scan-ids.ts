import { randomUUID } from 'node:crypto';

/** The id prefix of the last millisecond asked for: a door rush draws many ids in each one. */
let prefixMs = -1;
let prefix = '';

/**
 * A time-ordered UUID (v7) for a scan the server logs on its own (a public scan, an undo): 48 bits
 * of milliseconds, then the random bits of a v4 UUID. The log's unique index on ids then grows at
 * its end, as with the ids the door page draws, instead of taking a write at a random place.
 */
export function timeOrderedScanId(now = Date.now()): string {
  if (now !== prefixMs) {
    const ms = now.toString(16).padStart(12, '0');
    prefix = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7`;
    prefixMs = now;
  }
  // randomUUID() is xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep its variant and random tail.
  return prefix + randomUUID().slice(15);
}
