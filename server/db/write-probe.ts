import { sql } from 'kysely';
import type { Store } from './database.js';

/** What a failed probe throws when the database itself says nothing: a full SQLite file. */
class ProbeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks that a write could happen now, writing nothing; throws the database's own error when not.
 *
 * - SQLite: takes the write lock (`BEGIN IMMEDIATE`, refused on a read-only file or connection) and
 *   rolls back, and checks the file is below its page limit. Another process holding the lock is
 *   writing, so the path is open: that counts as ready, and the probe never waits for the lock
 *   (busy_timeout would block the event loop).
 * - PostgreSQL: a server in recovery (a standby) cannot write; otherwise an UPDATE that matches
 *   nothing, in a transaction rolled back, is refused in a read-only transaction
 *   (`default_transaction_read_only`, read-only replicas).
 *
 * A full disk shows only when a write needs space: writes then answer 503 `storage_unavailable`.
 */
export async function probeWrites(store: Store): Promise<void> {
  await store.db.connection().execute(async (db) => {
    if (store.dialect === 'sqlite') {
      const busy = await sql<{ timeout: number }>`select timeout from pragma_busy_timeout`.execute(db);
      await sql`pragma busy_timeout = 0`.execute(db);
      try {
        await sql`begin immediate`.execute(db);
        await sql`rollback`.execute(db);
      } catch (error) {
        if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw error;
      } finally {
        await sql.raw(`pragma busy_timeout = ${Number(busy.rows[0]?.timeout ?? 5000)}`).execute(db);
      }
      const pages = await sql<{ used: number; max: number }>`
        select (select page_count from pragma_page_count) as used, (select max_page_count from pragma_max_page_count) as max`.execute(
        db,
      );
      const { used, max } = pages.rows[0] ?? { used: 0, max: 1 };
      if (used >= max) throw new ProbeError('SQLITE_FULL', 'the database file has reached its page limit');
      return;
    }
    const recovery = await sql<{ standby: boolean }>`select pg_is_in_recovery() as standby`.execute(db);
    if (recovery.rows[0]?.standby) throw new ProbeError('25006', 'the database is a standby in recovery');
    await sql`begin`.execute(db);
    try {
      await sql`set local lock_timeout = '2s'`.execute(db);
      await sql`update users set id = id where false`.execute(db);
    } finally {
      await sql`rollback`.execute(db);
    }
  });
}
