import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * SQLite: a read-only view of the search index's terms with the number of names holding each
 * (fts5vocab). A search reads the counts of its query's trigrams first: the smallest bounds the
 * names the index could return, so a query whose trigrams are in most names goes straight to the
 * scan instead of paying for the index first. PostgreSQL plans this itself.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  await sql`create virtual table events_search_terms using fts5vocab(events_search, 'row')`.execute(db);
}
