import type { Kysely } from 'kysely';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { DELETE_CHUNK, yieldToEventLoop } from '../../db/pending-batches.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../common.js';
import { redeemedCounts } from './event-counters.js';
import { getOwnedEventRow } from './get-event.js';

/**
 * The owner of every event being deleted (its row is made by migration 010): every read scoped to
 * an owner leaves such an event out without a change to its query, as for an event still being
 * created (PENDING_OWNER_ID).
 */
export const DELETED_OWNER_ID = '00000000-0000-0000-0000-000000000001';

/** A remover silent this long has died: another process (or the next start) takes the deletion over. */
export const REMOVER_SILENT_MS = 5 * 60_000;

/**
 * Deletes an owned event (404 for anyone else's), refused with 409 event_has_redemptions once a
 * ticket of it is redeemed, unless `force`. One short transaction makes it gone for everyone:
 *
 * - the event passes to the placeholder owner: every owner-scoped read (lists, search, tickets,
 *   CSV, door links, the scan log) finds nothing, as for any event the caller can't see;
 * - it is marked in `event_deletions`: from then on every update of its tickets is skipped
 *   (migration 010's trigger), so a redeem of one finds no ticket to win or refuse and answers as
 *   for an unknown code (404 ticket_not_found), and GET /status and the ticket's page say unknown;
 * - its door links are revoked, so its devices get 401 door_access_revoked at their next request;
 * - a batch of it still being written loses its writer (the writer's next chunk fails its compare
 *   and set on the heartbeat, and nothing of it is shown).
 *
 * Its rows are then removed in the background, chunk by chunk (removeDeletedEvents).
 * Returns the event's internal key and its tickets, for the caller to start the removal.
 */
export async function deleteEvent(
  db: Kysely<Database>,
  ownerId: string,
  eventId: string,
  options: { force?: boolean } = {},
): Promise<{ eventSeq: number; tickets: number }> {
  return db.transaction().execute(async (trx) => {
    const event = await getOwnedEventRow(trx, ownerId, eventId);
    const eventSeq = Number(event.seq);
    // Taken first, so that of two deletions at once the second finds the event gone (404).
    const taken = await trx
      .updateTable('events')
      .set({ owner_id: DELETED_OWNER_ID })
      .where('seq', '=', eventSeq)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw AppError.notFound(ErrorCode.eventNotFound, 'No such event.');
    const redeemed = (await redeemedCounts(trx, [eventSeq])).get(eventSeq) ?? 0;
    if (redeemed > 0 && !options.force) {
      const tickets = redeemed === 1 ? '1 ticket was' : `${redeemed} tickets were`;
      throw new AppError(
        ErrorCode.eventHasRedemptions,
        409,
        `${tickets} redeemed at this event: deleting it loses who came in. Send ?force=true to delete it anyway.`,
        { redeemedTickets: redeemed },
      );
    }
    const now = nowIso();
    await trx
      .insertInto('event_deletions')
      .values({ event_seq: eventSeq, event_id: event.id, owner_id: ownerId, requested_at: now, heartbeat_at: null })
      .execute();
    await trx
      .updateTable('door_links')
      .set({ revoked_at: now })
      .where('event_seq', '=', eventSeq)
      .where('revoked_at', 'is', null)
      .execute();
    // A batch still being written: its writer's next compare and set fails, and it stops. The batch
    // stays as the event's other batches do (see removeEventRows), not left for the abandoned sweep.
    await trx
      .updateTable('ticket_batches')
      .set({ heartbeat_at: null })
      .where('event_seq', '=', eventSeq)
      .where('heartbeat_at', 'is not', null)
      .execute();
    return { eventSeq, tickets: Number(event.initial_tickets) + Number(event.additional_tickets) };
  });
}

export interface RemoveDeletedOptions {
  /** Checked between chunks: true stops there (the app is closing); the next sweep goes on. */
  stopped?: () => boolean;
  /** Rows per delete statement, a short transaction each (default DELETE_CHUNK). */
  chunk?: number;
  /** The current time (tests). */
  now?: () => number;
}

/** What a removal did. */
export interface Removed {
  events: number;
  tickets: number;
  scans: number;
}

/** Rows removed chunk by chunk: the tickets of one batch, or the event's scans. */
interface Range {
  table: 'tickets' | 'scans';
  batchSeq?: number;
}

/** Moves a deletion's heartbeat from `from` to now; false when another process has taken it over. */
async function beat(db: Db, eventSeq: number, from: string | null, at: string): Promise<boolean> {
  let query = db.updateTable('event_deletions').set({ heartbeat_at: at }).where('event_seq', '=', eventSeq);
  query = from === null ? query.where('heartbeat_at', 'is', null) : query.where('heartbeat_at', '=', from);
  return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
}

/** A heartbeat later than `previous`: the clock, or a millisecond on when the clock has not moved. */
function nextBeat(previous: string | null, now: number): string {
  const last = previous === null ? 0 : Date.parse(previous);
  return new Date(now > last ? now : last + 1).toISOString();
}

/**
 * Removes the rows of events marked deleted, chunk by chunk: tickets and scans `chunk` rows per
 * statement, each statement its own short transaction followed by a yield to the event loop, so
 * redeems and every other request wait at most one chunk. Then, in one short transaction, the
 * event's few remaining rows: counters (the event's and its batches'), door links and their
 * sessions, the arrivals rollup (migration 009). The
 * event row and its batch rows stay as a tombstone (owned by the placeholder, the name blanked):
 * deleting a batch row makes both databases look for its tickets by `batch_seq`, which no index
 * leads with, a whole-table scan of every ticket of every event, and the hourly quota keeps
 * counting the tickets the account created. The attempt log from before migration 009
 * (`redemption_attempts`, no index) keeps its rows.
 *
 * Safe with several processes: each claims a deletion by a compare and set on its heartbeat and
 * moves it every chunk; a deletion whose remover has been silent for REMOVER_SILENT_MS is taken
 * over (a process that died mid-way), so a removal always resumes after a crash.
 */
