import { type Kysely, sql } from 'kysely';

/**
 * Big writes in short transactions: a batch's tickets are written chunk by chunk, each chunk in
 * a transaction of its own, into a batch nobody can see until one last short transaction makes
 * it visible.
 *
 * - `ticket_batches.heartbeat_at`: null once the batch is visible (every batch before this
 *   migration). While it is pending, the time its writer last wrote a chunk; a batch silent for
 *   minutes was abandoned (its process died) and is removed, chunk by chunk.
 * - `ticket_batches.created_by`: the account that created the batch, for the hourly quota on
 *   tickets created; backfilled from the events' owners.
 * - A placeholder user owns every event still being created, so that each read scoped to an
 *   owner leaves them out without a change to its query. Its username holds a control character
 *   (registration refuses those) and its password hash is no scrypt hash: nobody can register it
 *   or sign in as it. Its id is PENDING_OWNER_ID in server/db/pending-batches.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_batches').addColumn('heartbeat_at', 'varchar(30)').execute();
  await db.schema.alterTable('ticket_batches').addColumn('created_by', 'varchar(36)').execute();
  await sql`update ticket_batches set created_by = (
    select owner_id from events where events.seq = ticket_batches.event_seq)`.execute(db);
  // The quota sums an account's batches of the last hour.
  await db.schema
    .createIndex('ticket_batches_created_by_idx')
    .on('ticket_batches')
    .columns(['created_by', 'created_at'])
    .execute();
  // The sweep looks for silent pending batches: only those are in this index, so it stays tiny.
  await db.schema
    .createIndex('ticket_batches_pending_idx')
    .on('ticket_batches')
    .column('heartbeat_at')
    .where(sql.ref('heartbeat_at'), 'is not', null)
    .execute();
  await sql`insert into users (id, username, username_key, password_hash, created_at)
    values ('00000000-0000-0000-0000-000000000000', ${'\u0001pending'}, ${'\u0001pending'}, '!', '1970-01-01T00:00:00.000Z')`.execute(
    db,
  );
}
