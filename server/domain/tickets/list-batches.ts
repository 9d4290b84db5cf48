import { sql } from 'kysely';
import type { BatchSummary } from '../../../shared/event-activity.js';
import type { Db } from '../../db/database.js';
import { getOwnedEventRow } from '../events/get-event.js';

/**
 * An owned event's ticket batches, newest first, each with how many of its tickets are redeemed
 * so far: a sum of the batch's counter slots (batch_counters, kept by the redeemers and the
 * undos), a few rows whatever the batch's size. A batch still being written is not listed.
 */
export async function listBatches(db: Db, ownerId: string, eventId: string): Promise<BatchSummary[]> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const rows = await db
    .selectFrom('ticket_batches as b')
    .select([
      'b.seq',
      'b.id',
      'b.count',
      'b.created_at',
      sql<number | string | null>`(select sum(c.redeemed) from batch_counters c where c.batch_seq = b.seq)`.as(
        'redeemed',
      ),
      sql<number | string | null>`(select sum(c.voided) from batch_counters c where c.batch_seq = b.seq)`.as('voided'),
      // The initial batch was made with the event: the event's first batch.
      sql<number | string>`(select min(f.seq) from ticket_batches f where f.event_seq = b.event_seq)`.as('first'),
    ])
    .where('b.event_seq', '=', event.seq)
    .where('b.heartbeat_at', 'is', null)
    .orderBy('b.seq', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    count: Number(r.count),
    createdAt: r.created_at,
    redeemed: Number(r.redeemed ?? 0),
    voided: Number(r.voided ?? 0),
    initial: Number(r.seq) === Number(r.first),
  }));
}
