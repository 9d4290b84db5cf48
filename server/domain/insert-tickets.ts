import { randomUUID } from 'node:crypto';
import type { Db } from './common.js';

/** Rows per INSERT statement: 3 bound values a row stays far below SQLite's variable limit. */
export const TICKET_CHUNK = 5000;
/** Ids are generated and sorted in runs of this size, so the unique index is filled in order. */
const SORT_RUN = 50_000;

export interface InsertTicketsOptions {
  /** Called after each chunk is written; tests inject a failure here to prove atomicity. */
  afterChunk?: (inserted: number) => void | Promise<void>;
}

/**
 * Inserts `count` fresh tickets (random UUID v4 ids) of one batch inside the caller's
 * transaction. Sorting each run of ids turns the random inserts into the unique id index
 * into an ordered sweep, which roughly halves the time of a million-ticket batch.
 */
export async function insertTickets(
  trx: Db,
  eventSeq: number,
  batchSeq: number,
  count: number,
  options: InsertTicketsOptions = {},
): Promise<void> {
  let inserted = 0;
  while (inserted < count) {
    const run = Math.min(SORT_RUN, count - inserted);
    const ids = new Array<string>(run);
    for (let i = 0; i < run; i++) ids[i] = randomUUID();
    ids.sort();
    for (let offset = 0; offset < run; offset += TICKET_CHUNK) {
      const rows = ids
        .slice(offset, offset + TICKET_CHUNK)
        .map((id) => ({ id, event_seq: eventSeq, batch_seq: batchSeq }));
      await trx.insertInto('tickets').values(rows).execute();
      inserted += rows.length;
      await options.afterChunk?.(inserted);
    }
  }
}
