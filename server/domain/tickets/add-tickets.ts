import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Batch } from '../../../shared/schemas.js';
import type { Database } from '../../db/schema.js';
import { nowIso } from '../common.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { checkTicketQuota, lockAccountForQuota } from './ticket-quota.js';
import { type BatchKeys, type TicketWriteOptions, writeTicketBatch } from './write-batch.js';

/**
 * Adds a batch of tickets to an owned event, all or nothing: written as a pending batch in short
 * transactions (see writeTicketBatch); the event's additional-tickets total is raised in the
 * same last short transaction that makes the batch visible.
 */
export async function addTickets(
  db: Kysely<Database>,
  ownerId: string,
  eventId: string,
  count: number,
  options: TicketWriteOptions = {},
): Promise<{ batch: Batch; eventId: string; eventSeq: number }> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const batch: Batch = { id: randomUUID(), count, createdAt: nowIso() };
  const limit = options.ticketsPerHour ?? 0;
  const start = async (trx: Transaction<Database>, heartbeat: string) => {
    await lockAccountForQuota(trx, ownerId, limit);
    const inserted = await trx
      .insertInto('ticket_batches')
      .values({
        id: batch.id,
        event_seq: event.seq,
        count,
        created_at: batch.createdAt,
        heartbeat_at: heartbeat,
        created_by: ownerId,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await checkTicketQuota(trx, { ownerId, batchSeq: inserted.seq, count, limit, at: batch.createdAt });
    return { eventSeq: event.seq, batchSeq: inserted.seq };
  };
  const reveal = async (trx: Transaction<Database>, keys: BatchKeys) => {
    await trx
      .updateTable('events')
      .set((eb) => ({ additional_tickets: eb('additional_tickets', '+', count) }))
      .where('seq', '=', keys.eventSeq)
      .execute();
  };
  await writeTicketBatch(db, { count, start, reveal }, options);
  return { batch, eventId: event.id, eventSeq: Number(event.seq) };
}
