import type { Kysely, Transaction } from 'kysely';
import type { Ticket } from '../../shared/schemas.js';
import type { Database } from '../db/schema.js';
import { canonicalId, nowIso } from './common.js';
import { countRedemption } from './event-counters.js';
import { findTicket } from './get-ticket.js';
import { ticketContext } from './ticket-context.js';

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
 * once it is committed. The hot paths (first scan, duplicate) are three statements.
 */
export async function redeemTicket(db: Kysely<Database>, input: RedeemInput): Promise<RedeemResult> {
  return db.transaction().execute((trx) => redeemInTransaction(db, trx, input));
}

function redeemedTicket(id: string, context: { eventId: string; createdAt: string }, redeemedAt: string): Ticket {
  return { id, eventId: context.eventId, status: 'redeemed', createdAt: context.createdAt, redeemedAt };
}

export interface RedeemInput {
  ticketId: string;
  idempotencyKey?: string;
}

/** The redemption itself, inside a transaction the caller commits before answering. */
export async function redeemInTransaction(
  db: Kysely<Database>,
  trx: Transaction<Database>,
  input: RedeemInput,
): Promise<RedeemResult> {
  const id = canonicalId(input.ticketId);
  const key = input.idempotencyKey ?? null;
  {
    const at = nowIso();
    const log = (outcome: 'redeemed' | 'duplicate' | 'replayed' | 'unknown', eventId: string | null) =>
      trx
        .insertInto('redemption_attempts')
        .values({ ticket_id: id, event_id: eventId, outcome, attempted_at: at })
        .execute();

    const won = await trx
      .updateTable('tickets')
      .set({ redeemed_at: at, redeem_key: key })
      .where('id', '=', id)
      .where('redeemed_at', 'is', null)
      .returning(['event_seq', 'batch_seq'])
      .executeTakeFirst();
    if (won) {
      await countRedemption(trx, won.event_seq);
      const context = await ticketContext(db, trx, won.event_seq, Number(won.batch_seq));
      await log('redeemed', context.eventId);
      return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
    }

    // Already redeemed: a duplicate unless this is a retry carrying the winning request's key.
    let duplicateQuery = trx
      .updateTable('tickets')
      .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
      .where('id', '=', id)
      .where('redeemed_at', 'is not', null);
    if (key !== null) {
      duplicateQuery = duplicateQuery.where((eb) => eb.or([eb('redeem_key', 'is', null), eb('redeem_key', '!=', key)]));
    }
    const duplicate = await duplicateQuery
      .returning(['event_seq', 'batch_seq', 'redeemed_at', 'duplicate_scans'])
      .executeTakeFirst();
    if (duplicate) {
      const context = await ticketContext(db, trx, duplicate.event_seq, Number(duplicate.batch_seq));
      await log('duplicate', context.eventId);
      const ticket = redeemedTicket(id, context, duplicate.redeemed_at ?? at);
      return { outcome: 'duplicate', ticket, duplicateScans: Number(duplicate.duplicate_scans) };
    }

    const found = await findTicket(trx, id);
    await log(found ? 'replayed' : 'unknown', found?.ticket.eventId ?? null);
    return found ? { outcome: 'replayed', ticket: found.ticket } : { outcome: 'unknown' };
  }
}
