import { CompiledQuery, type Kysely } from 'kysely';
import { preparedOnPostgres } from '../../db/prepared-statements.js';
import type { Database } from '../../db/schema.js';
import { canonicalId, nowIso } from '../common.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';
import type { EventChanges } from '../live/changes.js';
import { PostgresRedeemer } from './postgres-redeemer.js';
import { redeemedTicket, TicketContexts } from './process-caches.js';
import {
  type DoorScanDecision,
  type DoorScanInput,
  PUBLIC_DOOR,
  type Redeemer,
  type RedeemInput,
  type RedeemResult,
  replayCutoff,
} from './redeemer.js';
import { timeOrderedScanId } from './scan-ids.js';

/**
 * The public redemptions of a group in one statement, so one commit (one WAL flush) serves them
 * all. The rule is the one PostgresRedeemer runs per scan, over arrays:
 * $1 ticket ids (distinct), $2 their idempotency keys, $3 scan times, $4 replay cutoffs (the
 * key's window), $5 the scans' ids in the log, $6 the counter slot of this group.
 *
 * Every transaction takes its locks in one order, so concurrent groups (in this process or
 * another) and single scans never deadlock: the group's tickets first, all of them, by id
 * (`locked`; the updates' own join order would lock the won set before the refused set, each in
 * plan order, and two groups would wait on each other), then the event counters by event, then
 * the batch counters by batch. A single scan locks one ticket, then its counters.
 *
 * - `won`: only a ticket still ok becomes redeemed;
 * - `refused`: a ticket already redeemed counts one more duplicate, unless the scan carries the
 *   winning key within its window (a replay, answered by the per-scan path);
 * - the event's and the batch's counters go up by the group's winners, on one slot;
 * - every won or refused scan is a row of the scan log.
 * Both updates read the same snapshot, so a ticket is in at most one of them. A scan in neither
 * (a code no ticket has, a replay, a ticket redeemed or undone by a transaction that committed
 * while this one ran) is decided again by the per-scan path.
 */
const groupStatement = preparedOnPostgres(`with input as (
    select * from unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[])
      with ordinality as i(id, key, at, cutoff, scan_id, n)),
  locked as (
    select t.id from tickets t where t.id = any($1::varchar[]) order by t.id for no key update),
  won as (
    update tickets t set redeemed_at = i.at, redeem_key = i.key
    from locked l join input i on i.id = l.id where t.id = l.id and t.redeemed_at is null
    returning i.n, t.event_seq, t.batch_seq),
  refused as (
    update tickets t set duplicate_scans = t.duplicate_scans + 1
    from locked l join input i on i.id = l.id
    where t.id = l.id and t.redeemed_at is not null
      and (i.key is null or t.redeem_key is null or t.redeem_key <> i.key or t.redeemed_at < i.cutoff)
    returning i.n, t.event_seq, t.batch_seq, t.redeemed_at, t.duplicate_scans),
  counted as (
    insert into event_counters (event_seq, slot, redeemed)
    select event_seq, $6, count(*) from won group by event_seq order by event_seq
    on conflict (event_seq, slot) do update set redeemed = event_counters.redeemed + excluded.redeemed),
  batched as (
    insert into batch_counters (batch_seq, slot, redeemed)
    select batch_seq, $6, count(*) from won group by batch_seq order by batch_seq
    on conflict (batch_seq, slot) do update set redeemed = batch_counters.redeemed + excluded.redeemed),
  logged as (
    insert into scans (id, event_seq, ticket_id, outcome, at, redeemed_at, duplicate_scans)
    select i.scan_id, d.event_seq, i.id, d.outcome, i.at, d.redeemed_at, d.duplicate_scans
    from (
      select n, event_seq, 'admitted' as outcome, null::varchar as redeemed_at, null::integer as duplicate_scans
      from won
      union all
      select n, event_seq, 'already_redeemed', redeemed_at, duplicate_scans from refused
    ) d join input i on i.n = d.n
    order by i.scan_id)
  select n, event_seq, batch_seq, null::varchar as redeemed_at, null::integer as duplicate_scans from won
  union all
  select n, event_seq, batch_seq, redeemed_at, duplicate_scans from refused`);

