import type { Readable } from 'node:stream';
import type { LoggedScanOutcome } from '../../../shared/door.js';
import type { Db } from '../../db/database.js';
import { csvStream } from '../csv-stream.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { csvFilename } from '../tickets/export-tickets.js';
import { doorOfScan, scanRowPages } from './scan-log.js';

/** The header of the scan log's CSV, fixed by the contract. */
export const SCAN_CSV_COLUMNS = ['scanned_at', 'ticket_id', 'outcome', 'door', 'device'] as const;

/**
 * Streams an owned event's scan log (one outcome or all) as CSV, newest first like the log, in
 * keyset pages: constant memory at millions of rows. The same rules as the tickets CSV.
 */
export async function exportScans(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { outcome?: LoggedScanOutcome },
): Promise<{ filename: string; stream: Readable }> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  async function* pages() {
    for await (const rows of scanRowPages(db, event.seq, query.outcome)) {
      yield rows.map((r) => [r.at, r.ticket_id ?? '', r.outcome, doorOfScan(r.label, r.outcome), r.device ?? '']);
    }
  }
  const suffix = query.outcome ? `scans-${query.outcome.replace(/_/g, '-')}` : 'scans';
  return { filename: csvFilename(event.name, suffix), stream: csvStream(SCAN_CSV_COLUMNS, pages()) };
}
