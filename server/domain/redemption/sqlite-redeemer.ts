import type SqliteDatabase from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import { precompile } from '../../db/precompile.js';
import type { Database } from '../../db/schema.js';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import type { EventChanges } from '../live/changes.js';
import { findTicket } from '../tickets/get-ticket.js';
import { countBatchStatement } from './batch-counters.js';
import { DoorLabels, KnownRedeemed, redeemedTicket, TicketContexts } from './process-caches.js';
import {
  type DoorScanDecision,
  type DoorScanInput,
  type Redeemer,
  type RedeemInput,
  type RedeemResult,
  replayCutoff,
  unknownCodeKey,
} from './redeemer.js';
import type { RefusedRow, WonRow } from './rows.js';
import { timeOrderedScanId } from './scan-ids.js';
import { SqliteDoorScans } from './sqlite-door-scans.js';
import { SqliteSyncRedemptions, type SyncScan } from './sqlite-sync-redemptions.js';
import { logVoidScan } from './void-scans.js';

/**
 * Decides one scan inside a group's transaction, adding to `touched` the event whose log or
 * counters it changed (told to `EventChanges` once the group has committed).
 */
export type Decide<T> = (trx: Transaction<Database>, touched: Set<number>) => Promise<T>;

/** A scan waiting for the next group: how to decide it inside a transaction, and whom to answer. */
interface Pending {
  decide: Decide<unknown>;
  /** A public or door scan, which the synchronous path can decide. */
  sync?: SyncScan;
  resolve: (result: never) => void;
  reject: (error: unknown) => void;
}

/** The statements of a scan, compiled once per redeemer (see precompile.ts). */
function compileStatements(db: Kysely<Database>) {
  return {
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
    /** The same, except for a retry carrying the key of the winning request within its window (a replay). */
    duplicateUnlessKey: precompile<{ id: string; key: string; cutoff: string }>(['id', 'key', 'cutoff'], (p) =>
      db
        .updateTable('tickets')
        .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
        .where('id', '=', p.id)
        .where('redeemed_at', 'is not', null)
        .where((eb) =>
          eb.or([eb('redeem_key', 'is', null), eb('redeem_key', '!=', p.key), eb('redeemed_at', '<', p.cutoff)]),
        )
        .returning(['event_seq', 'batch_seq', 'redeemed_at', 'duplicate_scans']),
    ),
    /** One redemption counted on a slot of the event's counter. */
    count: precompile<{ eventSeq: number; slot: number }>(['eventSeq', 'slot'], (p) =>
      db
        .updateTable('event_counters')
        .set((eb) => ({ redeemed: eb('redeemed', '+', 1) }))
        .where('event_seq', '=', p.eventSeq)
        .where('slot', '=', p.slot),
    ),
    /** One row of the scan log: a public scan has no door link, session or device ("public link"). */
    log: precompile<{
      scanId: string;
      eventSeq: number;
      id: string;
      outcome: 'admitted' | 'already_redeemed';
      at: string;
      redeemedAt: string;
      duplicateScans: number | null;
    }>(['scanId', 'eventSeq', 'id', 'outcome', 'at', 'redeemedAt', 'duplicateScans'], (p) =>
      db.insertInto('scans').values({
        id: p.scanId,
        event_seq: p.eventSeq,
        door_link_seq: null,
        session_seq: null,
        device: null,
        ticket_id: p.id,
        outcome: p.outcome,
        at: p.at,
        redeemed_at: p.redeemedAt,
        duplicate_scans: p.duplicateScans,
        first_door: null,
      }),
    ),
    countBatch: countBatchStatement(db),
    /** A code no ticket has, counted on its client's row of the minute. */
    countUnknown: precompile<{ minute: string; client: string }>(['minute', 'client'], (p) =>
      db
        .insertInto('unknown_code_scans')
        .values({ minute: p.minute, client_address: p.client, scans: 1 })
        .onConflict((oc) =>
          oc
            .columns(['minute', 'client_address'])
            .doUpdateSet((eb) => ({ scans: eb(eb.ref('unknown_code_scans.scans'), '+', 1) })),
        ),
    ),
  };
}