/**
 * The door scans of a group in one statement, by the door's rule (PostgresDoorScans): only a
 * ticket of the door's event, and only while the scan's door link is live, checked in this same
 * statement; a scan whose id is in the log already (a retry) is left out. $1 ticket ids, $2 scan
 * times, $3 the doors' events, $4 links, $5 sessions, $6 devices, $7 scan ids, $8 counter slot.
 * A scan left undecided (its link revoked, a retry, a ticket of another event or of none, a ticket
 * changed by a transaction that committed while this one ran) goes the per-scan way.
 */
const doorStatement = preparedOnPostgres(`with input as (
    select * from unnest($1::varchar[], $2::varchar[], $3::integer[], $4::integer[], $5::integer[],
      $6::varchar[], $7::varchar[])
      with ordinality as i(id, at, event_seq, link_seq, session_seq, device, scan_id, n)),
  live as (
    select i.* from input i join door_links d on d.seq = i.link_seq
    where d.revoked_at is null and d.expires_at > i.at
      and not exists (select 1 from scans s where s.id = i.scan_id)),
  locked as (
    select t.id from tickets t where t.id in (select id from live) order by t.id for no key update),
  won as (
    update tickets t set redeemed_at = l.at, redeem_key = null, redeemed_door_seq = l.link_seq
    from locked k join live l on l.id = k.id
    where t.id = k.id and t.redeemed_at is null and t.event_seq = l.event_seq
    returning l.n, t.event_seq, t.batch_seq),
  refused as (
    update tickets t set duplicate_scans = t.duplicate_scans + 1
    from locked k join live l on l.id = k.id
    where t.id = k.id and t.redeemed_at is not null and t.event_seq = l.event_seq
    returning l.n, t.event_seq, t.batch_seq, t.redeemed_at, t.duplicate_scans, t.redeemed_door_seq),
  named as (
    select r.*, coalesce(d.label, '${PUBLIC_DOOR}') as first_door
    from refused r left join door_links d on d.seq = r.redeemed_door_seq),
  counted as (
    insert into event_counters (event_seq, slot, redeemed)
    select event_seq, $8, count(*) from won group by event_seq order by event_seq
    on conflict (event_seq, slot) do update set redeemed = event_counters.redeemed + excluded.redeemed),
  batched as (
    insert into batch_counters (batch_seq, slot, redeemed)
    select batch_seq, $8, count(*) from won group by batch_seq order by batch_seq
    on conflict (batch_seq, slot) do update set redeemed = batch_counters.redeemed + excluded.redeemed),
  logged as (
    insert into scans (id, event_seq, door_link_seq, session_seq, device, ticket_id, outcome, at, redeemed_at,
      duplicate_scans, first_door)
    select i.scan_id, i.event_seq, i.link_seq, i.session_seq, i.device, i.id, d.outcome, i.at,
      coalesce(d.redeemed_at, i.at), d.duplicate_scans, d.first_door
    from (
      select n, 'admitted' as outcome, null::varchar as redeemed_at, null::integer as duplicate_scans,
        null::varchar as first_door
      from won
      union all
      select n, 'already_redeemed', redeemed_at, duplicate_scans, first_door from named
    ) d join input i on i.n = d.n
    order by i.scan_id)
  select n, event_seq, batch_seq, null::varchar as redeemed_at, null::integer as duplicate_scans,
    null::varchar as first_door from won
  union all
  select n, event_seq, batch_seq, redeemed_at, duplicate_scans, first_door from named`);

/** What the group statement says of one scan: won (no redeemed_at) or refused. */
interface GroupRow {
  n: string | number;
  event_seq: number;
  batch_seq: number;
  redeemed_at: string | null;
  duplicate_scans: number | null;
}

/** The door statement's row: the same, with the door that admitted a refused ticket. */
interface DoorGroupRow extends GroupRow {
  first_door: string | null;
}

/** A queued scan: public (`input`) or at a door (`door`), of the ticket `id`. */
type Pending = { id: string; reject: (error: unknown) => void } & (
  | { input: RedeemInput; door?: undefined; resolve: (result: RedeemResult) => void }
  | { door: DoorScanInput; input?: undefined; resolve: (result: DoorScanDecision) => void }
);

