import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { precompile } from '../../db/precompile.js';
import type { Database, ScanLogOutcome } from '../../db/schema.js';
import { nowIso } from '../common.js';
import { revokedDoorLink } from '../doors/door-sessions.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import { countBatchStatement } from './batch-counters.js';
import { type LoggedScan, loggedScanColumns, replayDoorScan } from './door-scan-log.js';
import {
  type DoorLabels,
  type KnownRedeemed,
  redeemedTicket,
  type TicketContexts,
  voidTicketView,
} from './process-caches.js';
import type { DoorScanDecision, DoorScanInput } from './redeemer.js';
import type { RefusedRow, WonRow } from './rows.js';
import { decideOfflineScan } from './offline-door-scans.js';
import { logVoidScan } from './void-scans.js';

/** A ticket neither won nor refused: its event, and whether the organiser voided it. */
interface VoidableRow {
  event_seq: number;
  batch_seq: number;
  voided_at: string | null;
  void_reason: string | null;
}

/** At a door, a refusal also names the door link that admitted the ticket. */
interface DoorRefusedRow extends RefusedRow {
  redeemed_door_seq: number | null;
}

// A type, not an interface: precompile's parameters must be a plain record.
type LogRow = {
  id: string;
  eventSeq: number;
  linkSeq: number;
  sessionSeq: number;
  device: string | null;
  ticketId: string | null;
  outcome: ScanLogOutcome;
  at: string;
  redeemedAt: string | null;
  duplicateScans: number | null;
  firstDoor: string | null;
};

/** The statements of a door scan, compiled once (see precompile.ts). */
function compileStatements(db: Kysely<Database>) {
  return {
    /**
     * Before deciding, in one statement: is the door link still live (not revoked, not expired),
     * and was this scan id logged already (a retry)? The link is checked in the scan's own
     * transaction, so a revoked link admits no one from the moment it is revoked.
     */
    before: (p: { linkSeq: number; now: string; id: string }) =>
      CompiledQuery.raw(
        `select (select 1 from door_links where seq = ? and revoked_at is null and expires_at > ?) as live,
          ${loggedScanColumns.map((c) => `s.${c}`).join(', ')}
        from (select 1) left join scans s on s.id = ?`,
        [p.linkSeq, p.now, p.id],
      ),
    /** The decision, for this door's event only: a ticket still ok becomes redeemed, by this door. */
    win: precompile<{ id: string; at: string; eventSeq: number; linkSeq: number }>(
      ['id', 'at', 'eventSeq', 'linkSeq'],
      (p) =>
        db
          .updateTable('tickets')
          .set({ redeemed_at: p.at, redeem_key: null, redeemed_door_seq: p.linkSeq })
          .where('id', '=', p.id)
          .where('redeemed_at', 'is', null)
          .where('event_seq', '=', p.eventSeq)
          .returning(['event_seq', 'batch_seq']),
    ),
    /** A refused scan of a redeemed ticket of this event, counted atomically. */
    refuse: precompile<{ id: string; eventSeq: number }>(['id', 'eventSeq'], (p) =>
      db
        .updateTable('tickets')
        .set((eb) => ({ duplicate_scans: eb('duplicate_scans', '+', 1) }))
        .where('id', '=', p.id)
        .where('redeemed_at', 'is not', null)
        .where('event_seq', '=', p.eventSeq)
        .returning(['event_seq', 'batch_seq', 'redeemed_at', 'duplicate_scans', 'redeemed_door_seq']),
    ),
    /** Neither: which event the ticket belongs to, if it exists at all, and whether it is void. */
    eventOf: precompile<{ id: string }>(['id'], (p) =>
      db
        .selectFrom('tickets')
        .select(['event_seq', 'batch_seq', 'redeemed_at', 'voided_at', 'void_reason'])
        .where('id', '=', p.id),
    ),
    count: precompile<{ eventSeq: number; slot: number }>(['eventSeq', 'slot'], (p) =>
      db
        .updateTable('event_counters')
        .set((eb) => ({ redeemed: eb('redeemed', '+', 1) }))
        .where('event_seq', '=', p.eventSeq)
        .where('slot', '=', p.slot),
    ),
    countBatch: countBatchStatement(db),
    log: precompile<LogRow>(
      [
        'id',
        'eventSeq',
        'linkSeq',
        'sessionSeq',
        'device',
        'ticketId',
        'outcome',
        'at',
        'redeemedAt',
        'duplicateScans',
        'firstDoor',
      ],
      (p) =>
        db.insertInto('scans').values({
          id: p.id,
          event_seq: p.eventSeq,
          door_link_seq: p.linkSeq,
          session_seq: p.sessionSeq,
          device: p.device,
          ticket_id: p.ticketId,
          outcome: p.outcome,
          at: p.at,
          redeemed_at: p.redeemedAt,
          duplicate_scans: p.duplicateScans,
          first_door: p.firstDoor,
        }),
    ),
  };
}

