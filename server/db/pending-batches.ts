import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * Big writes in short transactions (migration 006). A batch's tickets are written chunk by chunk,
 * each chunk in a transaction of its own, into a batch nobody can see: `heartbeat_at` is set
 * while it is pending, and every read of tickets by event, batch or prefix leaves such a batch
 * out; a new event belongs to the placeholder owner until then. One last short transaction makes
 * the batch (and the event) visible. The id lookups of the redeem routes and the door do not
 * check: ticket ids are unguessable secrets nobody has been given before the batch is visible
 * (docs/architecture.md).
 *
 * Every chunk moves the batch's heartbeat forward, from the value its writer last set (a compare
 * and set). A batch silent for ABANDONED_AFTER_MS lost its writer (its process died): a sweep
 * claims it by setting its heartbeat to REMOVING, which fails the writer's next compare and set
 * should it ever come back, then removes it chunk by chunk. A live writer's batch is never
 * touched.
 */

/** The placeholder user that owns every event still being created (its row is made by migration 006). */
export const PENDING_OWNER_ID = '00000000-0000-0000-0000-000000000000';

/** A pending batch whose writer has been silent this long was abandoned: the sweep removes it. */
export const ABANDONED_AFTER_MS = 5 * 60_000;

/** The heartbeat of a batch claimed for removal: older than any cutoff, and never a writer's. */
const REMOVING = '1970-01-01T00:00:00.000Z';

/** Tickets deleted per statement (a transaction each) when a batch is removed: as many as a chunk writes. */
export const DELETE_CHUNK = 2500;

/** Lets the event loop run whatever waits (requests, timers, other transactions) before the next chunk. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The batch was claimed for removal while its writer was silent: nothing of it will become visible. */
export class BatchAbandonedError extends Error {
  constructor(batchSeq: number) {
    super(`ticket batch ${batchSeq} was removed while it was being written`);
    this.name = 'BatchAbandonedError';
  }
}

/** A batch being written: its keys, and the heartbeat its writer last set. */
export interface PendingBatch {
  eventSeq: number;
  batchSeq: number;
  heartbeat: string;
}

/** A heartbeat after `previous`: the clock, or one millisecond later if the clock has not moved on. */
function nextHeartbeat(previous: string): string {
  const now = Date.now();
  const last = Date.parse(previous);
  return new Date(now > last ? now : last + 1).toISOString();
}

/** Moves the batch's heartbeat from the writer's last value; throws if someone else has changed it. */
async function moveHeartbeat(trx: Transaction<Database>, batch: PendingBatch, to: string | null): Promise<void> {
  const result = await trx
    .updateTable('ticket_batches')
    .set({ heartbeat_at: to })
    .where('seq', '=', batch.batchSeq)
    .where('heartbeat_at', '=', batch.heartbeat)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new BatchAbandonedError(batch.batchSeq);
}

/**
 * Runs `write` (one chunk) in a short transaction of its own that also moves the batch's heartbeat,
 * so the chunk is written only into a batch still owned by this writer.
 */
export async function writeToPendingBatch(
  db: Kysely<Database>,
  batch: PendingBatch,
  write: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  const heartbeat = nextHeartbeat(batch.heartbeat);
  await db.transaction().execute(async (trx) => {
    await moveHeartbeat(trx, batch, heartbeat);
    await write(trx);
  });
  batch.heartbeat = heartbeat;
}

/** The last short transaction: the batch becomes visible together with whatever `reveal` writes, or none of it does. */
export async function revealBatch(
  db: Kysely<Database>,
  batch: PendingBatch,
  reveal: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await moveHeartbeat(trx, batch, null);
    await reveal(trx);
  });
}

export interface RemoveOptions {
  /** Checked between chunks: true stops the removal there (the app is closing); the next sweep goes on. */
  stopped?: () => boolean;
}

/**
 * Removes a pending batch already claimed (heartbeat REMOVING): its tickets in chunks of
 * DELETE_CHUNK, a transaction each with a yield in between, then the batch row, and its event
 * with it if that event was still being created. Returns the tickets deleted; safe to run twice
 * at once (a second remover finds fewer rows).
 */
