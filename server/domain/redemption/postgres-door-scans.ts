import { CompiledQuery, type Kysely } from 'kysely';
import { allPreparedOnPostgres } from '../../db/prepared-statements.js';
import type { Database } from '../../db/schema.js';
import { nowIso } from '../common.js';
import { assertDoorLinkLive } from '../doors/door-sessions.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import type { EventChanges } from '../live/changes.js';
import { findLoggedScan, replayDoorScan } from './door-scan-log.js';
import { decideOfflineScan } from './offline-door-scans.js';
import {
  DoorLabels,
  type KnownRedeemed,
  redeemedTicket,
  type TicketContexts,
  voidTicketView,
} from './process-caches.js';
import { type DoorScanDecision, type DoorScanInput, PUBLIC_DOOR } from './redeemer.js';
import type { RefusedRow, WonRow } from './rows.js';
import { logVoidScan } from './void-scans.js';

const SCAN_COLUMNS = `id, event_seq, door_link_seq, session_seq, device, ticket_id, outcome, at,
  redeemed_at, duplicate_scans, first_door`;

/**
 * The door's rule as PostgreSQL runs it: each decision one data-modifying statement that updates
 * the ticket (only within the door's event), counts, and logs the scan under the client's scan
 * id. That id is unique in the log, so a retry racing its first attempt fails as a whole
 * (nothing of it is kept) and is answered from the log instead.
 *
 * Parameters: $1 ticket id, $2 at, $3 event seq, $4 link seq, $5 session seq, $6 device,
 * $7 scan id, and $8 the counter slot (win) or the outcome (log).
 */
const statements = allPreparedOnPostgres({
  win: `with won as (
      update tickets set redeemed_at = $2, redeem_key = null, redeemed_door_seq = $4
      where id = $1 and redeemed_at is null and event_seq = $3
      returning event_seq, batch_seq),
    counted as (
      update event_counters c set redeemed = c.redeemed + 1 from won
      where c.event_seq = won.event_seq and c.slot = $8),
    batched as (
      insert into batch_counters (batch_seq, slot, redeemed) select batch_seq, $8, 1 from won
      on conflict (batch_seq, slot) do update set redeemed = batch_counters.redeemed + 1),
    logged as (
      insert into scans (${SCAN_COLUMNS})
      select $7::varchar, $3::integer, $4::integer, $5::integer, $6::varchar, $1::varchar, 'admitted', $2::varchar, $2::varchar,
        null::integer, null::varchar from won)
    select event_seq, batch_seq from won`,
  refuse: `with refused as (
      update tickets set duplicate_scans = duplicate_scans + 1
      where id = $1 and redeemed_at is not null and event_seq = $3
      returning event_seq, batch_seq, redeemed_at, duplicate_scans, redeemed_door_seq),
    named as (
      select refused.*, coalesce(d.label, '${PUBLIC_DOOR}') as first_door
      from refused left join door_links d on d.seq = refused.redeemed_door_seq),
    logged as (
      insert into scans (${SCAN_COLUMNS})
      select $7::varchar, $3::integer, $4::integer, $5::integer, $6::varchar, $1::varchar, 'already_redeemed', $2::varchar,
        redeemed_at, duplicate_scans, first_door from named)
    select event_seq, batch_seq, redeemed_at, duplicate_scans, first_door from named`,
  /** Neither: the ticket's event if it exists ($1), to tell wrong_event from not_found, and whether it is void. */
  eventOf: 'select event_seq, batch_seq, voided_at, void_reason from tickets where id = $1',
  log: `insert into scans (${SCAN_COLUMNS})
    values ($7::varchar, $3::integer, $4::integer, $5::integer, $6::varchar, $1::varchar, $8::varchar, $2::varchar,
      null, null, null)`,
});

/** A ticket neither won nor refused: its event, and whether the organiser voided it. */
interface VoidableRow {
  event_seq: number;
  batch_seq: number;
  voided_at: string | null;
  void_reason: string | null;
}

/** At a door, a refusal also names the door that admitted the ticket. */
interface DoorRefusedRow extends RefusedRow {
  first_door: string;
}

