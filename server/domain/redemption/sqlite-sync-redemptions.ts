import type SqliteDatabase from 'better-sqlite3';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import { type KnownRedeemed, redeemedTicket, type TicketContext } from './process-caches.js';
import { type RedeemInput, type RedeemResult, replayCutoff } from './redeemer.js';
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
};

/** What a group decided: each scan's result (undefined: left to the per-scan path) and the events it changed. */
export interface SyncGroup {
  results: (RedeemResult | undefined)[];
  touched: Set<number>;
}

/**
 * Public scans decided synchronously through better-sqlite3, a whole group in one transaction:
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
  private readonly runGroup: (inputs: readonly RedeemInput[]) => SyncGroup;

  constructor(
    raw: SqliteDatabase.Database,
    private readonly known: KnownRedeemed,
    private readonly maxContexts = 10_000,
  ) {
    this.sql = Object.fromEntries(
      Object.entries(statements).map(([name, sql]) => [name, raw.prepare(sql)]),
    ) as typeof this.sql;
    this.runGroup = raw.transaction((inputs: readonly RedeemInput[]) => this.decideAll(inputs));
  }

  /** Decides `inputs` in one transaction, committed when this returns (rolled back if it throws). */
  decide(inputs: readonly RedeemInput[]): SyncGroup {
    return this.runGroup(inputs);
  }

  private decideAll(inputs: readonly RedeemInput[]): SyncGroup {
    const results: (RedeemResult | undefined)[] = [];
    const touched = new Set<number>();
    const wins = new Map<number, number>();
    const batchWins = new Map<number, number>();
    // One reading of the clock for the group: its scans are decided within the same moment.
    const at = nowIso();
    const cutoff = replayCutoff(at);
    for (const input of inputs) {
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
      wins.set(eventSeq, (wins.get(eventSeq) ?? 0) + 1);
      batchWins.set(won.batch_seq, (batchWins.get(won.batch_seq) ?? 0) + 1);
      this.sql.log.run(timeOrderedScanId(), eventSeq, id, 'admitted', at, at, null);
      touched.add(eventSeq);
      this.known.add(id);
      results.push({ outcome: 'redeemed', ticket: redeemedTicket(id, this.context(eventSeq, won.batch_seq), at) });
    }
    const slot = Math.floor(Math.random() * COUNTER_SLOTS);
    for (const [eventSeq, scans] of wins) this.sql.count.run(scans, eventSeq, slot);
    for (const [batchSeq, scans] of batchWins) this.sql.countBatch.run(batchSeq, slot, scans);
    return { results, touched };
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
