import type { Kysely } from 'kysely';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import { uncountBatch } from '../redemption/batch-counters.js';
import { timeOrderedScanId } from '../redemption/scan-ids.js';
import { normaliseText } from '../text.js';

/** Which admission to undo: a ticket of an event, and what must still hold of its redemption. */
export interface AdmissionToUndo {
  ticketId: string;
  eventSeq: number;
  /** Only if the ticket is still redeemed by this very scan: its time and door link (a door's undo). */
  redeemedAt?: string;
  redeemedDoorSeq?: number;
}

/** Who undid it, as the log shows it: a door link's device, or the organiser (no door link) with a reason. */
export interface UndoneBy {
  doorLinkSeq: number | null;
  sessionSeq: number | null;
  device: string | null;
  reason: string | null;
}

/**
 * Undoes an admission inside `trx`: one conditional update makes the ticket ok again (only if it
 * is still redeemed, and by the given scan when one is named), so an undo happens once; then the
 * event's and the batch's counters go down and the log gains an `undone` row, in the same
 * transaction. False when the ticket was not redeemed (as asked). Redeemers that still think the
 * ticket redeemed find it ok again at its next scan and admit it (see KnownRedeemed), in this
 * process or any other.
 */
export async function undoAdmission(trx: Db, admission: AdmissionToUndo, by: UndoneBy): Promise<boolean> {
  let update = trx
    .updateTable('tickets')
    .set({ redeemed_at: null, redeem_key: null, redeemed_door_seq: null, duplicate_scans: 0 })
    .where('id', '=', admission.ticketId)
    .where('event_seq', '=', admission.eventSeq)
    .where('redeemed_at', 'is not', null);
  if (admission.redeemedAt !== undefined) update = update.where('redeemed_at', '=', admission.redeemedAt);
  if (admission.redeemedDoorSeq !== undefined)
    update = update.where('redeemed_door_seq', '=', admission.redeemedDoorSeq);
  const undone = await update.returning('batch_seq').executeTakeFirst();
  if (!undone) return false;
  await trx
    .updateTable('event_counters')
    .set((eb) => ({ redeemed: eb('redeemed', '-', 1) }))
    .where('event_seq', '=', admission.eventSeq)
    .where('slot', '=', Math.floor(Math.random() * COUNTER_SLOTS))
    .execute();
  await uncountBatch(trx, Number(undone.batch_seq));
  await trx
    .insertInto('scans')
    .values({
      id: timeOrderedScanId(),
      event_seq: admission.eventSeq,
      door_link_seq: by.doorLinkSeq,
      session_seq: by.sessionSeq,
      device: by.device,
      ticket_id: admission.ticketId,
      outcome: 'undone',
      at: nowIso(),
      redeemed_at: null,
      duplicate_scans: null,
      first_door: null,
      reason: by.reason,
    })
    .execute();
  return true;
}

/** An organiser's reason for an undo: normalised like a name, at most 200 characters; blank is none. */
export function undoReason(reason: string | undefined): string | null {
  if (reason === undefined || reason.trim() === '') return null;
  return normaliseText(reason, 'reason', { max: 200 });
}

/**
 * The owner undoes the redemption of a ticket of one of their events, whenever and by whichever
 * door it was made: the ticket is ok again, the counters go down, and the log keeps the
 * admission and gains an `undone` row by the "organiser" with the reason. Another user's ticket
 * is 404 ticket_not_found; a ticket that is not redeemed is 409 ticket_not_redeemed. Returns the
 * event's seq, for news of the change.
 */
export async function undoRedemption(
  db: Kysely<Database>,
  ownerId: string,
  ticketId: string,
  input: { reason?: string },
): Promise<{ eventSeq: number }> {
  const reason = undoReason(input.reason);
  const id = canonicalId(ticketId);
  const ticket = await db
    .selectFrom('tickets')
    .innerJoin('events', 'events.seq', 'tickets.event_seq')
    .innerJoin('ticket_batches', 'ticket_batches.seq', 'tickets.batch_seq')
    .select(['tickets.event_seq'])
    .where('tickets.id', '=', id)
    .where('events.owner_id', '=', ownerId)
    // A ticket of a batch still being written does not exist yet (server/db/pending-batches.ts).
    .where('ticket_batches.heartbeat_at', 'is', null)
    .executeTakeFirst();
  if (!ticket) throw AppError.notFound(ErrorCode.ticketNotFound, 'No such ticket.');
  const eventSeq = Number(ticket.event_seq);
  const undone = await db
    .transaction()
    .execute((trx) =>
      undoAdmission(trx, { ticketId: id, eventSeq }, { doorLinkSeq: null, sessionSeq: null, device: null, reason }),
    );
  if (!undone)
    throw new AppError(ErrorCode.ticketNotRedeemed, 409, 'This ticket is not redeemed: there is nothing to undo.');
  return { eventSeq };
}