export async function removeDeletedEvents(db: Kysely<Database>, options: RemoveDeletedOptions = {}): Promise<Removed> {
  const now = options.now ?? Date.now;
  const cutoff = new Date(now() - REMOVER_SILENT_MS).toISOString();
  const marked = await db
    .selectFrom('event_deletions')
    .select(['event_seq', 'heartbeat_at'])
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', cutoff)]))
    .orderBy('requested_at')
    .limit(100)
    .execute();
  const removed: Removed = { events: 0, tickets: 0, scans: 0 };
  for (const row of marked) {
    const done = await removeEventRows(db, Number(row.event_seq), row.heartbeat_at, options, removed);
    if (done === undefined) break;
    if (done) removed.events++;
  }
  return removed;
}

/**
 * Removes the rows of one event just marked deleted (see removeDeletedEvents), unless another
 * process claimed it first; true when this call removed it.
 */
export async function removeDeletedEvent(
  db: Kysely<Database>,
  eventSeq: number,
  options: RemoveDeletedOptions = {},
): Promise<boolean> {
  const removed: Removed = { events: 0, tickets: 0, scans: 0 };
  return (await removeEventRows(db, eventSeq, null, options, removed)) === true;
}

/**
 * Removes one marked event's rows (see removeDeletedEvents). True when finished; false when another
 * process took it over; undefined when stopped.
 */
async function removeEventRows(
  db: Kysely<Database>,
  eventSeq: number,
  seen: string | null,
  options: RemoveDeletedOptions,
  removed: Removed,
): Promise<boolean | undefined> {
  const now = options.now ?? Date.now;
  const size = options.chunk ?? DELETE_CHUNK;
  let heartbeat = nextBeat(seen, now());
  if (!(await beat(db, eventSeq, seen, heartbeat))) return false;

  // One chunk of a big table, in its own transaction with the heartbeat: the next `size` rows after
  // `after` in the index order (tickets one batch at a time, by (event_seq, batch_seq, seq); scans
  // by (event_seq, seq)). A seek past the rows deleted already, not a scan from the start: on
  // PostgreSQL the deleted rows stay in the index until a vacuum, and walking over them again for
  // every chunk made a million tickets take a minute.
  const chunkOf = async (range: Range, after: number): Promise<{ deleted: number; last: number } | false> => {
    const next = nextBeat(heartbeat, now());
    const done = await db.transaction().execute(async (trx) => {
      if (!(await beat(trx, eventSeq, heartbeat, next))) return false;
      let bound = trx.selectFrom(range.table).select('seq').where('event_seq', '=', eventSeq);
      let remove = trx.deleteFrom(range.table).where('event_seq', '=', eventSeq);
      if (range.batchSeq !== undefined) {
        bound = bound.where('batch_seq', '=', range.batchSeq);
        remove = remove.where('batch_seq', '=', range.batchSeq);
      }
      const last = await bound
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(1)
        .offset(size - 1)
        .executeTakeFirst();
      remove = remove.where('seq', '>', after);
      if (last) remove = remove.where('seq', '<=', Number(last.seq));
      const result = await remove.executeTakeFirst();
      return { deleted: Number(result.numDeletedRows), last: last ? Number(last.seq) : Number.POSITIVE_INFINITY };
    });
    if (done !== false) heartbeat = next;
    return done;
  };

  const batches = await db
    .selectFrom('ticket_batches')
    .select('seq')
    .where('event_seq', '=', eventSeq)
    .orderBy('seq')
    .execute();
  const ranges: Range[] = [
    ...batches.map((b) => ({ table: 'tickets' as const, batchSeq: Number(b.seq) })),
    { table: 'scans' },
  ];
  for (const range of ranges) {
    let after = 0;
    while (Number.isFinite(after)) {
      if (options.stopped?.()) return undefined;
      const chunk = await chunkOf(range, after);
      if (chunk === false) return false;
      removed[range.table] += chunk.deleted;
      after = chunk.last;
      await yieldToEventLoop();
    }
  }

  return db.transaction().execute(async (trx) => {
    if (!(await beat(trx, eventSeq, heartbeat, nextBeat(heartbeat, now())))) return false;
    const links = trx.selectFrom('door_links').select('seq').where('event_seq', '=', eventSeq);
    await trx.deleteFrom('door_sessions').where('link_seq', 'in', links).execute();
    await trx.deleteFrom('door_links').where('event_seq', '=', eventSeq).execute();
    await trx.deleteFrom('event_counters').where('event_seq', '=', eventSeq).execute();
    const batches = trx.selectFrom('ticket_batches').select('seq').where('event_seq', '=', eventSeq);
    await trx.deleteFrom('batch_counters').where('batch_seq', 'in', batches).execute();
    await trx.deleteFrom('scan_minutes').where('event_seq', '=', eventSeq).execute();
    await trx.deleteFrom('scan_rollups').where('event_seq', '=', eventSeq).execute();
    // The tombstone keeps no name: nothing of what the organiser typed outlives the deletion.
    await trx.updateTable('events').set({ name: '', name_key: '' }).where('seq', '=', eventSeq).execute();
    await trx.deleteFrom('event_deletions').where('event_seq', '=', eventSeq).execute();
    return true;
  });
}