/** A unique violation: here, a scan id already in the log. */
function isDuplicateScanId(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/** Door scans on PostgreSQL: one statement per decision, on the pool's connections. */
export class PostgresDoorScans {
  constructor(
    private readonly db: Kysely<Database>,
    readonly known: KnownRedeemed,
    readonly contexts: TicketContexts,
    private readonly changes?: EventChanges,
  ) {}

  /** Door labels, for the offline uploads' refusals (the per-scan statements join them instead). */
  readonly labels = new DoorLabels();

  async decide(input: DoorScanInput): Promise<DoorScanDecision> {
    // The route left the link's check to the scan (one round trip here, before deciding).
    await assertDoorLinkLive(this.db, input.door.linkSeq);
    try {
      const { offline } = input;
      // An offline upload: the per-scan rules of offline-door-scans.ts, in a transaction of its own.
      const decision = offline
        ? await this.db.transaction().execute((trx) => decideOfflineScan(trx, { ...input, offline }, this))
        : await this.decideOnce(input);
      // Every decision logged a scan of the door's event (a replay, below, logs nothing).
      this.changes?.touched(input.door.eventSeq);
      return decision;
    } catch (error) {
      if (!isDuplicateScanId(error)) throw error;
      const logged = await findLoggedScan(this.db, input.scanId);
      if (!logged) throw error;
      return replayDoorScan(this.db, logged, input.door);
    }
  }

  private async decideOnce(input: DoorScanInput): Promise<DoorScanDecision> {
    const { scanId, ticketId: id, door } = input;
    const at = nowIso();
    const scan = { id: scanId, at };
    const params = [id, at, door.eventSeq, door.linkSeq, door.sessionSeq, door.device, scanId];
    const run = <R>(sql: string, extra: unknown[] = []) =>
      this.db.executeQuery<R>(CompiledQuery.raw(sql, [...params, ...extra]));
    if (id === null) {
      const outcome = input.noTicket ?? 'unreadable';
      await run(statements.log, [outcome]);
      return { outcome, scan };
    }
    for (let round = 0; round < 2; round++) {
      if (round > 0 || !this.known.has(id)) {
        const slot = Math.floor(Math.random() * COUNTER_SLOTS);
        const [won] = (await run<WonRow>(statements.win, [slot])).rows;
        if (won) {
          this.known.add(id);
          const context = await this.contexts.get(this.db, Number(won.event_seq), Number(won.batch_seq));
          return { outcome: 'admitted', scan, ticket: redeemedTicket(id, context, at) };
        }
      }
      const [refused] = (await run<DoorRefusedRow>(statements.refuse)).rows;
      if (refused) {
        this.known.add(id);
        const context = await this.contexts.get(this.db, Number(refused.event_seq), Number(refused.batch_seq));
        return {
          outcome: 'already_redeemed',
          scan,
          ticket: redeemedTicket(id, context, refused.redeemed_at),
          redeemedAt: refused.redeemed_at,
          redeemedAtDoor: refused.first_door,
          duplicateScans: Number(refused.duplicate_scans),
        };
      }
      this.known.delete(id);
      const [other] = (await this.db.executeQuery<VoidableRow>(CompiledQuery.raw(statements.eventOf, [id]))).rows;
      if (!other || Number(other.event_seq) !== door.eventSeq) {
        const outcome = other ? 'wrong_event' : 'not_found';
        await run(statements.log, [outcome]);
        return { outcome, scan };
      }
      // Void (migration 011's trigger kept it from being won): refused with the organiser's reason.
      if (other.voided_at !== null) {
        const reason = other.void_reason;
        await logVoidScan(this.db, { ticketId: id, eventSeq: door.eventSeq, at, door, scanId, reason });
        const context = await this.contexts.get(this.db, door.eventSeq, Number(other.batch_seq));
        return { outcome: 'void', scan, ticket: voidTicketView(id, context), voidReason: reason };
      }
      // A ticket of ours that was neither ok nor redeemed a moment ago changed in between (an
      // undo racing this scan): decide again, once.
    }
    throw new Error(`door scan of ${id.slice(0, 8)} could not be decided`);
  }
}
