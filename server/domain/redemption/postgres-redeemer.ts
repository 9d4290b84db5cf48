import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import { findTicket } from '../tickets/get-ticket.js';
import { PostgresDoorScans } from './postgres-door-scans.js';
import { KnownRedeemed, redeemedTicket, TicketContexts } from './process-caches.js';
import {
  type DoorScanDecision,
  type DoorScanInput,
  type LoggedOutcome,
  type Redeemer,
  type RedeemInput,
  type RedeemResult,
  replayCutoff,
  unknownCodeKey,
} from './redeemer.js';
import type { RefusedRow, WonRow } from './rows.js';
import { UnknownCodeCounter } from './unknown-code-counter.js';

/**
 * The rule as PostgreSQL runs it, where each statement is a round trip and each transaction a
 * commit: each decision is one data-modifying WITH, so the conditional update, the counter bump
 * and the log insert commit atomically in the statement's own transaction (one round trip and
 * one commit per scan; figures in docs/performance-history.md, "PostgreSQL door rush"). Row
 * locks decide concurrent scans: the loser's WHERE is re-checked after the winner commits.
 */
const statements = {
  /** $1 at, $2 idempotency key, $3 ticket id, $4 counter slot. */
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
  /**
   * $1 ticket id, $2 idempotency key (a retry with the winner's key is not refused while the
   * redemption is later than $4, the key's window), $3 at.
   */
  duplicate: `with refused as (
      update tickets set duplicate_scans = duplicate_scans + 1
      where id = $1 and redeemed_at is not null
        and ($2::varchar is null or redeem_key is null or redeem_key <> $2 or redeemed_at < $4)
      returning event_seq, batch_seq, redeemed_at, duplicate_scans),
    logged as (
      insert into redemption_attempts (ticket_id, event_id, outcome, attempted_at)
      select $1, e.id, 'duplicate', $3 from refused join events e on e.seq = refused.event_seq)
    select event_seq, batch_seq, redeemed_at, duplicate_scans from refused`,
  /** A replay, logged on its own: $1 ticket id, $2 event id, $3 outcome, $4 at. */
  log: 'insert into redemption_attempts (ticket_id, event_id, outcome, attempted_at) values ($1, $2, $3, $4)',
  /** Codes no ticket has, counted on their client's row of the minute: $1 minute, $2 client address, $3 scans. */
  countUnknown: `insert into unknown_code_scans (minute, client_address, scans) values ($1, $2, $3)
    on conflict (minute, client_address) do update set scans = unknown_code_scans.scans + excluded.scans`,
};

/**
 * PostgreSQL: one statement per scan, on the pool's connections, so concurrent scans commit in
 * parallel. The same outcomes as the SQLite redeemer, scan for scan.
 */
export class PostgresRedeemer implements Redeemer {
  private readonly known = new KnownRedeemed();
  private readonly contexts = new TicketContexts();
  private readonly door: PostgresDoorScans;
  private readonly unknownCodes: UnknownCodeCounter;

  constructor(private readonly db: Kysely<Database>) {
    this.door = new PostgresDoorScans(db, this.known, this.contexts);
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
      const [won] = (await this.db.executeQuery<WonRow>(CompiledQuery.raw(statements.win, [at, key, id, slot]))).rows;
      if (won) {
        this.known.add(id);
        const context = await this.contexts.get(this.db, Number(won.event_seq), Number(won.batch_seq));
        return { outcome: 'redeemed', ticket: redeemedTicket(id, context, at) };
      }
    }
    const refuse = CompiledQuery.raw(statements.duplicate, [id, key, at, key === null ? null : replayCutoff(at)]);
    const [duplicate] = (await this.db.executeQuery<RefusedRow>(refuse)).rows;
    if (duplicate) {
      this.known.add(id);
      const context = await this.contexts.get(this.db, Number(duplicate.event_seq), Number(duplicate.batch_seq));
      const ticket = redeemedTicket(id, context, duplicate.redeemed_at);
      return { outcome: 'duplicate', ticket, duplicateScans: Number(duplicate.duplicate_scans) };
    }
    // Neither won nor refused: an unknown code, or a retry carrying the winning key (a replay).
    // A ticket found still ok was skipped as known redeemed when it was not: decide it again.
    this.known.delete(id);
    const found = await findTicket(this.db, id);
    if (found?.ticket.status === 'ok') return this.redeem(input);
    if (!found) {
      const { minute, client } = unknownCodeKey(at, input.client);
      await this.unknownCodes.count(minute, client);
      return { outcome: 'unknown' };
    }
    const outcome: LoggedOutcome = 'replayed';
    await this.db.executeQuery(CompiledQuery.raw(statements.log, [id, found.ticket.eventId, outcome, at]));
    return { outcome, ticket: found.ticket };
  }
}
