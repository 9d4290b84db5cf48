import { CompiledQuery, type Kysely, SqliteAdapter } from 'kysely';
import { type PendingBatch, writeToPendingBatch, yieldToEventLoop } from './pending-batches.js';
import type { Database } from './schema.js';
import { drawHeadsPausing, sortedTicketIds } from './ticket-ids.js';

/**
 * Tickets per transaction. Each chunk is a transaction of its own with a yield to the event loop
 * after it, so redemptions and every other request wait at most one chunk; the size keeps a chunk
 * well under 50 ms on SQLite, also in a database of millions of tickets, at the same rows per
 * second as bigger ones (measured with `npm run bench:watch`).
 */
export const TICKET_CHUNK = 2500;

/**
 * Tickets per INSERT statement, a chunk taking several: as fast per row as bigger statements,
 * while SQLite prepares a statement of thousands of rows slowly enough to hold the event loop on
 * the first chunk. 3 bound values a row stay far below both databases' parameter limits.
 */
export const ROWS_PER_STATEMENT = 500;

/**
 * The INSERT of `rows` tickets (id, event_seq, batch_seq), written out once per store: building
 * hundreds of rows with Kysely's query builder costs more CPU than SQLite takes to write them.
 */
const insertSql = (() => {
  const cache = new Map<string, string>();
  return (rows: number, sqlite: boolean): string => {
    const key = `${sqlite}:${rows}`;
    let text = cache.get(key);
    if (text === undefined) {
      const values = new Array<string>(rows);
      for (let r = 0; r < rows; r++) values[r] = sqlite ? '(?, ?, ?)' : `($${r * 3 + 1}, $${r * 3 + 2}, $${r * 3 + 3})`;
      text = `insert into "tickets" ("id", "event_seq", "batch_seq") values ${values.join(', ')}`;
      if (rows === ROWS_PER_STATEMENT) cache.set(key, text);
    }
    return text;
  };
})();

export interface InsertTicketsOptions {
  /** Called after each chunk is committed; tests inject a failure here to prove nothing shows. */
  afterChunk?: (inserted: number) => void | Promise<void>;
}

/**
 * Inserts `count` fresh tickets (random UUID v4 ids) into a pending batch, one chunk per short
 * transaction (see pending-batches.ts), in ascending id order (see sortedTicketIds) so the
 * unique id index is filled in one sweep.
 */
export async function insertTickets(
  db: Kysely<Database>,
  batch: PendingBatch,
  count: number,
  options: InsertTicketsOptions = {},
): Promise<void> {
  const { eventSeq, batchSeq } = batch;
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const insertStatements = (ids: string[]) => {
    const statements: CompiledQuery[] = [];
    for (let from = 0; from < ids.length; from += ROWS_PER_STATEMENT) {
      const rows = Math.min(ROWS_PER_STATEMENT, ids.length - from);
      const parameters = new Array(rows * 3);
      for (let i = 0; i < rows; i++) {
        parameters[i * 3] = ids[from + i];
        parameters[i * 3 + 1] = eventSeq;
        parameters[i * 3 + 2] = batchSeq;
      }
      statements.push(CompiledQuery.raw(insertSql(rows, sqlite), parameters));
    }
    return statements;
  };

  let inserted = 0;
  const heads = await drawHeadsPausing(count, yieldToEventLoop);
  for (const chunk of sortedTicketIds(count, TICKET_CHUNK, heads)) {
    const statements = insertStatements(chunk);
    await writeToPendingBatch(db, batch, async (trx) => {
      for (const statement of statements) await trx.executeQuery(statement);
    });
    inserted += chunk.length;
    await options.afterChunk?.(inserted);
    await yieldToEventLoop();
  }
}
