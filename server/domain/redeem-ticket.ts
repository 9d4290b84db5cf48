import type { Kysely } from 'kysely';
import type { Ticket } from '../../shared/schemas.js';
import type { Database } from '../db/schema.js';
import { canonicalId, nowIso } from './common.js';
import { countDuplicateScans, findTicket } from './get-ticket.js';

export type RedeemResult =
  | { outcome: 'redeemed'; ticket: Ticket }
  | { outcome: 'replayed'; ticket: Ticket }
  | { outcome: 'duplicate'; ticket: Ticket; duplicateScans: number }
  | { outcome: 'unknown' };

/**
 * Redeems a ticket exactly once. One conditional UPDATE (only a ticket still ok can become
 * redeemed) decides the outcome; the attempt is logged and the event counter bumped in the
 * same transaction, so a success is reported only once it is committed.
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
    if (won) {
      await trx
        .updateTable('events')
        .set((eb) => ({ redeemed_tickets: eb('redeemed_tickets', '+', 1) }))
        .where('seq', '=', won.event_seq)
        .execute();
    }
    const ticket = await findTicket(trx, id);
    const outcome = won
      ? 'redeemed'
      : !ticket
        ? 'unknown'
        : key !== null && ticket.redeemKey === key
          ? 'replayed'
          : 'duplicate';
    await trx
      .insertInto('redemption_attempts')
      .values({ ticket_id: id, event_id: ticket?.eventId ?? null, outcome, attempted_at: at })
      .execute();
    if (!ticket) return { outcome: 'unknown' };
    const { redeemKey: _, ...view } = ticket;
    if (outcome === 'duplicate') {
      return { outcome, ticket: view, duplicateScans: await countDuplicateScans(trx, id) };
    }
    return { outcome: outcome as 'redeemed' | 'replayed', ticket: view };
  });
}