/**
 * Door scans on SQLite, decided inside the redeemer's group transaction. The same rule as a
 * public scan, narrowed to the door's event: a ticket of another event is never touched.
 */
export class SqliteDoorScans {
  private readonly sql: ReturnType<typeof compileStatements>;

  constructor(
    db: Kysely<Database>,
    readonly known: KnownRedeemed,
    readonly contexts: TicketContexts,
    readonly labels: DoorLabels,
  ) {
    this.sql = compileStatements(db);
  }

  /**
   * Decides one door scan inside the group's transaction (or replays its first answer); adds the
   * door's event to `touched` when it logged the scan.
   */
  async decide(trx: Transaction<Database>, touched: Set<number>, input: DoorScanInput): Promise<DoorScanDecision> {
    const { scanId, ticketId: id, door } = input;
    const at = nowIso();
    const [before] = (
      await trx.executeQuery<LoggedScan & { live: number | null }>(
        this.sql.before({ linkSeq: door.linkSeq, now: at, id: scanId }),
      )
    ).rows;
    if (!before?.live) throw revokedDoorLink();
    if (before.id !== null) return replayDoorScan(trx, before, door);
    if (input.offline) {
      touched.add(door.eventSeq);
      return decideOfflineScan(trx, { ...input, offline: input.offline }, this);
    }

    const scan = { id: scanId, at };
    const log = (outcome: ScanLogOutcome, extra: Partial<LogRow> = {}) => {
      touched.add(door.eventSeq);
      return trx.executeQuery(
        this.sql.log({
          id: scanId,
          eventSeq: door.eventSeq,
          linkSeq: door.linkSeq,
          sessionSeq: door.sessionSeq,
          device: door.device,
          ticketId: id,
          outcome,
          at,
          redeemedAt: null,
          duplicateScans: null,
          firstDoor: null,
          ...extra,
        }),
      );
    };
    if (id === null) {
      const outcome = input.noTicket ?? 'unreadable';
      await log(outcome);
      return { outcome, scan };
    }

    // Up to two rounds: a ticket known redeemed but found ok again (undone, or a rolled-back
    // group) is decided as a first scan.
    for (let round = 0; round < 2; round++) {
      if (round > 0 || !this.known.has(id)) {
        const [won] = (
          await trx.executeQuery<WonRow>(this.sql.win({ id, at, eventSeq: door.eventSeq, linkSeq: door.linkSeq }))
        ).rows;
        if (won) {
          const slot = Math.floor(Math.random() * COUNTER_SLOTS);
          await trx.executeQuery(this.sql.count({ eventSeq: door.eventSeq, slot }));
          await trx.executeQuery(this.sql.countBatch({ batchSeq: Number(won.batch_seq), slot }));
          await log('admitted', { redeemedAt: at });
          this.known.add(id);
          const context = await this.contexts.get(trx, won.event_seq, Number(won.batch_seq));
          return { outcome: 'admitted', scan, ticket: redeemedTicket(id, context, at) };
        }
      }
      const [refused] = (await trx.executeQuery<DoorRefusedRow>(this.sql.refuse({ id, eventSeq: door.eventSeq }))).rows;
      if (refused) {
        this.known.add(id);
        const firstDoor = await this.labels.get(trx, refused.redeemed_door_seq);
        const duplicateScans = Number(refused.duplicate_scans);
        await log('already_redeemed', { redeemedAt: refused.redeemed_at, duplicateScans, firstDoor });
        const context = await this.contexts.get(trx, refused.event_seq, Number(refused.batch_seq));
        const ticket = redeemedTicket(id, context, refused.redeemed_at);
        return {
          outcome: 'already_redeemed',
          scan,
          ticket,
          redeemedAt: refused.redeemed_at,
          redeemedAtDoor: firstDoor,
          duplicateScans,
        };
      }
      this.known.delete(id);
      const [other] = (await trx.executeQuery<VoidableRow>(this.sql.eventOf({ id }))).rows;
      if (!other || Number(other.event_seq) !== door.eventSeq) {
        const outcome = other ? 'wrong_event' : 'not_found';
        await log(outcome);
        return { outcome, scan };
      }
      // Void (migration 011's trigger kept it from being won): refused with the organiser's reason.
      if (other.voided_at !== null) {
        const reason = other.void_reason;
        await logVoidScan(trx, { ticketId: id, eventSeq: door.eventSeq, at, door, scanId, reason });
        touched.add(door.eventSeq);
        const context = await this.contexts.get(trx, door.eventSeq, Number(other.batch_seq));
        return { outcome: 'void', scan, ticket: voidTicketView(id, context), voidReason: reason };
      }
    }
    // Still ours and still neither ok nor redeemed after two rounds: cannot happen in one
    // transaction; refuse to guess.
    throw new Error(`door scan of ${id.slice(0, 8)} could not be decided`);
  }
}
