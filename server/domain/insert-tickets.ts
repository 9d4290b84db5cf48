import { randomUUID } from 'node:crypto';
import type { Db } from './common.js';

/** Rows per INSERT: 3 bound values a row keeps each statement under SQLite's 32,766-variable limit. */
export const TICKET_CHUNK = 5000;

export interface InsertTicketsOptions {
  /** Called after each chunk is written; tests inject a failure here to prove atomicity. */
  afterChunk?: (inserted: number) => void | Promise<void>;
}

/** Inserts `count` fresh tickets (random UUID v4 ids) of one batch, in chunks, inside the caller's transaction. */
export async function insertTickets(
  trx: Db,
  eventId: string,
  batchId: string,
  count: number,
  options: InsertTicketsOptions = {},
): Promise<void> {
  let inserted = 0;
  while (inserted < count) {
    const n = Math.min(TICKET_CHUNK, count - inserted);
    const rows = new Array(n);
    for (let i = 0; i < n; i++) rows[i] = { id: randomUUID(), event_id: eventId, batch_id: batchId };
    await trx.insertInto('tickets').values(rows).execute();
    inserted += n;
    await options.afterChunk?.(inserted);
  }
}