type PublicPending = Extract<Pending, { input: RedeemInput }>;
type DoorPending = Extract<Pending, { door: DoorScanInput }>;

/** How many groups may be in flight at once, and how big a group may grow. */
export interface GroupOptions {
  /** Groups in flight (each holds one pool connection while it runs). */
  maxInFlight: number;
  maxGroup: number;
}

/**
 * Measured on 2 cores with 64 connections and the default pool of 10 (npm run bench, see
 * docs/performance-history.md): 8 groups in flight redeemed about twice as many scans a second
 * as 4, each commit waiting for its WAL flush while the others run; a group of a turn's public
 * and door scans runs both statements at once.
 */
export const GROUP_DEFAULTS: GroupOptions = { maxInFlight: 8, maxGroup: 256 };

/**
 * PostgreSQL with group redemption: public scans that arrive while earlier groups run are
 * redeemed together, one statement and one commit per group, with per-scan outcomes, counters
 * and log rows as PostgresRedeemer gives them scan by scan; door scans likewise, in a statement
 * of their own per group. Exactly-once holds as there: the conditional update decides under the
 * row lock. Codes no ticket has, replays, retries, revoked links, other events' tickets and scans
 * caught by a concurrent change are decided by PostgresRedeemer, one statement each.
 */
export class PostgresGroupRedeemer implements Redeemer {
  private readonly single: PostgresRedeemer;
  private readonly contexts = new TicketContexts();
  private queue: Pending[] = [];
  /** Tickets of the groups in flight: a later scan of one waits for its group, as if it came after. */
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes?: EventChanges,
    private readonly options: GroupOptions = GROUP_DEFAULTS,
  ) {
    this.single = new PostgresRedeemer(db, changes);
  }

  scanAtDoor(door: DoorScanInput): Promise<DoorScanDecision> {
    const ticketId = door.ticketId;
    // A code without a ticket id is only logged: one statement, nothing to share. An offline
    // upload is rare and has rules of its own: the per-scan path decides it.
    if (ticketId === null || door.offline) return this.single.scanAtDoor(door);
    return new Promise<DoorScanDecision>((resolve, reject) => {
      this.enqueue({ door, id: canonicalId(ticketId), resolve, reject });
    });
  }

  redeem(input: RedeemInput): Promise<RedeemResult> {
    return new Promise<RedeemResult>((resolve, reject) => {
      this.enqueue({ input, id: canonicalId(input.ticketId), resolve, reject });
    });
  }

  private enqueue(item: Pending): void {
    this.queue.push(item);
    // The scans parsed in this turn of the event loop join one group.
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** Starts groups while fewer than maxInFlight run. */
  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const group = this.takeGroup();
      if (group.length === 0) return; // every queued scan waits for a group in flight
      this.inFlight++;
      void this.run(group).finally(() => {
        for (const item of group) this.busy.delete(item.id);
        this.inFlight--;
        this.pump();
      });
    }
  }

  /**
   * The next group: queued scans in order, one per ticket; a scan of a ticket already in this
   * group or in one in flight waits for a later group, so scans of a ticket are decided in the
   * order they came.
   */
  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    const rest: Pending[] = [];
    for (const item of this.queue) {
      if (group.length < this.options.maxGroup && !this.busy.has(item.id)) {
        this.busy.add(item.id);
        group.push(item);
      } else {
        rest.push(item);
      }
    }
    this.queue = rest;
    return group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Runs the group's public scans and its door scans, each kind in one statement of its own. */
  private async run(group: Pending[]): Promise<void> {
    const scans: PublicPending[] = [];
    const doors: DoorPending[] = [];
    for (const item of group) {
      if (item.input) scans.push(item);
      else doors.push(item as DoorPending);
    }
    await Promise.all([scans.length ? this.runPublic(scans) : null, doors.length ? this.runDoor(doors) : null]);
  }

  private async runPublic(group: PublicPending[]): Promise<void> {
    const at = group.map(() => nowIso());
    let rows: GroupRow[];
    try {
      const keys = group.map((p) => p.input.idempotencyKey ?? null);
      const query = CompiledQuery.raw(groupStatement, [
        group.map((p) => p.id),
        keys,
        at,
        keys.map((key, i) => (key === null ? null : replayCutoff(at[i] as string))),
        group.map(() => timeOrderedScanId()),
        Math.floor(Math.random() * COUNTER_SLOTS),
      ]);
      rows = (await this.db.executeQuery<GroupRow>(query)).rows;
    } catch {
      // Nothing of the group was committed (a deadlock with another group, a lost connection):
      // decide each scan on its own, so one failure cannot fail its neighbours.
      await Promise.all(group.map((item) => this.single.redeem(item.input).then(item.resolve, item.reject)));
      return;
    }
    const decided = new Map<number, GroupRow>();
    const touched = new Set<number>();
    for (const row of rows) {
      decided.set(Number(row.n) - 1, row);
      touched.add(Number(row.event_seq));
    }
    if (this.changes) for (const eventSeq of touched) this.changes.touched(eventSeq);
    // The group's tickets stay busy until every scan of it is answered (the rest one by one).
    await Promise.all(
      group.map((item, i) => {
        const row = decided.get(i);
        const result = row ? this.answer(item, row, at[i] as string) : this.single.redeem(item.input);
        return result.then(item.resolve, item.reject);
      }),
    );
  }

  private async runDoor(group: DoorPending[]): Promise<void> {
    const at = nowIso();
    let rows: DoorGroupRow[];
    try {
      const doors = group.map((item) => item.door);
      const query = CompiledQuery.raw(doorStatement, [
        group.map((item) => item.id),
        group.map(() => at),
        doors.map((d) => d.door.eventSeq),
        doors.map((d) => d.door.linkSeq),
        doors.map((d) => d.door.sessionSeq),
        doors.map((d) => d.door.device),
        doors.map((d) => d.scanId),
        Math.floor(Math.random() * COUNTER_SLOTS),
      ]);
      rows = (await this.db.executeQuery<DoorGroupRow>(query)).rows;
    } catch {
      // Nothing committed (a retry racing its first attempt in another process, a deadlock):
      // each scan on its own.
      await Promise.all(group.map((item) => this.single.scanAtDoor(item.door).then(item.resolve, item.reject)));
      return;
    }
    const decided = new Map<number, DoorGroupRow>();
    const touched = new Set<number>();
    for (const row of rows) {
      decided.set(Number(row.n) - 1, row);
      touched.add(Number(row.event_seq));
    }
    if (this.changes) for (const eventSeq of touched) this.changes.touched(eventSeq);
    await Promise.all(
      group.map((item, i) => {
        const row = decided.get(i);
        const result = row ? this.answerDoor(item, row, at) : this.single.scanAtDoor(item.door);
        return result.then(item.resolve, item.reject);
      }),
    );
  }

  private async answerDoor(item: DoorPending, row: DoorGroupRow, at: string): Promise<DoorScanDecision> {
    const context = await this.contexts.get(this.db, Number(row.event_seq), Number(row.batch_seq));
    const scan = { id: item.door.scanId, at };
    if (row.redeemed_at === null) {
      return { outcome: 'admitted', scan, ticket: redeemedTicket(item.id, context, at) };
    }
    return {
      outcome: 'already_redeemed',
      scan,
      ticket: redeemedTicket(item.id, context, row.redeemed_at),
      redeemedAt: row.redeemed_at,
      redeemedAtDoor: row.first_door ?? PUBLIC_DOOR,
      duplicateScans: Number(row.duplicate_scans),
    };
  }

  private async answer(item: PublicPending, row: GroupRow, at: string): Promise<RedeemResult> {
    const context = await this.contexts.get(this.db, Number(row.event_seq), Number(row.batch_seq));
    if (row.redeemed_at === null) return { outcome: 'redeemed', ticket: redeemedTicket(item.id, context, at) };
    const ticket = redeemedTicket(item.id, context, row.redeemed_at);
    return { outcome: 'duplicate', ticket, duplicateScans: Number(row.duplicate_scans) };
  }
}
