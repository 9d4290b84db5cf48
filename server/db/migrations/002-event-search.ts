import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * An index for the events-list search (`name_key` contains q), which otherwise reads every event
 * of the owner: 100,000 events took 13 ms to count even when one name matched.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') await sqliteSearchIndex(db);
  else await postgresTrigramIndex(db);
}

/**
 * SQLite: an FTS5 trigram index over name_key (needs SQLite 3.34; better-sqlite3 12 bundles 3.53).
 * It keeps its own copy of name_key and owner_id, so a search can count the owner's matches from
 * the index alone: with 15,000 candidates that took 9 ms, against 18 ms looking each one up in the
 * 18 MB events table (external content). Triggers keep it in step with every write to events,
 * including rows written by other tools (the bench seeds the file directly). They delete by
 * rowid: unlike with external content, a delete can't corrupt the index by passing other values
 * than were indexed.
 * `case_sensitive 1`: name_key is already lowercased in JavaScript, and a second case folding in
 * SQLite could only disagree with it; the index then holds exactly name_key's trigrams.
 */
async function sqliteSearchIndex(db: Kysely<unknown>): Promise<void> {
  await sql`create virtual table events_search using fts5(
    name_key, owner_id unindexed, tokenize = 'trigram case_sensitive 1'
  )`.execute(db);
  await sql`insert into events_search (rowid, name_key, owner_id) select seq, name_key, owner_id from events`.execute(
    db,
  );
  await sql`create trigger events_search_insert after insert on events begin
    insert into events_search (rowid, name_key, owner_id) values (new.seq, new.name_key, new.owner_id);
  end`.execute(db);
  await sql`create trigger events_search_delete after delete on events begin
    delete from events_search where rowid = old.seq;
  end`.execute(db);
  // Only the columns it copies: adding tickets updates events too, and must not rewrite the index.
  await sql`create trigger events_search_update after update of seq, name_key, owner_id on events begin
    delete from events_search where rowid = old.seq;
    insert into events_search (rowid, name_key, owner_id) values (new.seq, new.name_key, new.owner_id);
  end`.execute(db);
}

/** Errors that mean "pg_trgm can't be had here": not installed, not allowed, or not on the search path. */
const TRIGRAM_UNAVAILABLE = new Set(['42501', '58P01', '0A000', '42704']);

/**
 * PostgreSQL: a GIN trigram index lets `name_key like '%q%'` find matches without reading every
 * event. Creating the pg_trgm extension needs rights a managed database may not grant; then the
 * migration still succeeds without the index and search keeps working, only slower. The migrator
 * runs this in a transaction, where one failed statement would abort the rest: a savepoint
 * contains the failure.
 */
async function postgresTrigramIndex(db: Kysely<unknown>): Promise<void> {
  await sql`savepoint trigram_index`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index events_name_key_trgm_idx on events using gin (name_key gin_trgm_ops)`.execute(db);
    await sql`release savepoint trigram_index`.execute(db);
  } catch (error) {
    await sql`rollback to savepoint trigram_index`.execute(db);
    if (!TRIGRAM_UNAVAILABLE.has((error as { code?: string }).code ?? '')) throw error;
  }
}
