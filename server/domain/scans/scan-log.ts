import type { LoggedScanOutcome, Scan } from '../../../shared/door.js';
import type { ScanList } from '../../../shared/event-activity.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { PUBLIC_DOOR } from '../redemption/redeemer.js';

/** The door the log names for an undo made by the organiser (no door link). */
export const ORGANISER_DOOR = 'organiser';

/**
 * The door a scan names: its door link's label; without one, "organiser" for an undo, a void or
 * an unvoid (only the organiser makes those without a door link) and "public link" for a scan of a public endpoint.
 */
export function doorOfScan(label: string | null, outcome: LoggedScanOutcome): string {
  if (label !== null) return label;
  return outcome === 'undone' || outcome === 'voided' || outcome === 'unvoided' ? ORGANISER_DOOR : PUBLIC_DOOR;
}

/** A row of the log as pages read it: its position (seq) and what a Scan shows. */
export interface ScanRow {
  seq: number | string;
  id: string;
  at: string;
  ticket_id: string | null;
  outcome: LoggedScanOutcome;
  device: string | null;
  label: string | null;
  device_at: string | null;
}

/** The API view of a log row. */
export function toScan(row: ScanRow): Scan {
  return {
    id: row.id,
    at: row.at,
    ticketId: row.ticket_id,
    outcome: row.outcome,
    door: doorOfScan(row.label, row.outcome),
    device: row.device,
    deviceAt: row.device_at,
  };
}

/**
 * One keyset page of an event's log, newest first, strictly before `before` (a seq), with one
 * outcome or all. One index range scan either way: (event_seq, seq) for all outcomes,
 * (event_seq, outcome, seq) for one (migration 009), read backwards from the cursor.
 */
export async function scanRows(
  db: Db,
  eventSeq: number,
  filter: { outcome?: LoggedScanOutcome; before?: number },
  limit: number,
): Promise<ScanRow[]> {
  let query = db
    .selectFrom('scans as s')
    .leftJoin('door_links as d', 'd.seq', 's.door_link_seq')
    .select(['s.seq', 's.id', 's.at', 's.ticket_id', 's.outcome', 's.device', 'd.label', 's.device_at'])
    .where('s.event_seq', '=', eventSeq);
  // Ordered by the index's own columns: otherwise both planners may walk the whole log backwards
  // by seq (its primary key) and filter out other events' scans, at any depth of a cursor.
  query = query.orderBy('s.event_seq', 'desc');
  if (filter.outcome !== undefined) query = query.where('s.outcome', '=', filter.outcome).orderBy('s.outcome', 'desc');
  if (filter.before !== undefined) query = query.where('s.seq', '<', filter.before);
  return query.orderBy('s.seq', 'desc').limit(limit).execute();
}

/** Every row of an event's log (one outcome or all), newest first, in keyset pages: constant memory. */
export async function* scanRowPages(
  db: Db,
  eventSeq: number,
  outcome: LoggedScanOutcome | undefined,
  pageSize = 2000,
): AsyncGenerator<ScanRow[]> {
  let before: number | undefined;
  for (;;) {
    const rows = await scanRows(db, eventSeq, { outcome, before }, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    before = Number((rows[rows.length - 1] as ScanRow).seq);
  }
}

/** Cursors are opaque to clients: the position of the last scan seen, base64url-encoded. */
export function encodeScanCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

/** Reads a cursor back; anything this API did not issue is a 400 naming `cursor`. */
export function decodeScanCursor(cursor: string): number {
  const match = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw AppError.validation([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
  return Number(match[1]);
}

/**
 * One page of an owned event's scan log, newest first. The cursor is a position in the log, so
 * scans logged meanwhile (later positions) never shift or repeat a row of the next page.
 */
export async function listScans(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { outcome?: LoggedScanOutcome; cursor?: string; limit?: number },
): Promise<ScanList> {
  const before = query.cursor === undefined ? undefined : decodeScanCursor(query.cursor);
  const limit = query.limit ?? 50;
  const event = await getOwnedEventRow(db, ownerId, eventId);
  // One row more than asked tells whether a next page exists, so the last page has no cursor.
  const rows = await scanRows(db, event.seq, { outcome: query.outcome, before }, limit + 1);
  const last = rows[limit - 1];
  return {
    items: rows.slice(0, limit).map(toScan),
    nextCursor: rows.length > limit && last ? encodeScanCursor(Number(last.seq)) : null,
  };
}
