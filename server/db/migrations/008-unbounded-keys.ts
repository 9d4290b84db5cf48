import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The same inputs on both stores. `events.name_key` and `users.username_key` are derived from
 * names the API accepts by length (200 and 64 characters), but lowercasing and NFKC lengthen
 * some: 200 × `İ` lowercases to 400 characters, and `ﷺ` (U+FDFA) folds to 18. SQLite ignores
 * varchar lengths; PostgreSQL refused such rows (a 500). Both keys become unbounded text there.
 * The names themselves keep their lengths: the API checks them after normalising (NFC), so a
 * stored name, label or device name always fits its column.
 *
 * varchar to text is binary-compatible in PostgreSQL: no table rewrite, and the indexes stay.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.schema
    .alterTable('events')
    .alterColumn('name_key', (c) => c.setDataType('text'))
    .execute();
  await db.schema
    .alterTable('users')
    .alterColumn('username_key', (c) => c.setDataType('text'))
    .execute();
}
