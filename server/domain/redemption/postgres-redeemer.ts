import { CompiledQuery, type Kysely } from 'kysely';
import { allPreparedOnPostgres } from '../../db/prepared-statements.js';
import type { Database } from '../../db/schema.js';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import type { EventChanges } from '../live/changes.js';
import { findTicket } from '../tickets/get-ticket.js';
import { PostgresDoorScans } from './postgres-door-scans.js';
import { KnownRedeemed, redeemedTicket, TicketContexts } from './process-caches.js';
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
import { UnknownCodeCounter } from './unknown-code-counter.js';
import { logVoidScan } from './void-scans.js';

/**
 * The rule as PostgreSQL runs it, where each statement is a round trip and each transaction a
 * commit: each decision is one data-modifying WITH, so the conditional update, the counter bumps
 * and the scan log's row commit atomically in the statement's own transaction (one round trip
 * and one commit per scan; figures in docs/performance-history.md, "PostgreSQL door rush"). Row
 * locks decide concurrent scans: the loser's WHERE is re-checked after the winner commits. A
 * public scan is logged without door link, session or device: its door is the "public link".
 */
const statements = allPreparedOnPostgres({
  /** $1 at, $2 idempotency key, $3 ticket id, $4 counter slot, $5 the scan's id in the log. */
  win: `with won as (
      update tickets set redeemed_at = $1, redeem_key = $2 where id = $3 and redeemed_at is null
      returning event_seq, batch_seq),
    counted as (
      update event_counters c set redeemed = c.redeemed + 1 from won
      where c.event_seq = won.event_seq and c.slot = $4),
    batched as (
      insert into batch_counters (batch_seq, slot, redeemed) select batch_seq, $4, 1 from won
      on conflict (batch_seq, slot) do update set redeemed = batch_counters.redeemed + 1),
    logged as (
      insert into scans (id, event_seq, ticket_id, outcome, at, redeemed_at)
      select $5, event_seq, $3, 'admitted', $1, $1 from won)
    select event_seq, batch_seq from won`,
  /**
   * $1 ticket id, $2 idempotency key (a retry with the winner's key is not refused while the
   * redemption is later than $4, the key's window), $3 at, $5 the scan's id in the log.
   */
  duplicate: `with refused as (
      update tickets set duplicate_scans = duplicate_scans + 1
      where id = $1 and redeemed_at is not null
        and ($2::varchar is null or redeem_key is null or redeem_key <> $2 or redeemed_at < $4)
      returning event_seq, batch_seq, redeemed_at, duplicate_scans),
    logged as (
      insert into scans (id, event_seq, ticket_id, outcome, at, redeemed_at, duplicate_scans)
      select $5, event_seq, $1, 'already_redeemed', $3, redeemed_at, duplicate_scans from refused)
    select event_seq, batch_seq, redeemed_at, duplicate_scans from refused`,
  /** Codes no ticket has, counted on their client's row of the minute: $1 minute, $2 client address, $3 scans. */
  countUnknown: `insert into unknown_code_scans (minute, client_address, scans) values ($1, $2, $3)
    on conflict (minute, client_address) do update set scans = unknown_code_scans.scans + excluded.scans`,
});

/**
 * PostgreSQL: one statement per scan, on the pool's connections, so concurrent scans commit in
 * parallel. The same outcomes as the SQLite redeemer, scan for scan.
 */
export class PostgresRedeemer implements Redeemer {
  private readonly known = new KnownRedeemed();
  private readonly contexts = new TicketContexts();
  private readonly door: PostgresDoorScans;
  private readonly unknownCodes: UnknownCodeCounter;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes?: EventChanges,
  ) {
    this.door = new PostgresDoorScans(db, this.known, this.contexts, changes);
    this.unknownCodes = new UnknownCodeCounter((minute, client, scans) =>
      db.executeQuery(CompiledQuery.raw(statements.countUnknown, [minute, client, scans])),
    );
  }

  scanAtDoor(input: DoorScanInput): Promise<DoorScanDecision> {
    return this.door.decide(input);
  }

  async redeem(input: RedeemInput): Promise<RedeemResult> {
    const id = canonicalId(input.ticketId);
    const key = input.idempotencyKey ?? null;
    const at = nowIso();
    if (!this.known.has(id)) {
      const slot = Math.floor(Math.random() * COUNTER_SLOTS);
      const params = [at, key, id, slot, timeOrderedScanId()];
      const [won] = (await this.db.executeQuery<WonRow>(CompiledQuery.raw(statements.win, params))).rows;
      if (won) {
        this.changes?.touched(Number(won.event_seq));
        this.known.add(id);
        const context = await this.contexts.get(this.db, Number(won.event_seq), Number(won.batch_seq));
        return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
      }
    }
    const cutoff = key === null ? null : replayCutoff(at);
    const refuse = CompiledQuery.raw(statements.duplicate, [id, key, at, cutoff, timeOrderedScanId()]);
    const [duplicate] = (await this.db.executeQuery<RefusedRow>(refuse)).rows;
    if (duplicate) {
      this.changes?.touched(Number(duplicate.event_seq));
      this.known.add(id);
      const context = await this.contexts.get(this.db, Number(duplicate.event_seq), Number(duplicate.batch_seq));
      const ticket = redeemedTicket(id, context, duplicate.redeemed_at);
      return { outcome: 'duplicate', ticket, duplicateScans: Number(duplicate.duplicate_scans) };
    }
    // Neither won nor refused: an unknown code, or a retry carrying the winning key (a replay).
    // A ticket found ok was skipped as known redeemed when it was not (an undo); one found
    // redeemed without this key was redeemed by another scan between the two statements (after
    // an undo): decide either again.
    this.known.delete(id);
    const found = await findTicket(this.db, id);
    if (!found) {
      const { minute, client } = unknownCodeKey(at, input.client);
      await this.unknownCodes.count(minute, client);
      return { outcome: 'unknown' };
    }
    // Void (migration 011's trigger kept it from being won): refused, and logged.
    if (found.ticket.status === 'void') {
      await logVoidScan(this.db, { ticketId: id, eventSeq: found.eventSeq, at, reason: found.voidReason });
      this.changes?.touched(found.eventSeq);
      return { outcome: 'void', ticket: found.ticket, reason: found.voidReason };
    }
    if (found.ticket.status === 'ok' || !(await this.isReplay(id, key, at))) return this.redeem(input);
    // A retry is not a scan: like a door's retry with its scanId, it adds nothing to the log.
    return { outcome: 'replayed', ticket: found.ticket };
  }

  /** Whether the ticket's redemption is the one this idempotency key made, within its window. */
  private async isReplay(id: string, key: string | null, at: string): Promise<boolean> {
    if (key === null) return false;
    const row = await this.db
      .selectFrom('tickets')
      .select(['redeem_key', 'redeemed_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.redeem_key === key && row.redeemed_at !== null && row.redeemed_at >= replayCutoff(at);
  }
}
