import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
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
  // Build the full-chunk INSERT once per call and only swap its parameters: a million tickets
  // then cost 200 parameter arrays instead of 200 query trees of 15,000 nodes each.
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
  while (inserted < count) {
    const run = Math.min(SORT_RUN, count - inserted);
    const ids = new Array<string>(run);
    for (let i = 0; i < run; i++) ids[i] = randomUUID();
    ids.sort();
    for (let offset = 0; offset < run; offset += TICKET_CHUNK) {
      const chunk = ids.slice(offset, offset + TICKET_CHUNK);
      await insertChunk(chunk);
      inserted += chunk.length;
      await options.afterChunk?.(inserted);
    }
  }
}
