import {
  DoorLimits,
  type DoorMe,
  type DoorScanBody,
  OfflineLimits,
  type OfflineScan,
  type Scan,
} from '../../../shared/door.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Ticket } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { canonicalId } from '../common.js';
import { eventCounts } from '../events/event-counters.js';
import type { DoorScanDecision, Redeemer } from '../redemption/redeemer.js';
import { timeOrderedScanId } from '../redemption/scan-ids.js';
import { undoAdmission } from '../scans/undo-admission.js';
import { getTicket } from '../tickets/get-ticket.js';
import type { DoorSession } from './door-sessions.js';
import { parseScanCode, resolveScanCode } from './scan-codes.js';
import { getVerifierKey } from './verifier-key.js';

/** One physical scan at a door: the code read, decided once (a retry with its scanId replays the answer). */
export async function scanAtDoor(
  db: Db,
  redeemer: Redeemer,
  session: DoorSession,
  body: DoorScanBody,
): Promise<DoorScanDecision> {
  // Drawn here when the client drew none: time-ordered, so the log's id index grows at its end.
  const scanId = body.scanId ? canonicalId(body.scanId) : timeOrderedScanId();
  const offline = body.offline ? offlineScan(body.offline) : undefined;
  const ticketId = await resolveScanCode(db, session.event.seq, parseScanCode(body.code));
  return redeemer.scanAtDoor({
    scanId,
    offline,
    ticketId: ticketId ?? null,
    noTicket: ticketId === undefined ? 'not_found' : 'unreadable',
    door: {
      eventSeq: session.event.seq,
      linkSeq: session.doorLink.seq,
      sessionSeq: session.seq,
      device: session.device,
    },
  });
}

/**
 * An offline scan's upload, checked: its device time canonical, at most 5 minutes ahead of the
 * server's clock (a device clock far ahead would date the log wrongly) and at most 7 days old.
 */
function offlineScan(offline: OfflineScan): { at: string; decided: OfflineScan['decided'] } {
  const at = Date.parse(offline.at);
  const now = Date.now();
  const refuse = (message: string) => AppError.validation([{ field: 'offline.at', message }]);
  if (Number.isNaN(at)) throw refuse('is not a valid time');
  if (at > now + OfflineLimits.futureMinutes * 60_000) {
    throw refuse(`is more than ${OfflineLimits.futureMinutes} minutes ahead of the server's clock`);
  }
  if (at < now - OfflineLimits.maxAgeDays * 86_400_000) {
    throw refuse(`is more than ${OfflineLimits.maxAgeDays} days old`);
  }
  return { at: new Date(at).toISOString(), decided: offline.decided };
}

/** The door's header: its event, link and device, and the event's counters. */
export async function getDoorStatus(db: Db, session: DoorSession): Promise<DoorMe> {
  const event = await db
    .selectFrom('events')
    .select(['initial_tickets', 'additional_tickets'])
    .where('seq', '=', session.event.seq)
    .executeTakeFirstOrThrow();
  const counts = (await eventCounts(db, [session.event.seq])).get(session.event.seq);
  const { seq: _e, ...doorEvent } = session.event;
  const { seq: _l, ...doorLink } = session.doorLink;
  return {
    event: doorEvent,
    doorLink,
    device: session.device,
    expiresAt: session.expiresAt,
    totalTickets: Number(event.initial_tickets) + Number(event.additional_tickets),
    redeemedTickets: counts?.redeemed ?? 0,
    voidTickets: counts?.voided ?? 0,
    verifierKey: await getVerifierKey(db, session.event.seq),
  };
}

/** This device's latest scans, newest first (undos included, as `undone`). */
export async function listDeviceScans(db: Db, session: DoorSession, limit: number): Promise<Scan[]> {
  const rows = await db
    .selectFrom('scans')
    .select(['id', 'at', 'ticket_id', 'outcome', 'device', 'device_at'])
    .where('session_seq', '=', session.seq)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    ticketId: r.ticket_id,
    outcome: r.outcome,
    door: session.doorLink.label,
    device: r.device,
    deviceAt: r.device_at,
  }));
}

function refuseUndo(detail: string): AppError {
  return new AppError(ErrorCode.undoNotAllowed, 409, detail);
}

/**
 * Undoes an admission made through this door link (by any of its devices) within the undo
 * window: the ticket is ok again and the counter goes down, all in one transaction, and the log
 * keeps both the admission and the undo. The update is conditional on the ticket still being
 * redeemed by that very scan, so an undo happens once.
 */
export async function undoDoorScan(db: Db, session: DoorSession, scanId: string): Promise<Ticket> {
  const scan = await db
    .selectFrom('scans')
    .select(['outcome', 'at', 'ticket_id'])
    .where('id', '=', canonicalId(scanId))
    .where('door_link_seq', '=', session.doorLink.seq)
    .executeTakeFirst();
  if (!scan) throw AppError.notFound(ErrorCode.scanNotFound, 'This door made no scan with this id.');
  if (scan.outcome !== 'admitted' || !scan.ticket_id) throw refuseUndo('Only an admission can be undone.');
  if (Date.now() - Date.parse(scan.at) > DoorLimits.undoMinutes * 60_000) {
    throw refuseUndo(`An admission can be undone for ${DoorLimits.undoMinutes} minutes; this one is older.`);
  }
  const ticketId = scan.ticket_id;
  const undone = await db
    .transaction()
    .execute((trx) =>
      undoAdmission(
        trx,
        { ticketId, eventSeq: session.event.seq, redeemedAt: scan.at, redeemedDoorSeq: session.doorLink.seq },
        { doorLinkSeq: session.doorLink.seq, sessionSeq: session.seq, device: session.device, reason: null },
      ),
    );
  if (!undone) throw refuseUndo('This admission has been undone already.');
  return getTicket(db, ticketId);
}
