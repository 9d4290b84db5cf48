import type { Kysely } from 'kysely';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { yieldToEventLoop } from '../../db/pending-batches.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { canonicalId, nowIso } from '../common.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { timeOrderedScanId } from '../redemption/scan-ids.js';
import { normaliseText } from '../text.js';

/** The longest void reason, in characters once normalised. */
export const VOID_REASON_MAX = 200;

/** Tickets of a batch voided per short transaction (a yield to the event loop after each). */
export const VOID_CHUNK = 500;

/** An organiser's reason for a void: normalised like a name, at most 200 characters; blank is none. */
export function voidReason(reason: string | undefined): string | null {
  if (reason === undefined || reason.trim() === '') return null;
  return normaliseText(reason, 'reason', { max: VOID_REASON_MAX });
}

/** A ticket of one of the owner's events (a pending batch's is not one yet); 404 ticket_not_found otherwise. */
async function ownedTicket(db: Db, ownerId: string, ticketId: string) {
  const row = await db
    .selectFrom('tickets')
    .innerJoin('events', 'events.seq', 'tickets.event_seq')
    .innerJoin('ticket_batches', 'ticket_batches.seq', 'tickets.batch_seq')
    .select(['tickets.event_seq', 'tickets.batch_seq'])
    .where('tickets.id', '=', canonicalId(ticketId))
    .where('events.owner_id', '=', ownerId)
    .where('ticket_batches.heartbeat_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw AppError.notFound(ErrorCode.ticketNotFound, 'No such ticket.');
  return { eventSeq: Number(row.event_seq), batchSeq: Number(row.batch_seq) };
}

/** Moves the event's and the batch's void counts by `by` (slot 0: voids are organiser actions, not the hot path). */
async function countVoids(trx: Db, eventSeq: number, batchSeq: number, by: number): Promise<void> {
  if (by === 0) return;
  await trx
    .updateTable('event_counters')
    .set((eb) => ({ voided: eb('voided', '+', by) }))
    .where('event_seq', '=', eventSeq)
    .where('slot', '=', 0)
    .execute();
  await trx
    .insertInto('batch_counters')
    .values({ batch_seq: batchSeq, slot: 0, redeemed: 0, voided: by })
    .onConflict((oc) =>
      oc.columns(['batch_seq', 'slot']).doUpdateSet((eb) => ({ voided: eb(eb.ref('batch_counters.voided'), '+', by) })),
    )
    .execute();
}

/** The organiser's change of tickets, one log row each ("organiser": no door link), with the reason. */
async function logChanges(
  trx: Db,
  eventSeq: number,
  ticketIds: string[],
  outcome: 'voided' | 'unvoided',
  at: string,
  reason: string | null,
): Promise<void> {
  if (ticketIds.length === 0) return;
  await trx
    .insertInto('scans')
    .values(
      ticketIds.map((ticketId) => ({
        id: timeOrderedScanId(),
        event_seq: eventSeq,
        door_link_seq: null,
        session_seq: null,
        device: null,
        ticket_id: ticketId,
        outcome,
        at,
        redeemed_at: null,
        duplicate_scans: null,
        first_door: null,
        reason,
      })),
    )
    .execute();
}

/**
 * The owner voids a ticket: it admits no one from the commit on (the redeemers refuse it with
 * `void`; migration 011's trigger makes sure), the event's and batch's void counts go up, and the
 * log gains a `voided` row by the "organiser" with the reason, all in one transaction. A redeemed
 * ticket is refused with 409 ticket_redeemed (the guest came in: undo the admission first, then
 * void), so a ticket is never both admitted and void. Voiding a void ticket changes nothing
 * (changed: false). Another user's ticket is 404 ticket_not_found.
 */
export async function voidTicket(
  db: Kysely<Database>,
  ownerId: string,
  ticketId: string,
  input: { reason?: string },
): Promise<{ eventSeq: number; changed: boolean }> {
  const reason = voidReason(input.reason);
  const id = canonicalId(ticketId);
  const { eventSeq, batchSeq } = await ownedTicket(db, ownerId, id);
  const at = nowIso();
  const outcome = await db.transaction().execute(async (trx) => {
    const voided = await trx
      .updateTable('tickets')
      .set({ voided_at: at, void_reason: reason })
      .where('id', '=', id)
      .where('redeemed_at', 'is', null)
      .where('voided_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!voided) {
      const now = await trx.selectFrom('tickets').select(['voided_at']).where('id', '=', id).executeTakeFirst();
      return now?.voided_at ? 'already' : 'redeemed';
    }
    await countVoids(trx, eventSeq, batchSeq, 1);
    await logChanges(trx, eventSeq, [id], 'voided', at, reason);
    return 'voided';
  });
  if (outcome === 'redeemed') {
    throw new AppError(
      ErrorCode.ticketRedeemed,
      409,
      'This ticket was redeemed: the guest came in. Undo the admission first to void it.',
    );
  }
  return { eventSeq, changed: outcome === 'voided' };
}

/**
 * The owner makes a void ticket ok again (the cheap undo of a void): it admits again, the void
 * counts go down and the log gains an `unvoided` row by the "organiser". 409 ticket_not_void for
 * a ticket that is not void; another user's is 404 ticket_not_found.
 */
export async function unvoidTicket(
  db: Kysely<Database>,
  ownerId: string,
  ticketId: string,
): Promise<{ eventSeq: number }> {
  const id = canonicalId(ticketId);
  const { eventSeq, batchSeq } = await ownedTicket(db, ownerId, id);
  const at = nowIso();
  const unvoided = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('tickets')
      .set({ voided_at: null, void_reason: null })
      .where('id', '=', id)
      .where('voided_at', 'is not', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await countVoids(trx, eventSeq, batchSeq, -1);
    await logChanges(trx, eventSeq, [id], 'unvoided', at, null);
    return true;
  });
  if (!unvoided) throw new AppError(ErrorCode.ticketNotVoid, 409, 'This ticket is not void: there is nothing to undo.');
  return { eventSeq };
}

