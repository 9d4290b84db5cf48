import type { Kysely } from 'kysely';
import type { Ticket } from '../../shared/schemas.js';
import type { Database } from '../db/schema.js';
import { canonicalId, nowIso } from './common.js';
import { countRedemption } from './event-counters.js';
import { findTicket } from './get-ticket.js';

export type RedeemResult =
  | { outcome: 'redeemed'; ticket: Ticket }
  | { outcome: 'replayed'; ticket: Ticket }
  | { outcome: 'duplicate'; ticket: Ticket; duplicateScans: number }
  | { outcome: 'unknown' };

/**
 * Redeems a ticket exactly once. One conditional UPDATE (only a ticket still ok can become
 * redeemed) decides the outcome; a refused scan bumps the ticket's duplicate counter with a
 * second conditional UPDATE, which row locks keep exact under any concurrency. The attempt is
 * logged and the event counter bumped in the same transaction, so a 200 is reported only
 * once it is committed.
 */
export async function redeemTicket(
  db: Kysely<Database>,
  input: { ticketId: string; idempotencyKey?: string },
): Promise<RedeemResult> {
  const id = canonicalId(input.ticketId);
  const key = input.idempotencyKey ?? null;
  return db.transaction().execute(async (trx): Promise<RedeemResult> => {
    const at = nowIso();
    const won = await trx
      .updateTable('tickets')
      .set({ redeemed_at: at, redeem_key: key })
      .where('id', '=', id)
      .where('redeemed_at', 'is', null)
      .returning('event_seq')
      .executeTakeFirst();
    let duplicate: { duplicate_scans: number } | undefined;
    if (won) {
      await countRedemption(trx, won.event_seq);
    } else {
      // Already redeemed: a duplicate unless this is a retry carrying the winning request's key.
      let query = trx
        .updateTable('tickets')
        .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
        .where('id', '=', id)
        .where('redeemed_at', 'is not', null);
      if (key !== null) {
        query = query.where((eb) => eb.or([eb('redeem_key', 'is', null), eb('redeem_key', '!=', key)]));
      }
      duplicate = await query.returning('duplicate_scans').executeTakeFirst();
    }
    const found = await findTicket(trx, id);
    const outcome = won ? 'redeemed' : duplicate ? 'duplicate' : found ? 'replayed' : 'unknown';
    await trx
      .insertInto('redemption_attempts')
      .values({ ticket_id: id, event_id: found?.ticket.eventId ?? null, outcome, attempted_at: at })
      .execute();
    if (!found) return { outcome: 'unknown' };
    if (duplicate)
      return { outcome: 'duplicate', ticket: found.ticket, duplicateScans: Number(duplicate.duplicate_scans) };
    return { outcome: won ? 'redeemed' : 'replayed', ticket: found.ticket };
  });
}
