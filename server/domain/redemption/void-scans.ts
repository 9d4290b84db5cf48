import type { Db } from '../../db/database.js';
import type { DoorScanPlace } from './redeemer.js';
import { timeOrderedScanId } from './scan-ids.js';

/** A scan of a void ticket to log: the ticket, its event, when, the door (none: a public scan) and its scan id. */
export interface VoidScan {
  ticketId: string;
  eventSeq: number;
  at: string;
  door?: DoorScanPlace;
  scanId?: string;
  reason: string | null;
}

/**
 * Logs a refused scan of a void ticket (outcome `void`, with the organiser's reason): the
 * redeemers' refusal path, never their winning one, so written through Kysely rather than
 * precompiled.
 */
export async function logVoidScan(db: Db, scan: VoidScan): Promise<void> {
  await db
    .insertInto('scans')
    .values({
      id: scan.scanId ?? timeOrderedScanId(),
      event_seq: scan.eventSeq,
      door_link_seq: scan.door?.linkSeq ?? null,
      session_seq: scan.door?.sessionSeq ?? null,
      device: scan.door?.device ?? null,
      ticket_id: scan.ticketId,
      outcome: 'void',
      at: scan.at,
      redeemed_at: null,
      duplicate_scans: null,
      first_door: null,
      reason: scan.reason,
    })
    .execute();
}
