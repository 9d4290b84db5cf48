import type SqliteDatabase from 'better-sqlite3';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import { type KnownRedeemed, redeemedTicket, type TicketContext } from './process-caches.js';
import {
  type DoorScanDecision,
  type DoorScanInput,
  PUBLIC_DOOR,
  type RedeemInput,
  type RedeemResult,
  replayCutoff,
} from './redeemer.js';
import type { RefusedRow, WonRow } from './rows.js';
import { timeOrderedScanId } from './scan-ids.js';

/**
 * The SQL of SqliteRedeemer's public scans, prepared once on the better-sqlite3 connection: the
 * same statements Kysely compiles for them (sqlite-redeemer.ts), run synchronously.
 */
const statements = {
  win: 'update tickets set redeemed_at = ?, redeem_key = ? where id = ? and redeemed_at is null returning event_seq, batch_seq',
  duplicate: `update tickets set duplicate_scans = duplicate_scans + 1 where id = ? and redeemed_at is not null
    returning event_seq, batch_seq, redeemed_at, duplicate_scans`,
  duplicateUnlessKey: `update tickets set duplicate_scans = duplicate_scans + 1
    where id = ? and redeemed_at is not null and (redeem_key is null or redeem_key != ? or redeemed_at < ?)
    returning event_seq, batch_seq, redeemed_at, duplicate_scans`,
  count: 'update event_counters set redeemed = redeemed + ? where event_seq = ? and slot = ?',
  countBatch: `insert into batch_counters (batch_seq, slot, redeemed) values (?, ?, ?)
    on conflict (batch_seq, slot) do update set redeemed = batch_counters.redeemed + excluded.redeemed`,
  log: `insert into scans (id, event_seq, door_link_seq, session_seq, device, ticket_id, outcome, at, redeemed_at,
      duplicate_scans, first_door) values (?, ?, null, null, null, ?, ?, ?, ?, ?, null)`,
  context: `select events.id as event_id, ticket_batches.created_at from ticket_batches
    inner join events on events.seq = ticket_batches.event_seq where ticket_batches.seq = ? and events.seq = ?`,
  /** A door scan, first: is its link live (asked once per link per group), and is its id in the log already (a retry)? */
  linkLive: 'select 1 as live from door_links where seq = ? and revoked_at is null and expires_at > ?',
  logged: 'select 1 as logged from scans where id = ?',
  doorWin: `update tickets set redeemed_at = ?, redeem_key = null, redeemed_door_seq = ?
    where id = ? and redeemed_at is null and event_seq = ? returning event_seq, batch_seq`,
  doorRefuse: `update tickets set duplicate_scans = duplicate_scans + 1
    where id = ? and redeemed_at is not null and event_seq = ?
    returning event_seq, batch_seq, redeemed_at, duplicate_scans, redeemed_door_seq`,
  eventOf: 'select event_seq from tickets where id = ?',
  doorLog: `insert into scans (id, event_seq, door_link_seq, session_seq, device, ticket_id, outcome, at, redeemed_at,
      duplicate_scans, first_door) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  label: 'select label from door_links where seq = ?',
};

/** A scan for the synchronous path: public (`input`) or at a door (`door`). */
export type SyncScan = { input: RedeemInput; door?: undefined } | { door: DoorScanInput; input?: undefined };

/** What the synchronous path answers a scan (undefined: left to the per-scan path). */
export type SyncResult = RedeemResult | DoorScanDecision | undefined;

/** What a group decided: each scan's result (undefined: left to the per-scan path) and the events it changed. */
export interface SyncGroup {
  results: SyncResult[];
  touched: Set<number>;
}

/**
 * Public and door scans decided synchronously through better-sqlite3, a whole group in one
 * transaction:
 * no promise per statement, the counters bumped once per event and batch for the group's winners
 * (on one random slot), a log row per won or refused scan. A scan neither won nor refused (a code
 * no ticket has, a replay, a ticket of an event being deleted) is left undecided, for the
 * redeemer's per-scan path: nothing of it was written.
 *
 * The caller must hold the connection (no Kysely transaction may be open on it).
 */
export class SqliteSyncRedemptions {
  private readonly sql: { [K in keyof typeof statements]: SqliteDatabase.Statement };
  private readonly contexts = new Map<string, TicketContext>();
  /** Door link labels by seq, as a refusal names the admitting door: a label never changes. */
  private readonly labels = new Map<number, string>();
  private readonly runGroup: (scans: readonly SyncScan[]) => SyncGroup;

  constructor(
    raw: SqliteDatabase.Database,
    private readonly known: KnownRedeemed,
    private readonly maxContexts = 10_000,
  ) {
    this.sql = Object.fromEntries(
      Object.entries(statements).map(([name, sql]) => [name, raw.prepare(sql)]),
    ) as typeof this.sql;
    this.runGroup = raw.transaction((scans: readonly SyncScan[]) => this.decideAll(scans));
  }

  /** Decides `scans` in one transaction, committed when this returns (rolled back if it throws). */
  decide(scans: readonly SyncScan[]): SyncGroup {
    return this.runGroup(scans);
  }

  private decideAll(scans: readonly SyncScan[]): SyncGroup {
    const results: SyncResult[] = [];
    const touched = new Set<number>();
    const wins = new Map<number, number>();
    const batchWins = new Map<number, number>();
    const win = (eventSeq: number, batchSeq: number) => {
      wins.set(eventSeq, (wins.get(eventSeq) ?? 0) + 1);
      batchWins.set(batchSeq, (batchWins.get(batchSeq) ?? 0) + 1);
      touched.add(eventSeq);
    };
    // One reading of the clock for the group: its scans are decided within the same moment.
    const at = nowIso();
    const cutoff = replayCutoff(at);
    // Whether each door link is live at `at`: the group's moment, so one answer serves its scans.
    const liveLinks = new Map<number, boolean>();
    for (const scan of scans) {
      if (scan.door) {
        results.push(this.decideDoor(scan.door, at, win, touched, liveLinks));
        continue;
      }
      const input = scan.input;
      const id = canonicalId(input.ticketId);
      const key = input.idempotencyKey ?? null;
      let won: WonRow | undefined;
      if (!this.known.has(id)) won = this.sql.win.get(at, key, id) as WonRow | undefined;
      if (!won) {
        const refused = (
          key === null ? this.sql.duplicate.get(id) : this.sql.duplicateUnlessKey.get(id, key, cutoff)
        ) as RefusedRow | undefined;
        if (refused) {
          this.known.add(id);
          const eventSeq = refused.event_seq;
          this.sql.log.run(
            timeOrderedScanId(),
            eventSeq,
            id,
            'already_redeemed',
            at,
            refused.redeemed_at,
            refused.duplicate_scans,
          );
          touched.add(eventSeq);
          const ticket = redeemedTicket(id, this.context(eventSeq, refused.batch_seq), refused.redeemed_at);
          results.push({ outcome: 'duplicate', ticket, duplicateScans: refused.duplicate_scans });
          continue;
        }
        // Known as redeemed, yet not (a rolled-back group, an undo): decide it as a first scan.
        if (this.known.delete(id)) won = this.sql.win.get(at, key, id) as WonRow | undefined;
      }
      if (!won) {
        results.push(undefined);
        continue;
      }
      const eventSeq = won.event_seq;
      win(eventSeq, won.batch_seq);
      this.sql.log.run(timeOrderedScanId(), eventSeq, id, 'admitted', at, at, null);
      this.known.add(id);
      results.push({ outcome: 'redeemed', ticket: redeemedTicket(id, this.context(eventSeq, won.batch_seq), at) });
    }
    const slot = Math.floor(Math.random() * COUNTER_SLOTS);
    for (const [eventSeq, scans] of wins) this.sql.count.run(scans, eventSeq, slot);
    for (const [batchSeq, scans] of batchWins) this.sql.countBatch.run(batchSeq, slot, scans);
    return { results, touched };
  }

  /**
   * A door scan by the door's rule (SqliteDoorScans, which it mirrors): left undecided when its
   * link is not live (the per-scan path refuses it), when its id is logged already (a retry,
   * answered from the log), or when it has no ticket id.
   */
  private decideDoor(
    input: DoorScanInput,
    at: string,
    win: (eventSeq: number, batchSeq: number) => void,
    touched: Set<number>,
    liveLinks: Map<number, boolean>,
  ): DoorScanDecision | undefined {
    const { scanId, ticketId: id, door } = input;
    // An offline upload is rare and has rules of its own: left to the per-scan path.
    if (id === null || input.offline) return undefined;
    let live = liveLinks.get(door.linkSeq);
    if (live === undefined) {
      live = this.sql.linkLive.get(door.linkSeq, at) !== undefined;
      liveLinks.set(door.linkSeq, live);
    }
    if (!live || this.sql.logged.get(scanId) !== undefined) return undefined;
    const scan = { id: scanId, at };
    const log = (
      outcome: string,
      redeemedAt: string | null = null,
      duplicateScans: number | null = null,
      firstDoor: string | null = null,
    ) => {
      touched.add(door.eventSeq);
      this.sql.doorLog.run(
        scanId,
        door.eventSeq,
        door.linkSeq,
        door.sessionSeq,
        door.device,
        id,
        outcome,
        at,
        redeemedAt,
        duplicateScans,
        firstDoor,
      );
    };
    // Up to two rounds: a ticket known redeemed but found ok again (undone, or a rolled-back
    // group) is decided as a first scan.
    for (let round = 0; round < 2; round++) {
      if (round > 0 || !this.known.has(id)) {
        const won = this.sql.doorWin.get(at, door.linkSeq, id, door.eventSeq) as WonRow | undefined;
        if (won) {
          win(door.eventSeq, won.batch_seq);
          log('admitted', at);
          this.known.add(id);
          return {
            outcome: 'admitted',
            scan,
            ticket: redeemedTicket(id, this.context(won.event_seq, won.batch_seq), at),
          };
        }
      }
      const refused = this.sql.doorRefuse.get(id, door.eventSeq) as
        | (RefusedRow & { redeemed_door_seq: number | null })
        | undefined;
      if (refused) {
        this.known.add(id);
        const firstDoor = this.label(refused.redeemed_door_seq);
        log('already_redeemed', refused.redeemed_at, refused.duplicate_scans, firstDoor);
        const context = this.context(refused.event_seq, refused.batch_seq);
        return {
          outcome: 'already_redeemed',
          scan,
          ticket: redeemedTicket(id, context, refused.redeemed_at),
          redeemedAt: refused.redeemed_at,
          redeemedAtDoor: firstDoor,
          duplicateScans: refused.duplicate_scans,
        };
      }
      this.known.delete(id);
      const other = this.sql.eventOf.get(id) as { event_seq: number } | undefined;
      if (!other || other.event_seq !== door.eventSeq) {
        const outcome = other ? 'wrong_event' : 'not_found';
        log(outcome);
        return { outcome, scan };
      }
    }
    return undefined;
  }

  /** The label of a door link; PUBLIC_DOOR for a ticket redeemed through a public endpoint (null). */
  private label(linkSeq: number | null): string {
    if (linkSeq === null) return PUBLIC_DOOR;
    const hit = this.labels.get(linkSeq);
    if (hit !== undefined) return hit;
    const row = this.sql.label.get(linkSeq) as { label: string } | undefined;
    const label = row?.label ?? PUBLIC_DOOR;
    if (this.labels.size >= this.maxContexts) this.labels.clear();
    this.labels.set(linkSeq, label);
    return label;
  }

  /** The public event id and creation time of a ticket's keys; both never change once written. */
  private context(eventSeq: number, batchSeq: number): TicketContext {
    const key = `${eventSeq}:${batchSeq}`;
    const hit = this.contexts.get(key);
    if (hit) return hit;
    const row = this.sql.context.get(batchSeq, eventSeq) as { event_id: string; created_at: string } | undefined;
    if (!row) throw new Error(`no batch ${batchSeq} of event ${eventSeq}`);
    const context = { eventId: row.event_id, createdAt: row.created_at };
    if (this.contexts.size >= this.maxContexts) this.contexts.clear();
    this.contexts.set(key, context);
    return context;
  }
}
