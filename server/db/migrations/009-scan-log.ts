import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * One scan log: every scan of an event, at a door or a public endpoint, is a row of `scans`.
 *
 * - Public scans of known tickets are logged in `scans` from now on (no door link, no session, no
 *   device: the log names their door "public link"); `redemption_attempts` is no longer written.
 *   Its rows are copied here by one INSERT…SELECT: first redemptions as `admitted`, duplicates as
 *   `already_redeemed`. Replays (a retry with the winning Idempotency-Key) are not scans, and
 *   `unknown` rows belong to no event: neither is copied. The copies get new seqs after every
 *   door scan already logged, so in an event scanned both at a door and at a public link before
 *   this migration, the log's order (seq) puts those public scans after the door scans; their
 *   `at` is right, and the arrivals chart (by `at`) counts them where they belong. The old table
 *   and its rows stay.
 * - `scans.reason`: why an organiser undid an admission (≤ 200 characters).
 * - `scans_event_outcome_idx` (event_seq, outcome, seq): the log filtered by outcome, newest
 *   first, is one index range scan however many rows the event has.
 * - `scans_session_idx` becomes partial: public scans have no session, and would otherwise all
 *   land at the same place of that index, an index write per scan for nothing.
 * - `scan_minutes`: admitted and refused scans per event and minute (minutes since 1970), the
 *   rollup behind the arrivals chart, and `scan_rollups`: per event, the last seq folded into it.
 *   It is filled lazily, when the chart is read, from the log after that seq (see
 *   server/domain/scans/arrivals.ts): the door's hot path writes nothing more for it.
 * - `batch_counters`: redeemed tickets per batch, spread over slots like `event_counters`, so a
 *   batch's redeemed count is a sum of a few rows even for a batch of 1,000,000. Backfilled from
 *   the tickets.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('scans').addColumn('reason', 'varchar(200)').execute();
  await db.schema.createIndex('scans_event_outcome_idx').on('scans').columns(['event_seq', 'outcome', 'seq']).execute();
  await db.schema.dropIndex('scans_session_idx').execute();
  await db.schema
    .createIndex('scans_session_idx')
    .on('scans')
    .columns(['session_seq', 'seq'])
    .where(sql.ref('session_seq'), 'is not', null)
    .execute();

  // An id for each copied row: the log's own ids are UUIDs, a copy's is its attempt's number.
  await sql`insert into scans (id, event_seq, ticket_id, outcome, at, redeemed_at)
    select 'attempt-' || ${sql.raw(dialect === 'sqlite' ? 'a.id' : 'a.id::text')}, e.seq, a.ticket_id,
      case a.outcome when 'redeemed' then 'admitted' else 'already_redeemed' end,
      a.attempted_at, case a.outcome when 'redeemed' then a.attempted_at end
    from redemption_attempts a join events e on e.id = a.event_id
    where a.outcome in ('redeemed', 'duplicate')
    order by a.id`.execute(db);

  await db.schema
    .createTable('scan_minutes')
    .addColumn('event_seq', 'integer', (c) => c.notNull().references('events.seq').onDelete('cascade'))
    .addColumn('minute', 'integer', (c) => c.notNull())
    .addColumn('admitted', 'integer', (c) => c.notNull())
    .addColumn('refused', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('scan_minutes_pk', ['event_seq', 'minute'])
    .execute();
  await db.schema
    .createTable('scan_rollups')
    .addColumn('event_seq', 'integer', (c) => c.primaryKey().references('events.seq').onDelete('cascade'))
    .addColumn('folded_seq', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('batch_counters')
    .addColumn('batch_seq', 'integer', (c) => c.notNull().references('ticket_batches.seq').onDelete('cascade'))
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('redeemed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_counters_pk', ['batch_seq', 'slot'])
    .execute();
  await sql`insert into batch_counters (batch_seq, slot, redeemed)
    select batch_seq, 0, count(*) from tickets where redeemed_at is not null group by batch_seq`.execute(db);
}