/**
 * The owner voids every ok ticket of a batch (redeemed ones stay redeemed, void ones stay as they
 * are), VOID_CHUNK tickets per short transaction with a yield to the event loop after each, so a
 * batch of 1,000,000 never holds up redeems; each chunk's tickets are voided, counted and logged
 * together, and `committed` hears of each commit (for live streams). Idempotent: repeating it (after
 * a crash half-way, say) voids what is still ok. Returns the tickets it voided. An unknown or
 * foreign event is 404 event_not_found, a batch not of this event (or still being written) 404 not_found.
 */
export async function voidBatch(
  db: Kysely<Database>,
  ownerId: string,
  eventId: string,
  batchId: string,
  input: { reason?: string },
  committed?: (eventSeq: number) => void,
): Promise<{ eventSeq: number; voided: number }> {
  const reason = voidReason(input.reason);
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const eventSeq = Number(event.seq);
  const batch = await db
    .selectFrom('ticket_batches')
    .select('seq')
    .where('id', '=', canonicalId(batchId))
    .where('event_seq', '=', eventSeq)
    .where('heartbeat_at', 'is', null)
    .executeTakeFirst();
  if (!batch) throw AppError.notFound(ErrorCode.notFound, 'No such ticket batch in this event.');
  const batchSeq = Number(batch.seq);
  let after = 0;
  let voided = 0;
  for (;;) {
    const at = nowIso();
    const { read, ids } = await db.transaction().execute(async (trx) => {
      const chunk = await trx
        .selectFrom('tickets')
        .select(['seq'])
        .where('event_seq', '=', eventSeq)
        .where('batch_seq', '=', batchSeq)
        .where('seq', '>', after)
        .where('redeemed_at', 'is', null)
        .where('voided_at', 'is', null)
        .orderBy('seq')
        .limit(VOID_CHUNK)
        .execute();
      if (chunk.length === 0) return { read: [] as number[], ids: [] as string[] };
      const seqs = chunk.map((row) => Number(row.seq));
      // The same conditions again: on PostgreSQL a scan may have redeemed one since the select.
      const rows = await trx
        .updateTable('tickets')
        .set({ voided_at: at, void_reason: reason })
        .where('seq', 'in', seqs)
        .where('redeemed_at', 'is', null)
        .where('voided_at', 'is', null)
        .returning('id')
        .execute();
      const changed = rows.map((row) => row.id);
      await countVoids(trx, eventSeq, batchSeq, changed.length);
      await logChanges(trx, eventSeq, changed, 'voided', at, reason);
      return { read: seqs, ids: changed };
    });
    voided += ids.length;
    if (ids.length > 0) committed?.(eventSeq);
    if (read.length < VOID_CHUNK) return { eventSeq, voided };
    after = read[read.length - 1] as number;
    await yieldToEventLoop();
  }
}
