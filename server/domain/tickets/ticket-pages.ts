import type { ListedTicket, TicketStatus } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { toTicket } from './to-ticket.js';

/** Which of an event's tickets to read: by status, and optionally one batch. */
export interface TicketFilter {
  /** The event's public id, echoed in every ticket. */
  eventId: string;
  eventSeq: number;
  status: TicketStatus | 'all';
  batchSeq?: number;
  /** The event's visible batches: only their tickets are read. */
  batches: VisibleBatches;
}

/**
 * An event's visible batches, as pages read them: each one's creation time (a ticket's
 * createdAt), and the runs of consecutive batch seqs holding no pending batch (see
 * server/db/pending-batches.ts). Batches started after this was read are in no run either.
 */
export interface VisibleBatches {
  times: Map<number, string>;
  /** Inclusive [first, last] ranges of batch seqs, ascending; one range unless a batch is pending. */
  runs: [number, number][];
}

/** A position in an event's tickets: creation order is (batch, seq). */
export interface TicketPosition {
  batchSeq: number;
  seq: number;
}

/** A ticket row as a page reads it: its position, its id, its redemption time and its label. */
export interface TicketPageRow {
  seq: number;
  batch_seq: number;
  id: string;
  redeemed_at: string | null;
  label: string | null;
  /** When the organiser voided it (a void ticket is never redeemed). */
  voided_at: string | null;
}

export interface TicketPage {
  tickets: ListedTicket[];
  /** Position of each ticket, to continue after any of them. */
  positions: TicketPosition[];
}

/** An event's visible batches: their creation times (tickets take their batch's time) and runs. */
export async function visibleBatches(db: Db, eventSeq: number): Promise<VisibleBatches> {
  const rows = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'created_at', 'heartbeat_at'])
    .where('event_seq', '=', eventSeq)
    .orderBy('seq')
    .execute();
  const times = new Map<number, string>();
  const runs: [number, number][] = [];
  let run: [number, number] | undefined;
  for (const row of rows) {
    const seq = Number(row.seq);
    if (row.heartbeat_at !== null) {
      run = undefined;
      continue;
    }
    times.set(seq, row.created_at);
    if (run) {
      run[1] = seq;
    } else {
      run = [seq, seq];
      runs.push(run);
    }
  }
  return { times, runs };
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
      .select(['seq', 'batch_seq', 'id', 'redeemed_at', 'label', 'voided_at'])
      .where('event_seq', '=', filter.eventSeq);
    if (filter.batchSeq !== undefined) query = query.where('batch_seq', '=', filter.batchSeq);
    // A void ticket is never redeemed, so `redeemed` needs no void condition.
    if (filter.status === 'ok') query = query.where('redeemed_at', 'is', null).where('voided_at', 'is', null);
    if (filter.status === 'redeemed') query = query.where('redeemed_at', 'is not', null);
    if (filter.status === 'void') query = query.where('voided_at', 'is not', null);
    return query.orderBy('batch_seq').orderBy('seq');
  };
  // Keyset continuation in index seeks: the rest of the current batch, then later batches, one
  // run of visible batches at a time. (An OR, or a row-value comparison, makes SQLite rescan the
  // batch from its start.) A cursor in a batch that is not visible continues after it.
  let rows: TicketPageRow[] = [];
  if (after && filter.batches.times.has(after.batchSeq)) {
    rows = await base().where('batch_seq', '=', after.batchSeq).where('seq', '>', after.seq).limit(limit).execute();
  }
  for (const [first, last] of filter.batches.runs) {
    if (rows.length >= limit) break;
    if (after && last <= after.batchSeq) continue;
    const from = after && after.batchSeq >= first ? after.batchSeq + 1 : first;
    const more = await base()
      .where('batch_seq', '>=', from)
      .where('batch_seq', '<=', last)
      .limit(limit - rows.length)
      .execute();
    rows = rows.concat(more);
  }
  return rows;
}

function positionOf(row: TicketPageRow): TicketPosition {
  return { batchSeq: Number(row.batch_seq), seq: Number(row.seq) };
}

/** Page rows as the owner's list shows them (with their labels) and the positions to continue after. */
export function toTicketPage(rows: TicketPageRow[], filter: Pick<TicketFilter, 'eventId' | 'batches'>): TicketPage {
  const { times } = filter.batches;
  return {
    tickets: rows.map((r) => ({
      ...toTicket({
        id: r.id,
        event_id: filter.eventId,
        redeemed_at: r.redeemed_at,
        voided_at: r.voided_at,
        created_at: times.get(Number(r.batch_seq)) ?? '',
      }),
      label: r.label,
    })),
    positions: rows.map(positionOf),
  };
}

/** One keyset page of an event's tickets in creation order, strictly after `after`. */
export async function ticketPage(
  db: Db,
  filter: TicketFilter,
  after: TicketPosition | null,
  limit: number,
): Promise<TicketPage> {
  return toTicketPage(await ticketRows(db, filter, after, limit), filter);
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
