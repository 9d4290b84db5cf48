import type { ScanOutcome } from '../../../shared/door.js';
import type { Db } from '../../db/database.js';
import type { ScanLogOutcome } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { findTicket } from '../tickets/get-ticket.js';
import type { DoorScanDecision, DoorScanPlace } from './redeemer.js';

/** A door scan as the log keeps it: enough to answer a retry exactly as the first attempt was answered. */
export interface LoggedScan {
  id: string;
  at: string;
  door_link_seq: number | null;
  ticket_id: string | null;
  outcome: ScanLogOutcome;
  redeemed_at: string | null;
  duplicate_scans: number | null;
  first_door: string | null;
}

/** The columns a retry reads back (see LoggedScan). */
export const loggedScanColumns = [
  'id',
  'at',
  'door_link_seq',
  'ticket_id',
  'outcome',
  'redeemed_at',
  'duplicate_scans',
  'first_door',
] as const;

/** A logged scan, for a retry carrying its id: the answer it was given, never a new decision. */
export async function findLoggedScan(db: Db, scanId: string): Promise<LoggedScan | undefined> {
  return db.selectFrom('scans').select(loggedScanColumns).where('id', '=', scanId).executeTakeFirst();
}

/**
 * The first answer of a scan, for a retry with its id (a lost answer, a double tap). The id must
 * be one this door link drew for a scan; any other use of a known id is refused.
 */
export async function replayDoorScan(db: Db, logged: LoggedScan, door: DoorScanPlace): Promise<DoorScanDecision> {
  if (
    logged.door_link_seq !== door.linkSeq ||
    logged.outcome === 'undone' ||
    logged.outcome === 'voided' ||
    logged.outcome === 'unvoided'
  ) {
    throw AppError.validation([{ field: 'scanId', message: 'is the id of another scan: draw a new one per scan' }]);
  }
  const outcome: ScanOutcome = logged.outcome;
  const decision: DoorScanDecision = { outcome, scan: { id: logged.id, at: logged.at } };
  const redeemed = outcome === 'admitted' || outcome === 'already_redeemed' || outcome === 'offline_double_entry';
  if (redeemed && logged.ticket_id && logged.redeemed_at) {
    const found = await findTicket(db, logged.ticket_id);
    if (found) decision.ticket = { ...found.ticket, status: 'redeemed', redeemedAt: logged.redeemed_at };
  }
  if ((outcome === 'already_redeemed' || outcome === 'offline_double_entry') && logged.redeemed_at) {
    decision.redeemedAt = logged.redeemed_at;
    decision.redeemedAtDoor = logged.first_door ?? undefined;
  }
  if (outcome === 'already_redeemed' && logged.duplicate_scans !== null)
    decision.duplicateScans = logged.duplicate_scans;
  return decision;
}
