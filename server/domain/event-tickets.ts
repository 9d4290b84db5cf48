import type { Ticket, TicketStatus } from '../../shared/schemas.js';
import type { Db } from './common.js';
import { toTicket } from './mappers.js';

export interface TicketScan {
  eventId: string;
  status: TicketStatus | 'all';
  batchId?: string;
}

/** Creation time of each batch of an event: tickets take their batch's time. */
export async function batchTimes(db: Db, eventId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('ticket_batches')
    .select(['id', 'created_at'])
    .where('event_id', '=', eventId)
    .execute();
  return new Map(rows.map((r) => [r.id, r.created_at]));
}

/** One keyset page of an event's tickets in id order, strictly after `afterId`. */
export async function ticketPage(
  db: Db,
  scan: TicketScan,
  times: Map<string, string>,
  afterId: string | null,
  limit: number,
): Promise<Ticket[]> {
  let query = db
    .selectFrom('tickets')
    .select(['id', 'event_id', 'batch_id', 'redeemed_at'])
    .where('event_id', '=', scan.eventId);
  if (scan.batchId) query = query.where('batch_id', '=', scan.batchId);
  if (scan.status === 'ok') query = query.where('redeemed_at', 'is', null);
  if (scan.status === 'redeemed') query = query.where('redeemed_at', 'is not', null);
  if (afterId) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map((r) => toTicket({ ...r, created_at: times.get(r.batch_id) ?? '' }));
}

/**
 * Every matching ticket, fetched in keyset pages so memory stays constant and the
 * connection is free for redemptions between pages.
 */
export async function* scanTickets(db: Db, scan: TicketScan, pageSize = 5000): AsyncGenerator<Ticket[]> {
  const times = await batchTimes(db, scan.eventId);
  let after: string | null = null;
  for (;;) {
    const page = await ticketPage(db, scan, times, after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]?.id ?? null;
  }
}
