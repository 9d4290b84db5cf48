import { CompiledQuery } from 'kysely';
import type { Db } from './database.js';
import { sortedTicketIds } from './ticket-ids.js';

/** Rows per INSERT statement: 3 bound values a row stays far below SQLite's variable limit. */
export const TICKET_CHUNK = 5000;

export interface InsertTicketsOptions {
  /** Called after each chunk is written; tests inject a failure here to prove atomicity. */
  afterChunk?: (inserted: number) => void | Promise<void>;
}

/**
 * Inserts `count` fresh tickets (random UUID v4 ids) of one batch inside the caller's
 * transaction, in ascending id order (see sortedTicketIds) so the unique id index is filled
 * in one sweep.
 */
export async function insertTickets(
  trx: Db,
  eventSeq: number,
  batchSeq: number,
  count: number,
  options: InsertTicketsOptions = {},
): Promise<void> {
  // Build the full-chunk INSERT once per call and only swap its parameters: a million tickets
  // then cost one parameter array per chunk instead of one query tree per chunk.
  let fullChunkSql: string | undefined;
  const insertChunk = async (ids: string[]) => {
    if (ids.length === TICKET_CHUNK) {
      fullChunkSql ??= trx
        .insertInto('tickets')
        .values(ids.map((id) => ({ id, event_seq: eventSeq, batch_seq: batchSeq })))
        .compile().sql;
      const parameters = new Array(ids.length * 3);
      for (let i = 0; i < ids.length; i++) {
        parameters[i * 3] = ids[i];
        parameters[i * 3 + 1] = eventSeq;
        parameters[i * 3 + 2] = batchSeq;
      }
      await trx.executeQuery(CompiledQuery.raw(fullChunkSql, parameters));
    } else {
      await trx
        .insertInto('tickets')
        .values(ids.map((id) => ({ id, event_seq: eventSeq, batch_seq: batchSeq })))
        .execute();
    }
  };

  let inserted = 0;
  for (const chunk of sortedTicketIds(count, TICKET_CHUNK)) {
    await insertChunk(chunk);
    inserted += chunk.length;
    await options.afterChunk?.(inserted);
  }
}
