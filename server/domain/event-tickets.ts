import type { Ticket, TicketStatus } from '../../shared/schemas.js';
import type { Db } from './common.js';

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

export interface TicketPage {
  tickets: Ticket[];
  /** Position of each ticket in creation order, to continue after any of them. */
  seqs: number[];
}

/** One keyset page of an event's tickets in creation order, strictly after position `afterSeq`. */
export async function ticketPage(
  db: Db,
  scan: TicketScan,
  times: Map<string, string>,
  afterSeq: number | null,
  limit: number,
): Promise<TicketPage> {
  let query = db.selectFrom('tickets').select(['seq', 'id', 'event_id', 'batch_id', 'redeemed_at']);
  // Walk the batch index when exporting one batch, the event index otherwise.
  query = scan.batchId ? query.where('batch_id', '=', scan.batchId) : query.where('event_id', '=', scan.eventId);
  if (scan.status === 'ok') query = query.where('redeemed_at', 'is', null);
  if (scan.status === 'redeemed') query = query.where('redeemed_at', 'is not', null);
  if (afterSeq !== null) query = query.where('seq', '>', afterSeq);
  const rows = await query.orderBy('seq').limit(limit).execute();
  return {
    tickets: rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      status: r.redeemed_at === null ? 'ok' : 'redeemed',
      createdAt: times.get(r.batch_id) ?? '',
      redeemedAt: r.redeemed_at,
    })),
    seqs: rows.map((r) => Number(r.seq)),
  };
}

/**
 * Every matching ticket, fetched in keyset pages so memory stays constant and the
 * connection is free for redemptions between pages.
 */
export async function* scanTickets(db: Db, scan: TicketScan, pageSize = 1000): AsyncGenerator<Ticket[]> {
  const times = await batchTimes(db, scan.eventId);
  let after: number | null = null;
  for (;;) {
    const page = await ticketPage(db, scan, times, after, pageSize);
    if (page.tickets.length > 0) yield page.tickets;
    if (page.tickets.length < pageSize) return;
    after = page.seqs[page.seqs.length - 1] ?? null;
  }
}
