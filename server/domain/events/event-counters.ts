import type { Selectable } from 'kysely';
import type { Event } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import type { EventsTable } from '../../db/schema.js';
import { toEvent } from './to-event.js';

/**
 * Rows each event's redeemed count is spread over: a redemption bumps a random one, so on
 * PostgreSQL concurrent redemptions of one event rarely wait for the same row lock (see
 * docs/architecture.md). A read sums the slots: a fixed number of rows, O(1).
 */
export const COUNTER_SLOTS = 16;

/** Creates the counter rows of a new event, all at zero. */
export async function createCounters(trx: Db, eventSeq: number): Promise<void> {
  const rows = Array.from({ length: COUNTER_SLOTS }, (_, slot) => ({ event_seq: eventSeq, slot, redeemed: 0 }));
  await trx.insertInto('event_counters').values(rows).execute();
}

/** Redeemed counts of several events, summed over their slots. */
export async function redeemedCounts(db: Db, eventSeqs: number[]): Promise<Map<number, number>> {
  if (eventSeqs.length === 0) return new Map();
  const rows = await db
    .selectFrom('event_counters')
    .select((eb) => ['event_seq', eb.fn.sum<string | number>('redeemed').as('redeemed')])
    .where('event_seq', 'in', eventSeqs)
    .groupBy('event_seq')
    .execute();
  return new Map(rows.map((r) => [Number(r.event_seq), Number(r.redeemed)]));
}

/** Redeemed and void counts of several events, summed over their slots (an event without rows: absent). */
export async function eventCounts(
  db: Db,
  eventSeqs: number[],
): Promise<Map<number, { redeemed: number; voided: number }>> {
  if (eventSeqs.length === 0) return new Map();
  const rows = await db
    .selectFrom('event_counters')
    .select((eb) => [
      'event_seq',
      eb.fn.sum<string | number>('redeemed').as('redeemed'),
      eb.fn.sum<string | number>('voided').as('voided'),
    ])
    .where('event_seq', 'in', eventSeqs)
    .groupBy('event_seq')
    .execute();
  return new Map(rows.map((r) => [Number(r.event_seq), { redeemed: Number(r.redeemed), voided: Number(r.voided) }]));
}

/** API views of event rows with their redeemed and void counts. */
export async function withCounters(db: Db, rows: Selectable<EventsTable>[]): Promise<Event[]> {
  const counts = await eventCounts(
    db,
    rows.map((r) => Number(r.seq)),
  );
  return rows.map((r) => {
    const count = counts.get(Number(r.seq));
    return toEvent(r, count?.redeemed ?? 0, count?.voided ?? 0);
  });
}
