import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { canonicalId } from '../common.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { type TicketPageRow, ticketRowPages, type VisibleBatches, visibleBatches } from './ticket-pages.js';
import { ticketStatus } from './to-ticket.js';

/** The header of the default CSV, fixed by the contract. */
export const CSV_COLUMNS = ['ticket_id', 'status', 'created_at', 'redeemed_at'] as const;

/** What a CSV cell is drawn from: a ticket row, its batch's times, and the ticket's public page. */
interface CellSource {
  row: TicketPageRow;
  times: VisibleBatches['times'];
  ticketUrl: (ticketId: string) => string;
}

/**
 * Every column `columns=` may ask for, in documentation order: a new column is one entry here.
 * The first four are the default header.
 */
const COLUMN_CELLS = {
  ticket_id: ({ row }: CellSource) => row.id,
  status: ({ row }: CellSource) => ticketStatus(row.redeemed_at, row.voided_at),
  created_at: ({ row, times }: CellSource) => times.get(Number(row.batch_seq)) ?? '',
  redeemed_at: ({ row }: CellSource) => row.redeemed_at ?? '',
  ticket_url: ({ row, ticketUrl }: CellSource) => ticketUrl(row.id),
  label: ({ row }: CellSource) => row.label ?? '',
} satisfies Record<string, (source: CellSource) => string>;

export type CsvColumn = keyof typeof COLUMN_CELLS;
export const CSV_COLUMN_NAMES = Object.keys(COLUMN_CELLS) as CsvColumn[];

/**
 * The columns a `columns=` value asks for, in its order: names separated by commas (spaces
 * around them ignored). An unknown, repeated or missing name is 400 naming `columns`.
 */
export function parseCsvColumns(value: string | undefined): CsvColumn[] {
  if (value === undefined) return [...CSV_COLUMNS];
  const refuse = (message: string) => AppError.validation([{ field: 'columns', message }]);
  const names = value.split(',').map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw refuse(`must be column names separated by commas, from ${CSV_COLUMN_NAMES.join(', ')}`);
    if (!Object.hasOwn(COLUMN_CELLS, name)) {
      throw refuse(`has an unknown column "${name.slice(0, 40)}": known columns are ${CSV_COLUMN_NAMES.join(', ')}`);
    }
    if (seen.has(name)) throw refuse(`names the column "${name}" twice`);
    seen.add(name);
  }
  return names as CsvColumn[];
}

/** Prefixes cells a spreadsheet would run as a formula (OWASP CSV injection) with a quote. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A download filename from the event name: ASCII letters, digits, dash and underscore only. */
export function downloadFilename(eventName: string, suffix: string, extension: 'csv' | 'pdf'): string {
  const slug = eventName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .toLowerCase();
  return `${slug || 'event'}-${suffix}.${extension}`;
}

/** A CSV download filename from the event name (see downloadFilename). */
export function csvFilename(eventName: string, suffix: string): string {
  return downloadFilename(eventName, suffix, 'csv');
}

export interface TicketExport {
  filename: string;
  stream: Readable;
}

/** Which tickets of an owned event a download holds: everything is checked before a byte is sent. */
export interface TicketSelection {
  event: { id: string; seq: number; name: string; date: string };
  status: 'ok' | 'redeemed' | 'void' | 'all';
  batchId?: string;
  batchSeq?: number;
  /** The filename's end: `ok-tickets`, `redeemed-tickets`, `tickets` or `batch-<first 8 of its id>`. */
  suffix: string;
}

/** Resolves a download's event (owned by the caller, else 404), status (default `ok`) and batch (unknown: 404). */
export async function selectTickets(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { status?: 'ok' | 'redeemed' | 'void' | 'all'; batch?: string },
): Promise<TicketSelection> {
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
  const suffix = batchId ? `batch-${batchId.slice(0, 8)}` : status === 'all' ? 'tickets' : `${status}-tickets`;
  return {
    event: { id: event.id, seq: Number(event.seq), name: event.name, date: event.date },
    status,
    batchId,
    batchSeq,
    suffix,
  };
}

/** Every selected ticket row in creation order, in keyset pages (constant memory), with the batch times. */
export async function* selectedTicketPages(
  db: Db,
  selection: TicketSelection,
  pageSize?: number,
): AsyncGenerator<{ rows: TicketPageRow[]; times: VisibleBatches['times'] }> {
  const batches = await visibleBatches(db, selection.event.seq);
  const filter = {
    eventId: selection.event.id,
    eventSeq: selection.event.seq,
    status: selection.status,
    batchSeq: selection.batchSeq,
    batches,
  };
  for await (const rows of ticketRowPages(db, filter, pageSize)) yield { rows, times: batches.times };
}

/** Streams an owned event's tickets as RFC 4180 CSV, page by page, in constant memory. */
export async function exportTickets(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { status?: 'ok' | 'redeemed' | 'void' | 'all'; batch?: string; columns?: string },
  ticketUrl: (ticketId: string) => string,
): Promise<TicketExport> {
  const columns = parseCsvColumns(query.columns);
  const selection = await selectTickets(db, ownerId, eventId, query);
  const cells = columns.map((column) => COLUMN_CELLS[column]);

  // Each keyset page becomes one CSV chunk: few, large strings keep the garbage collector idle
  // and memory flat however many rows there are.
  const csvOptions = {
    record_delimiter: 'windows' as const,
    cast: { string: (value: string) => neutraliseFormula(value) },
  };
  async function* chunks() {
    yield stringify([columns], csvOptions);
    for await (const { rows, times } of selectedTicketPages(db, selection)) {
      yield stringify(
        rows.map((row) => cells.map((cell) => cell({ row, times, ticketUrl }))),
        csvOptions,
      );
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false });
  return { filename: csvFilename(selection.event.name, selection.suffix), stream };
}
