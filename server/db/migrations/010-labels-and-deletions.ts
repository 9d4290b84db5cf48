import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Organiser controls: ticket labels, and events deleted in the background.
 *
 * - `tickets.label`: an optional label per ticket (a holder's name, a seat), ≤ 200 characters after
 *   NFC, and `tickets.label_key`, the same folded for search (NFKD without marks, lowercased: see
 *   server/domain/tickets/labels.ts), unbounded like every key derived from a name (migration 008).
 *   A label search of an event must stay fast at 1,000,000 tickets: SQLite gets an FTS5 trigram
 *   index of the keys (kept by triggers, like the events search of migration 002), PostgreSQL a
 *   pg_trgm GIN index (skipped, as in 002, where the extension can't be had). Both are partial in
 *   effect: a ticket without a label is in neither, so creating a million tickets costs them nothing.
 *   The partial B-tree (event_seq, seq) of labelled tickets serves searches too short for a trigram.
 * - `event_deletions`: events being deleted. Deleting an event marks it here and hands it to a
 *   placeholder owner in one short transaction (every owner-scoped read leaves it out at once, as for
 *   an event still being created, migration 006); its rows are then removed chunk by chunk in the
 *   background, and a sweep at start resumes a removal a crash interrupted
 *   (server/domain/events/delete-event.ts). `heartbeat_at` is the remover's, so processes don't
 *   remove the same event at once.
 * - Redemptions of a deleted event's tickets must stop at the mark, not when the rows are gone: a
 *   trigger skips every update of a ticket whose event is marked (the redeemers' conditional updates
 *   then find no row, and the ticket reads as unknown). The check is one lookup in a table that is
 *   empty unless a deletion is in progress.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('label', 'varchar(200)').execute();
  await db.schema.alterTable('tickets').addColumn('label_key', 'text').execute();
  await db.schema
    .createIndex('tickets_labelled_idx')
    .on('tickets')
    .columns(['event_seq', 'seq'])
    .where(sql.ref('label_key'), 'is not', null)
    .execute();

  await db.schema
    .createTable('event_deletions')
    .addColumn('event_seq', 'integer', (c) => c.primaryKey())
    .addColumn('event_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('heartbeat_at', 'varchar(30)')
    .execute();

  // The owner of every event being deleted: like the placeholder of migration 006, nobody can
  // register it (its name holds a control character) or sign in as it (no scrypt hash).
  await sql`insert into users (id, username, username_key, password_hash, created_at)
    values ('00000000-0000-0000-0000-000000000001', ${'\u0001deleted'}, ${'\u0001deleted'}, '!', '1970-01-01T00:00:00.000Z')`.execute(
    db,
  );

  if (dialect === 'sqlite') await sqlite(db);
  else await postgres(db);
}

async function sqlite(db: Kysely<unknown>): Promise<void> {
  await sql`create virtual table ticket_labels using fts5(
    label_key, event_seq unindexed, tokenize = 'trigram case_sensitive 1'
  )`.execute(db);
  // Tickets are inserted without a label, so no insert trigger: a label arrives by update.
  await sql`create trigger ticket_labels_update after update of label_key on tickets begin
    delete from ticket_labels where rowid = old.seq;
    insert into ticket_labels (rowid, label_key, event_seq)
      select new.seq, new.label_key, new.event_seq where new.label_key is not null;
  end`.execute(db);
  await sql`create trigger ticket_labels_delete after delete on tickets when old.label_key is not null begin
    delete from ticket_labels where rowid = old.seq;
  end`.execute(db);
  await sql`create trigger tickets_of_deleted_events before update on tickets
    when exists (select 1 from event_deletions where event_seq = old.event_seq)
    begin select raise(ignore); end`.execute(db);
}

/** Errors that mean "pg_trgm can't be had here" (as in migration 002). */
const TRIGRAM_UNAVAILABLE = new Set(['42501', '58P01', '0A000', '42704']);

async function postgres(db: Kysely<unknown>): Promise<void> {
  await sql`savepoint label_trigram_index`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index tickets_label_key_trgm_idx on tickets using gin (label_key gin_trgm_ops)
      where label_key is not null`.execute(db);
    await sql`release savepoint label_trigram_index`.execute(db);
  } catch (error) {
    await sql`rollback to savepoint label_trigram_index`.execute(db);
    if (!TRIGRAM_UNAVAILABLE.has((error as { code?: string }).code ?? '')) throw error;
  }
  await sql`create function admit_skip_deleted_event_tickets() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from event_deletions where event_seq = old.event_seq) then
        return null;
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger tickets_of_deleted_events before update on tickets
    for each row execute function admit_skip_deleted_event_tickets()`.execute(db);
}