async function removeClaimedBatch(
  db: Kysely<Database>,
  batch: { seq: number; eventSeq: number },
  options: RemoveOptions,
): Promise<number | undefined> {
  let deleted = 0;
  for (;;) {
    if (options.stopped?.()) return undefined;
    const chunk = db
      .selectFrom('tickets')
      .select('seq')
      .where('event_seq', '=', batch.eventSeq)
      .where('batch_seq', '=', batch.seq)
      .limit(DELETE_CHUNK);
    const result = await db.deleteFrom('tickets').where('seq', 'in', chunk).executeTakeFirst();
    const n = Number(result.numDeletedRows);
    deleted += n;
    if (n < DELETE_CHUNK) break;
    await yieldToEventLoop();
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('ticket_batches').where('seq', '=', batch.seq).where('heartbeat_at', 'is not', null).execute();
    // An event still being created has this one batch: it goes with it.
    await trx
      .deleteFrom('events')
      .where('seq', '=', batch.eventSeq)
      .where('owner_id', '=', PENDING_OWNER_ID)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('ticket_batches').select('seq').where('event_seq', '=', batch.eventSeq))),
      )
      .execute();
  });
  return deleted;
}

/**
 * Removes the batch this process was writing when its writing failed: claimed at once (its own
 * batch is never live elsewhere), then removed in chunks. If this fails too (the database is
 * gone), the sweep removes the batch later.
 */
export async function removeFailedBatch(db: Kysely<Database>, batch: PendingBatch): Promise<void> {
  const claimed = await db
    .updateTable('ticket_batches')
    .set({ heartbeat_at: REMOVING })
    .where('seq', '=', batch.batchSeq)
    .where('heartbeat_at', 'is not', null)
    .executeTakeFirst();
  // Visible after all (the answer to the last commit was lost, not the commit), or removed already.
  if (Number(claimed.numUpdatedRows) !== 1) return;
  await removeClaimedBatch(db, { seq: batch.batchSeq, eventSeq: batch.eventSeq }, {});
}

export interface SweepOptions extends RemoveOptions {
  /** Pending batches whose heartbeat is older than this are abandoned (default ABANDONED_AFTER_MS). */
  silentForMs?: number;
  /** The current time (tests). */
  now?: number;
}

/**
 * Removes pending batches whose writer has been silent for `silentForMs` (a process that died
 * mid-way), chunk by chunk; run at start and periodically. Each batch is first claimed with a
 * compare and set on the heartbeat seen, so a writer that is still alive either moved its
 * heartbeat first (the batch is left alone) or fails its next chunk (nothing of it is shown).
 */
export async function removeAbandonedBatches(
  db: Kysely<Database>,
  options: SweepOptions = {},
): Promise<{ batches: number; tickets: number }> {
  const cutoff = new Date((options.now ?? Date.now()) - (options.silentForMs ?? ABANDONED_AFTER_MS)).toISOString();
  const silent = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'event_seq', 'heartbeat_at'])
    .where('heartbeat_at', 'is not', null)
    .where('heartbeat_at', '<', cutoff)
    .orderBy('heartbeat_at')
    .limit(100)
    .execute();
  const removed = { batches: 0, tickets: 0 };
  for (const row of silent) {
    const claimed = await db
      .updateTable('ticket_batches')
      .set({ heartbeat_at: REMOVING })
      .where('seq', '=', row.seq)
      .where('heartbeat_at', '=', row.heartbeat_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const tickets = await removeClaimedBatch(db, { seq: Number(row.seq), eventSeq: Number(row.event_seq) }, options);
    if (tickets === undefined) break;
    removed.batches++;
    removed.tickets += tickets;
  }
  return removed;
}

/** Pending batches, their tickets and the events still being created: what a crash would leave behind. */
export async function countPending(
  db: Kysely<Database>,
): Promise<{ batches: number; tickets: number; events: number }> {
  const batches = await db
    .selectFrom('ticket_batches')
    .select(['seq', 'event_seq'])
    .where('heartbeat_at', 'is not', null)
    .execute();
  let tickets = 0;
  for (const batch of batches) {
    const row = await db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('event_seq', '=', batch.event_seq)
      .where('batch_seq', '=', batch.seq)
      .executeTakeFirstOrThrow();
    tickets += Number(row.n);
  }
  const events = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('owner_id', '=', PENDING_OWNER_ID)
    .executeTakeFirstOrThrow();
  return { batches: batches.length, tickets, events: Number(events.n) };
}
