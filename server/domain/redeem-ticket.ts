import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
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

type Log = (outcome: Outcome, eventId: string | null) => Promise<unknown>;

const KNOWN_REDEEMED_MAX = 100_000;
/** Ticket ids this process saw redeemed, per database; bounded (cleared when full). */
const knownRedeemed = perDatabase(() => new Set<string>());

function remember(set: Set<string>, id: string): void {
  if (set.size >= KNOWN_REDEEMED_MAX) set.clear();
  set.add(id);
}

/** The winning scan: count it on a random slot of the event's counter and log it. */
async function redeemedNow(
  db: Kysely<Database>,
  trx: Transaction<Database>,
  id: string,
  at: string,
  won: WonRow,
  log: Log,
): Promise<RedeemResult> {
  const slot = Math.floor(Math.random() * COUNTER_SLOTS);
  await trx.executeQuery(statements(db).count({ eventSeq: won.event_seq, slot }));
  const context = await ticketContext(db, trx, won.event_seq, Number(won.batch_seq));
  await log('redeemed', context.eventId);
  remember(knownRedeemed(db), id);
  return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
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
  const log: Log = (outcome, eventId) => trx.executeQuery(sql.log({ id, eventId, outcome, at }));

  const redeemed = knownRedeemed(db);
  // A ticket this process has seen redeemed stays redeemed (nothing un-redeems one), so a
  // re-scan skips the winning update and goes straight to the duplicate update: a duplicate
  // storm then costs no more statements than first scans. If that finds no row, the full path
  // below runs as for any other scan.
  if (!redeemed.has(id)) {
    const [won] = (await trx.executeQuery<WonRow>(sql.win({ id, at, key }))).rows;
    if (won) return redeemedNow(db, trx, id, at, won, log);
  }

  // Already redeemed: a duplicate unless this is a retry carrying the winning request's key.
  const refused = key === null ? sql.duplicate({ id }) : sql.duplicateUnlessKey({ id, key });
  const [duplicate] = (await trx.executeQuery<DuplicateRow>(refused)).rows;
  if (duplicate) {
    remember(redeemed, id);
    const context = await ticketContext(db, trx, duplicate.event_seq, Number(duplicate.batch_seq));
    await log('duplicate', context.eventId);
    const ticket = redeemedTicket(id, context, duplicate.redeemed_at);
    return { outcome: 'duplicate', ticket, duplicateScans: Number(duplicate.duplicate_scans) };
  }
  // Known as redeemed, yet not: the transaction that redeemed it was rolled back (a failed group
  // commit). Forget it and try again as a first scan.
  if (redeemed.delete(id)) {
    const [won] = (await trx.executeQuery<WonRow>(sql.win({ id, at, key }))).rows;
    if (won) return redeemedNow(db, trx, id, at, won, log);
  }

  const found = await findTicket(trx, id);
  await log(found ? 'replayed' : 'unknown', found?.ticket.eventId ?? null);
  return found ? { outcome: 'replayed', ticket: found.ticket } : { outcome: 'unknown' };
}

/**
 * PostgreSQL, where each statement is a round trip and each transaction a commit: the same
 * decisions, each as one statement. A data-modifying WITH runs the conditional update, the
 * counter bump and the log insert atomically in the statement's own transaction, so a first
 * scan or a duplicate is one round trip and one commit instead of five or four (measured: pg
 * alone with 10 connections 1,238-1,473 -> 2,154-2,887 redemptions/s; the server's door rush,
 * WORKERS=1, 809-950 -> 1,232-1,245 redemptions/s). Row locks decide concurrent scans
 * exactly as in redeemInTransaction: the loser's WHERE is re-checked after the winner commits.
 * The rare rest (a replay, an unknown code) is looked up and logged.
 */
const oneStatement = {
  win: `with won as (
      update tickets set redeemed_at = $1, redeem_key = $2 where id = $3 and redeemed_at is null
      returning event_seq, batch_seq),
    counted as (
      update event_counters c set redeemed = c.redeemed + 1 from won
      where c.event_seq = won.event_seq and c.slot = $4),
    logged as (
      insert into redemption_attempts (ticket_id, event_id, outcome, attempted_at)
      select $3, e.id, 'redeemed', $1 from won join events e on e.seq = won.event_seq)
    select event_seq, batch_seq from won`,
  duplicate: `with refused as (
      update tickets set duplicate_scans = duplicate_scans + 1
      where id = $1 and redeemed_at is not null
        and ($2::varchar is null or redeem_key is null or redeem_key <> $2)
      returning event_seq, batch_seq, redeemed_at, duplicate_scans),
    logged as (
      insert into redemption_attempts (ticket_id, event_id, outcome, attempted_at)
      select $1, e.id, 'duplicate', $3 from refused join events e on e.seq = refused.event_seq)
    select event_seq, batch_seq, redeemed_at, duplicate_scans from refused`,
};

/** Redeems a ticket on PostgreSQL in one statement per decision (see oneStatement). */
export async function redeemInOneStatement(db: Kysely<Database>, input: RedeemInput): Promise<RedeemResult> {
  const id = canonicalId(input.ticketId);
  const key = input.idempotencyKey ?? null;
  const at = nowIso();
  const redeemed = knownRedeemed(db);
  if (!redeemed.has(id)) {
    const slot = Math.floor(Math.random() * COUNTER_SLOTS);
    const [won] = (await db.executeQuery<WonRow>(CompiledQuery.raw(oneStatement.win, [at, key, id, slot]))).rows;
    if (won) {
      remember(redeemed, id);
      const context = await ticketContext(db, db, Number(won.event_seq), Number(won.batch_seq));
      return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
    }
  }
  const [duplicate] = (await db.executeQuery<DuplicateRow>(CompiledQuery.raw(oneStatement.duplicate, [id, key, at])))
    .rows;
  if (duplicate) {
    remember(redeemed, id);
    const context = await ticketContext(db, db, Number(duplicate.event_seq), Number(duplicate.batch_seq));
    const ticket = redeemedTicket(id, context, duplicate.redeemed_at);
    return { outcome: 'duplicate', ticket, duplicateScans: Number(duplicate.duplicate_scans) };
  }
  // Neither won nor refused: an unknown code, or a retry carrying the winning key (a replay).
  redeemed.delete(id);
  const found = await findTicket(db, id);
  // Still ok would mean it was never tried as a first scan; cannot happen, but stay exact.
  if (found?.ticket.status === 'ok') return redeemTicket(db, input);
  const outcome = found ? 'replayed' : 'unknown';
  await db.executeQuery(statements(db).log({ id, eventId: found?.ticket.eventId ?? null, outcome, at }));
  return found ? { outcome: 'replayed', ticket: found.ticket } : { outcome: 'unknown' };
}
