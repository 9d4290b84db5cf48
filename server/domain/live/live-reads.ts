import { sql } from 'kysely';
import type { Scan } from '../../../shared/door.js';
import type { LiveCounters } from '../../../shared/event-activity.js';
import type { Db, Dialect } from '../../db/database.js';
import { PUBLIC_DOOR } from '../redemption/redeemer.js';
import type { Horizon } from './frontier.js';

/**
 * Where an event stands, read in one statement (one snapshot): its counters, the last scan of its
 * log that this snapshot sees, and on PostgreSQL the snapshot's transaction horizon (see LiveEvent).
 */
export interface EventHead {
  counters: LiveCounters;
  /** The highest `scans.seq` of the event this snapshot sees (0: none yet). */
  visible: number;
  /** PostgreSQL: the last seq drawn and the transactions writing the log (see ScanFrontier); null on SQLite. */
  horizon: Horizon | null;
}

interface HeadRow {
  total: number | string;
  redeemed: number | string | null;
  visible: number | string | null;
  holders?: string | null;
}

/** The head of an event, or null when it no longer exists. O(1): 16 counter rows and one index probe (PostgreSQL: and the horizon, one more statement). */
export async function readEventHead(db: Db, dialect: Dialect, eventSeq: number): Promise<EventHead | null> {
  // PostgreSQL: the horizon (see ScanFrontier). The last seq drawn is read first, in a statement
  // of its own, so that the lock holders read after it include every transaction that drew one.
  let last = 0;
  if (dialect === 'postgres') {
    const { rows } = await sql<{ last_seq: string | null }>`
      select pg_sequence_last_value(pg_get_serial_sequence('scans', 'seq')::regclass)::text as last_seq`.execute(db);
    last = Number(rows[0]?.last_seq ?? 0);
  }
  const horizon =
    dialect === 'postgres'
      ? sql`,
      (select string_agg(l.virtualtransaction, ',') from pg_locks l
        where l.locktype = 'relation' and l.relation = 'scans'::regclass and l.mode = 'RowExclusiveLock'
          and l.granted and l.pid <> pg_backend_pid()
          and l.database = (select oid from pg_database where datname = current_database())) as holders`
      : sql``;
  const { rows } = await sql<HeadRow>`
    select e.initial_tickets + e.additional_tickets as total,
      (select sum(c.redeemed) from event_counters c where c.event_seq = e.seq) as redeemed,
      (select max(s.seq) from scans s where s.event_seq = e.seq) as visible
      ${horizon}
    from events e where e.seq = ${eventSeq}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    counters: { totalTickets: Number(row.total), redeemedTickets: Number(row.redeemed ?? 0) },
    visible: Number(row.visible ?? 0),
    horizon: dialect === 'postgres' ? { last, holders: row.holders ? row.holders.split(',') : [] } : null,
  };
}

/** A scan of the log with its position there (the stream's event id). */
export interface PlacedScan {
  seq: number;
  scan: Scan;
}

/** The event's scans with `after < seq <= upTo`, oldest first, at most `limit` (the `(event_seq, seq)` index). */
export async function readScansBetween(
  db: Db,
  eventSeq: number,
  after: number,
  upTo: number,
  limit: number,
): Promise<PlacedScan[]> {
  if (upTo <= after) return [];
  const rows = await db
    .selectFrom('scans as s')
    .leftJoin('door_links as d', 'd.seq', 's.door_link_seq')
    .select(['s.seq', 's.id', 's.at', 's.ticket_id', 's.outcome', 's.device', 'd.label', 's.device_at'])
    .where('s.event_seq', '=', eventSeq)
    .where('s.seq', '>', after)
    .where('s.seq', '<=', upTo)
    .orderBy('s.seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    scan: {
      id: r.id,
      at: r.at,
      ticketId: r.ticket_id,
      outcome: r.outcome,
      // As the scan log names it: an undo without a door link is the organiser's.
      door: r.label ?? (r.outcome === 'undone' ? 'organiser' : PUBLIC_DOOR),
      device: r.device,
      deviceAt: r.device_at,
    },
  }));
}

/** How many scans of the event lie in `(after, upTo]`, counting no further than `max`. */
export async function countScansBetween(
  db: Db,
  eventSeq: number,
  after: number,
  upTo: number,
  max: number,
): Promise<number> {
  if (upTo <= after) return 0;
  const rows = await db
    .selectFrom('scans')
    .select('seq')
    .where('event_seq', '=', eventSeq)
    .where('seq', '>', after)
    .where('seq', '<=', upTo)
    .limit(max)
    .execute();
  return rows.length;
}
