import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Void tickets (issue 15): an organiser cancels a ticket (refunded, lost, sent to the wrong list)
 * and it never admits again, until unvoided.
 *
 * - `tickets.voided_at` (null: not void) and `tickets.void_reason` (the organiser's words, optional).
 *   Only a ticket that is not redeemed can be voided (server/domain/tickets/void-tickets.ts).
 * - `event_counters.voided` and `batch_counters.voided`: void tickets counted on the counter rows
 *   the redeemed counts live on. Voiding is an organiser action, never on the door's hot path, so it
 *   bumps slot 0 (an event's slots exist from its creation; a batch's slot row is made on demand).
 * - The partial index of void tickets by (event_seq, seq): listing or exporting an event's void
 *   tickets reads them alone; it is empty, and costs nothing, while no ticket is void.
 * - A void ticket is never admitted, whatever the redeemer: a trigger skips every update that would
 *   give a void ticket a redemption time, as migration 010's does for a deleted event's tickets, so
 *   the redeemers' conditional updates find no row and their refusal paths answer `void`. Unlike 010
 *   the trigger reads no other table: its condition is on the row's own columns.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('voided_at', 'varchar(30)').execute();
  await db.schema.alterTable('tickets').addColumn('void_reason', 'varchar(800)').execute();
  await db.schema
    .alterTable('event_counters')
    .addColumn('voided', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('batch_counters')
    .addColumn('voided', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('tickets_void_idx')
    .on('tickets')
    .columns(['event_seq', 'seq'])
    .where(sql.ref('voided_at'), 'is not', null)
    .execute();

  if (dialect === 'sqlite') {
    await sql`create trigger tickets_void_never_redeemed before update of redeemed_at on tickets
      when old.voided_at is not null and new.redeemed_at is not null
      begin select raise(ignore); end`.execute(db);
  } else {
    await sql`create function admit_skip_void_redemption() returns trigger language plpgsql as $$
      begin
        return null;
      end $$`.execute(db);
    await sql`create trigger tickets_void_never_redeemed before update of redeemed_at on tickets
      for each row when (old.voided_at is not null and new.redeemed_at is not null)
      execute function admit_skip_void_redemption()`.execute(db);
  }
}