/**
 * SQLite, where one connection writes at a time: group commit. Scans that arrive while a
 * transaction runs are decided together in the next one, each exactly as if alone, and all are
 * answered only after that transaction commits; the per-commit work (and with SQLITE_SYNC=full,
 * the fsync) is shared by the group.
 *
 * The rule, per scan: one conditional UPDATE (only a ticket still ok becomes redeemed) decides.
 * The winner bumps a random slot of its event's counter; a refused scan bumps the ticket's
 * duplicate count with a second conditional UPDATE; every scan of a ticket is logged, a code no
 * ticket has is counted per client address and minute. A retry carrying the winning scan's
 * idempotency key within 24 h is a replay, not a duplicate.
 */
export class SqliteRedeemer implements Redeemer {
  private readonly sql: ReturnType<typeof compileStatements>;
  private readonly known = new KnownRedeemed();
  private readonly contexts = new TicketContexts();
  private readonly door: SqliteDoorScans;
  /** Public scans through prepared better-sqlite3 statements, when the connection is given. */
  private readonly sync?: SqliteSyncRedemptions;
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 256,
    private readonly changes?: EventChanges,
    raw?: SqliteDatabase.Database,
  ) {
    this.sql = compileStatements(db);
    this.door = new SqliteDoorScans(db, this.known, this.contexts, new DoorLabels());
    if (raw) this.sync = new SqliteSyncRedemptions(raw, this.known);
  }

  redeem(input: RedeemInput): Promise<RedeemResult> {
    return this.submit((trx, touched) => this.decide(trx, touched, input), { input });
  }

  scanAtDoor(input: DoorScanInput): Promise<DoorScanDecision> {
    return this.submit((trx, touched) => this.door.decide(trx, touched, input), { door: input });
  }

  /** Queues a scan for the next group transaction; resolves once that transaction has committed. */
  private submit<T>(decide: Decide<T>, sync?: SyncScan): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ decide, sync, resolve: resolve as (result: never) => void, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let group = this.queue.splice(0, this.maxBatch);
      // Scans first in one synchronous transaction; what it leaves (codes no ticket has,
      // replays, retries, revoked links) goes on in a Kysely transaction.
      if (this.sync) group = await this.decideSync(this.sync, group);
      if (group.length === 0) continue;
      try {
        const touched = new Set<number>();
        const results = await this.db.transaction().execute(async (trx) => {
          const out: unknown[] = [];
          for (const item of group) out.push(await item.decide(trx, touched));
          return out;
        });
        this.tell(touched);
        for (const [i, item] of group.entries()) item.resolve(results[i] as never);
      } catch {
        // Nothing of the group was committed: decide each scan in a transaction of its own, so
        // one failure cannot fail its neighbours.
        for (const item of group) {
          const touched = new Set<number>();
          await this.db
            .transaction()
            .execute((trx) => item.decide(trx, touched))
            .then((result) => {
              this.tell(touched);
              item.resolve(result as never);
            }, item.reject);
        }
      }
    }
    this.running = false;
  }

  /**
   * Decides the group's scans in one synchronous transaction, holding the connection so no
   * Kysely transaction is open on it; answers them once it has committed. Returns the scans left
   * undecided (all of the group's when the transaction failed: nothing of it was committed).
   */
  private async decideSync(sync: SqliteSyncRedemptions, group: Pending[]): Promise<Pending[]> {
    const scans = group.filter((item) => item.sync);
    if (scans.length === 0) return group;
    let decided: ReturnType<SqliteSyncRedemptions['decide']>;
    try {
      decided = await this.db.connection().execute(async () => sync.decide(scans.map((item) => item.sync as SyncScan)));
    } catch {
      return group;
    }
    this.tell(decided.touched);
    const left = group.filter((item) => !item.sync);
    for (const [i, item] of scans.entries()) {
      const result = decided.results[i];
      if (result) item.resolve(result as never);
      else left.push(item);
    }
    return left;
  }

  /** After a commit: each event it changed, once. */
  private tell(touched: Set<number>): void {
    if (!this.changes) return;
    for (const eventSeq of touched) this.changes.touched(eventSeq);
  }

  /** Decides one scan inside the group's transaction. */
  private async decide(trx: Transaction<Database>, touched: Set<number>, input: RedeemInput): Promise<RedeemResult> {
    const id = canonicalId(input.ticketId);
    const key = input.idempotencyKey ?? null;
    const at = nowIso();

    if (!this.known.has(id)) {
      const [won] = (await trx.executeQuery<WonRow>(this.sql.win({ id, at, key }))).rows;
      if (won) return this.won(trx, touched, id, at, won);
    }

    // Already redeemed: a duplicate unless this is a retry carrying the winning request's key.
    const refuse =
      key === null ? this.sql.duplicate({ id }) : this.sql.duplicateUnlessKey({ id, key, cutoff: replayCutoff(at) });
    const [duplicate] = (await trx.executeQuery<RefusedRow>(refuse)).rows;
    if (duplicate) {
      this.known.add(id);
      const eventSeq = Number(duplicate.event_seq);
      const duplicateScans = Number(duplicate.duplicate_scans);
      await trx.executeQuery(
        this.sql.log({
          scanId: timeOrderedScanId(),
          eventSeq,
          id,
          outcome: 'already_redeemed',
          at,
          redeemedAt: duplicate.redeemed_at,
          duplicateScans,
        }),
      );
      touched.add(eventSeq);
      const context = await this.contexts.get(trx, eventSeq, Number(duplicate.batch_seq));
      const ticket = redeemedTicket(id, context, duplicate.redeemed_at);
      return { outcome: 'duplicate', ticket, duplicateScans };
    }
    // Known as redeemed, yet not: the transaction that redeemed it was rolled back (a failed
    // group), or its admission was undone. Forget it and decide it as a first scan.
    if (this.known.delete(id)) {
      const [won] = (await trx.executeQuery<WonRow>(this.sql.win({ id, at, key }))).rows;
      if (won) return this.won(trx, touched, id, at, won);
    }

    const found = await findTicket(trx, id);
    if (!found) {
      await trx.executeQuery(this.sql.countUnknown(unknownCodeKey(at, input.client)));
      return { outcome: 'unknown' };
    }
    // Void (migration 011's trigger kept it from being won): refused, and logged.
    if (found.ticket.status === 'void') {
      await logVoidScan(trx, { ticketId: id, eventSeq: found.eventSeq, at, reason: found.voidReason });
      touched.add(found.eventSeq);
      return { outcome: 'void', ticket: found.ticket, reason: found.voidReason };
    }
    // A retry is not a scan: like a door's retry with its scanId, it adds nothing to the log.
    return { outcome: 'replayed', ticket: found.ticket };
  }

  /** The winning scan: counted on a random slot of its event's and its batch's counters, and logged. */
  private async won(
    trx: Transaction<Database>,
    touched: Set<number>,
    id: string,
    at: string,
    won: WonRow,
  ): Promise<RedeemResult> {
    const slot = Math.floor(Math.random() * COUNTER_SLOTS);
    const eventSeq = Number(won.event_seq);
    const batchSeq = Number(won.batch_seq);
    await trx.executeQuery(this.sql.count({ eventSeq, slot }));
    await trx.executeQuery(this.sql.countBatch({ batchSeq, slot }));
    const scanId = timeOrderedScanId();
    await trx.executeQuery(
      this.sql.log({ scanId, eventSeq, id, outcome: 'admitted', at, redeemedAt: at, duplicateScans: null }),
    );
    touched.add(eventSeq);
    const context = await this.contexts.get(trx, eventSeq, batchSeq);
    this.known.add(id);
    return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
  }
}
