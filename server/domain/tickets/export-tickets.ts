import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { canonicalId } from '../common.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { ticketRowPages, visibleBatches } from './ticket-pages.js';
import { ticketStatus } from './to-ticket.js';

export const CSV_COLUMNS = ['ticket_id', 'status', 'created_at', 'redeemed_at'] as const;

/** Prefixes cells a spreadsheet would run as a formula (OWASP CSV injection) with a quote. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A download filename from the event name: ASCII letters, digits, dash and underscore only. */
export function csvFilename(eventName: string, suffix: string): string {
  const slug = eventName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .toLowerCase();
  return `${slug || 'event'}-${suffix}.csv`;
}

export interface TicketExport {
  filename: string;
  stream: Readable;
}

/** Streams an owned event's tickets as RFC 4180 CSV, page by page, in constant memory. */
export async function exportTickets(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { status?: 'ok' | 'redeemed' | 'all'; batch?: string },
): Promise<TicketExport> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const status = query.status ?? 'ok';
  const batchId = query.batch ? canonicalId(query.batch) : undefined;
  let batchSeq: number | undefined;
  if (batchId) {
    const batch = await db
      .selectFrom('ticket_batches')
      .select('seq')
      .where('id', '=', batchId)
      .where('event_seq', '=', event.seq)
      .where('heartbeat_at', 'is', null)
      .executeTakeFirst();
    // A batch still being written is as unknown as one that never existed.
    if (!batch) throw AppError.notFound(ErrorCode.notFound, 'No such ticket batch in this event.');
    batchSeq = Number(batch.seq);
  }

  // Each keyset page becomes one CSV chunk: few, large strings keep the garbage collector idle
  // and memory flat however many rows there are.
  const csvOptions = {
    record_delimiter: 'windows' as const,
    cast: { string: (value: string) => neutraliseFormula(value) },
  };
  async function* chunks() {
    yield stringify([[...CSV_COLUMNS]], csvOptions);
    const batches = await visibleBatches(db, event.seq);
    const { times } = batches;
    for await (const rows of ticketRowPages(db, {
      eventId: event.id,
      eventSeq: event.seq,
      status,
      batchSeq,
      batches,
    })) {
      yield stringify(
        rows.map((r) => [r.id, ticketStatus(r.redeemed_at), times.get(Number(r.batch_seq)) ?? '', r.redeemed_at ?? '']),
        csvOptions,
      );
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false });
  const suffix = batchId ? `batch-${batchId.slice(0, 8)}` : status === 'all' ? 'tickets' : `${status}-tickets`;
  return { filename: csvFilename(event.name, suffix), stream };
}
