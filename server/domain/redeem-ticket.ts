import type { Kysely, Transaction } from 'kysely';
import type { Ticket } from '../../shared/schemas.js';
import { perDatabase, precompile } from '../db/precompile.js';
import type { Database } from '../db/schema.js';
import { canonicalId, nowIso } from './common.js';
import { COUNTER_SLOTS } from './event-counters.js';
import { findTicket } from './get-ticket.js';
import { ticketContext } from './ticket-context.js';

export type RedeemResult =
  | { outcome: 'redeemed'; ticket: Ticket }
  | { outcome: 'replayed'; ticket: Ticket }
  | { outcome: 'duplicate'; ticket: Ticket; duplicateScans: number }
  | { outcome: 'unknown' };

export interface RedeemInput {
  ticketId: string;
  idempotencyKey?: string;
}

type Outcome = 'redeemed' | 'duplicate' | 'replayed' | 'unknown';
interface WonRow {
  event_seq: number;
  batch_seq: number;
}
interface DuplicateRow extends WonRow {
  redeemed_at: string;
  duplicate_scans: number;
}

// The statements of the door rush, compiled once per database (see precompile.ts).
const statements = perDatabase((db) => ({
  /** The decision: only a ticket that is still ok becomes redeemed. */
  win: precompile<{ id: string; at: string; key: string | null }>(['id', 'at', 'key'], (p) =>
    db
      .updateTable('tickets')
      .set({ redeemed_at: p.at, redeem_key: p.key })
      .where('id', '=', p.id)
      .where('redeemed_at', 'is', null)
      .returning(['event_seq', 'batch_seq']),
  ),
  /** A refused scan of a redeemed ticket, counted atomically. */
  duplicate: precompile<{ id: string }>(['id'], (p) =>
    db
      .updateTable('tickets')
      .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
      .where('id', '=', p.id)
      .where('redeemed_at', 'is not', null)
      .returning(['event_seq', 'batch_seq', 'redeemed_at', 'duplicate_scans']),
  ),
  /** The same, except for a retry carrying the key of the winning request (a replay). */
  duplicateUnlessKey: precompile<{ id: string; key: string }>(['id', 'key'], (p) =>
    db
      .updateTable('tickets')
      .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
      .where('id', '=', p.id)
      .where('redeemed_at', 'is not', null)
      .where((eb) => eb.or([eb('redeem_key', 'is', null), eb('redeem_key', '!=', p.key)]))
      .returning(['event_seq', 'batch_seq', 'redeemed_at', 'duplicate_scans']),
  ),
  /** One redemption counted on a random slot of the event's counter. */
  count: precompile<{ eventSeq: number; slot: number }>(['eventSeq', 'slot'], (p) =>
    db
      .updateTable('event_counters')
      .set((eb) => ({ redeemed: eb('redeemed', '+', 1) }))
      .where('event_seq', '=', p.eventSeq)
      .where('slot', '=', p.slot),
  ),
  log: precompile<{ id: string; eventId: string | null; outcome: Outcome; at: string }>(
    ['id', 'eventId', 'outcome', 'at'],
    (p) =>
      db
        .insertInto('redemption_attempts')
        .values({ ticket_id: p.id, event_id: p.eventId, outcome: p.outcome, attempted_at: p.at }),
  ),
}));

/**
 * Redeems a ticket exactly once. One conditional UPDATE (only a ticket still ok can become
 * redeemed) decides the outcome; a refused scan bumps the ticket's duplicate counter with a
 * second conditional UPDATE, which row locks keep exact under any concurrency. The attempt is
 * logged and the event counter bumped in the same transaction, so a 200 is reported only
 * once it is committed.
 */
export async function redeemTicket(db: Kysely<Database>, input: RedeemInput): Promise<RedeemResult> {
  return db.transaction().execute((trx) => redeemInTransaction(db, trx, input));
}

function redeemedTicket(id: string, context: { eventId: string; createdAt: string }, redeemedAt: string): Ticket {
  return { id, eventId: context.eventId, status: 'redeemed', createdAt: context.createdAt, redeemedAt };
}

/** The redemption itself, inside a transaction the caller commits before answering. */
export async function redeemInTransaction(
  db: Kysely<Database>,
  trx: Transaction<Database>,
  input: RedeemInput,
): Promise<RedeemResult> {
  const sql = statements(db);
  const id = canonicalId(input.ticketId);
  const key = input.idempotencyKey ?? null;
  const at = nowIso();
  const log = (outcome: Outcome, eventId: string | null) => trx.executeQuery(sql.log({ id, eventId, outcome, at }));

  const [won] = (await trx.executeQuery<WonRow>(sql.win({ id, at, key }))).rows;
  if (won) {
    const slot = Math.floor(Math.random() * COUNTER_SLOTS);
    await trx.executeQuery(sql.count({ eventSeq: won.event_seq, slot }));
    const context = await ticketContext(db, trx, won.event_seq, Number(won.batch_seq));
    await log('redeemed', context.eventId);
    return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
  }

  // Already redeemed: a duplicate unless this is a retry carrying the winning request's key.
  const refused = key === null ? sql.duplicate({ id }) : sql.duplicateUnlessKey({ id, key });
  const [duplicate] = (await trx.executeQuery<DuplicateRow>(refused)).rows;
  if (duplicate) {
    const context = await ticketContext(db, trx, duplicate.event_seq, Number(duplicate.batch_seq));
    await log('duplicate', context.eventId);
    const ticket = redeemedTicket(id, context, duplicate.redeemed_at);
    return { outcome: 'duplicate', ticket, duplicateScans: Number(duplicate.duplicate_scans) };
  }

  const found = await findTicket(trx, id);
  await log(found ? 'replayed' : 'unknown', found?.ticket.eventId ?? null);
  return found ? { outcome: 'replayed', ticket: found.ticket } : { outcome: 'unknown' };
}
