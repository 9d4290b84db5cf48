import type { Ticket, TicketStatus } from '../../shared/schemas.js';
import type { Db } from './common.js';
import { toTicket } from './mappers.js';

export interface TicketScan {
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

/** Creation time of each batch of an event: tickets take their batch's time. */
export async function batchTimes(db: Db, eventSeq: number): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'created_at'])
    .where('event_seq', '=', eventSeq)
    .execute();
  return new Map(rows.map((r) => [Number(r.seq), r.created_at]));
}

export interface TicketPage {
  tickets: Ticket[];
  /** Position of each ticket, to continue after any of them. */
  positions: TicketPosition[];
}

/** A ticket row as a page reads it. */
export interface TicketRow {
  seq: number;
  batch_seq: number;
  id: string;
  redeemed_at: string | null;
}

/** One keyset page of an event's ticket rows in creation order, strictly after `after`. */
async function ticketRows(db: Db, scan: TicketScan, after: TicketPosition | null, limit: number): Promise<TicketRow[]> {
  const base = () => {
    let query = db
      .selectFrom('tickets')
      .select(['seq', 'batch_seq', 'id', 'redeemed_at'])
      .where('event_seq', '=', scan.eventSeq);
    if (scan.batchSeq !== undefined) query = query.where('batch_seq', '=', scan.batchSeq);
    if (scan.status === 'ok') query = query.where('redeemed_at', 'is', null);
    if (scan.status === 'redeemed') query = query.where('redeemed_at', 'is not', null);
    return query.orderBy('batch_seq').orderBy('seq');
  };
  // Keyset continuation in two index seeks: the rest of the current batch, then later batches.
  // (An OR, or a row-value comparison, makes SQLite rescan the batch from its start.)
  const rows: TicketRow[] = after
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

function positionOf(row: TicketRow): TicketPosition {
  return { batchSeq: Number(row.batch_seq), seq: Number(row.seq) };
}

/** One keyset page of an event's tickets in creation order, strictly after `after`. */
export async function ticketPage(
  db: Db,
  scan: TicketScan,
  times: Map<number, string>,
  after: TicketPosition | null,
  limit: number,
): Promise<TicketPage> {
  const rows = await ticketRows(db, scan, after, limit);
  return {
    tickets: rows.map((r) =>
      toTicket({
        id: r.id,
        event_id: scan.eventId,
        redeemed_at: r.redeemed_at,
        created_at: times.get(Number(r.batch_seq)) ?? '',
      }),
    ),
    positions: rows.map(positionOf),
  };
}

/**
 * Every matching ticket row, fetched in keyset pages so memory stays constant and the
 * connection is free for redemptions between pages. Rows, not tickets: the CSV of a million
 * tickets then allocates one object a row fewer, and the garbage collector keeps up.
 */
export async function* scanTicketRows(db: Db, scan: TicketScan, pageSize = 1000): AsyncGenerator<TicketRow[]> {
  let after: TicketPosition | null = null;
  for (;;) {
    const rows = await ticketRows(db, scan, after, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = positionOf(rows[rows.length - 1] as TicketRow);
  }
}
