import type { Ticket, TicketStatus } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { toTicket } from './to-ticket.js';

/** Which of an event's tickets to read: by status, and optionally one batch. */
export interface TicketFilter {
  /** The event's public id, echoed in every ticket. */
  eventId: string;
  eventSeq: number;
  status: TicketStatus | 'all';
  batchSeq?: number;
}

/** A position in an event's tickets: creation order is (batch, seq). */
export interface TicketPosition {
  batchSeq: number;
  seq: number;
}

/** A ticket row as a page reads it: its position, its id and its redemption time. */
export interface TicketPageRow {
  seq: number;
  batch_seq: number;
  id: string;
  redeemed_at: string | null;
}

export interface TicketPage {
  tickets: Ticket[];
  /** Position of each ticket, to continue after any of them. */
  positions: TicketPosition[];
}

/** Creation time of each batch of an event: tickets take their batch's time. */
export async function batchTimes(db: Db, eventSeq: number): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'created_at'])
    .where('event_seq', '=', eventSeq)
    .execute();
  return new Map(rows.map((r) => [Number(r.seq), r.created_at]));
}

/** One keyset page of an event's ticket rows in creation order, strictly after `after`. */
async function ticketRows(
  db: Db,
  filter: TicketFilter,
  after: TicketPosition | null,
  limit: number,
): Promise<TicketPageRow[]> {
  const base = () => {
    let query = db
      .selectFrom('tickets')
      .select(['seq', 'batch_seq', 'id', 'redeemed_at'])
      .where('event_seq', '=', filter.eventSeq);
    if (filter.batchSeq !== undefined) query = query.where('batch_seq', '=', filter.batchSeq);
    if (filter.status === 'ok') query = query.where('redeemed_at', 'is', null);
    if (filter.status === 'redeemed') query = query.where('redeemed_at', 'is not', null);
    return query.orderBy('batch_seq').orderBy('seq');
  };
  // Keyset continuation in two index seeks: the rest of the current batch, then later batches.
  // (An OR, or a row-value comparison, makes SQLite rescan the batch from its start.)
  const rows: TicketPageRow[] = after
    ? await base().where('batch_seq', '=', after.batchSeq).where('seq', '>', after.seq).limit(limit).execute()
    : await base().limit(limit).execute();
  if (after && rows.length < limit) {
    const more = await base()
      .where('batch_seq', '>', after.batchSeq)
      .limit(limit - rows.length)
      .execute();
    return rows.concat(more);
  }
  return rows;
}

function positionOf(row: TicketPageRow): TicketPosition {
  return { batchSeq: Number(row.batch_seq), seq: Number(row.seq) };
}

/** One keyset page of an event's tickets in creation order, strictly after `after`. */
export async function ticketPage(
  db: Db,
  filter: TicketFilter,
  times: Map<number, string>,
  after: TicketPosition | null,
  limit: number,
): Promise<TicketPage> {
  const rows = await ticketRows(db, filter, after, limit);
  return {
    tickets: rows.map((r) =>
      toTicket({
        id: r.id,
        event_id: filter.eventId,
        redeemed_at: r.redeemed_at,
        created_at: times.get(Number(r.batch_seq)) ?? '',
      }),
    ),
    positions: rows.map(positionOf),
  };
}

/**
 * Every matching ticket row, fetched in keyset pages so memory stays constant and the
 * connection is free for redemptions between pages. Rows, not tickets: an export of a million
 * tickets then allocates one object a row fewer, and the garbage collector keeps up.
 */
export async function* ticketRowPages(db: Db, filter: TicketFilter, pageSize = 1000): AsyncGenerator<TicketPageRow[]> {
  let after: TicketPosition | null = null;
  for (;;) {
    const rows = await ticketRows(db, filter, after, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = positionOf(rows[rows.length - 1] as TicketPageRow);
  }
}
