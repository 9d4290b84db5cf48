import type { Kysely, Transaction } from 'kysely';
import { type InsertTicketsOptions, insertTickets } from '../../db/insert-tickets.js';
import { type PendingBatch, removeFailedBatch, revealBatch } from '../../db/pending-batches.js';
import type { Database } from '../../db/schema.js';
import { nowIso } from '../common.js';

export interface TicketWriteOptions extends InsertTicketsOptions {
  /** Tickets the account may create per hour (TICKETS_PER_HOUR); 0 or absent means no limit. */
  ticketsPerHour?: number;
}

/** The keys of a batch just written as pending. */
export interface BatchKeys {
  eventSeq: number;
  batchSeq: number;
}

export interface BatchWrite {
  /** Tickets in the batch. */
  count: number;
  /**
   * The first short transaction: writes the batch row as pending (`heartbeat_at` = `heartbeat`),
   * and the event too for a new one, and checks what must hold before anything is written.
   */
  start: (trx: Transaction<Database>, heartbeat: string) => Promise<BatchKeys>;
  /** Written in the last short transaction, the one that makes the batch visible. */
  reveal: (trx: Transaction<Database>, keys: BatchKeys) => Promise<void>;
}

/**
 * Writes a batch of tickets without ever holding the database (or, on SQLite, the event loop) for
 * long: a short transaction writes it as pending, its tickets follow in short transactions with
 * a yield between them, and a last short transaction makes all of it visible at once. Until then
 * nobody sees any of it; if anything fails, what was written is removed before the error is
 * rethrown (and if that fails too, the sweep removes it later).
 */
export async function writeTicketBatch(
  db: Kysely<Database>,
  write: BatchWrite,
  options: InsertTicketsOptions = {},
): Promise<void> {
  const heartbeat = nowIso();
  const keys = await db.transaction().execute((trx) => write.start(trx, heartbeat));
  const batch: PendingBatch = { ...keys, heartbeat };
  try {
    await insertTickets(db, batch, write.count, options);
    await revealBatch(db, batch, (trx) => write.reveal(trx, keys));
  } catch (error) {
    await removeFailedBatch(db, batch).catch(() => {});
    throw error;
  }
}
