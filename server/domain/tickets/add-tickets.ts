import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Batch } from '../../../shared/schemas.js';
import { type InsertTicketsOptions, insertTickets } from '../../db/insert-tickets.js';
import type { Database } from '../../db/schema.js';
import { nowIso } from '../common.js';
import { getOwnedEventRow } from '../events/get-event.js';

/** Adds a batch of tickets to an owned event atomically and bumps its additional-tickets total. */
export async function addTickets(
  db: Kysely<Database>,
  ownerId: string,
  eventId: string,
  count: number,
  options: InsertTicketsOptions = {},
): Promise<{ batch: Batch; eventId: string }> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const batch: Batch = { id: randomUUID(), count, createdAt: nowIso() };
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('ticket_batches')
      .values({ id: batch.id, event_seq: event.seq, count, created_at: batch.createdAt })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await insertTickets(trx, event.seq, inserted.seq, count, options);
    await trx
      .updateTable('events')
      .set((eb) => ({ additional_tickets: eb('additional_tickets', '+', count) }))
      .where('seq', '=', event.seq)
      .execute();
  });
  return { batch, eventId: event.id };
}
