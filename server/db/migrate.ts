import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './database.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-event-search.js';
import * as m003 from './migrations/003-attempt-log-append-only.js';
import * as m004 from './migrations/004-event-search-terms.js';
import * as m005 from './migrations/005-door.js';
import * as m006 from './migrations/006-pending-batches.js';
import * as m007 from './migrations/007-unknown-code-scans.js';
import * as m008 from './migrations/008-unbounded-keys.js';
import * as m009 from './migrations/009-scan-log.js';
import * as m010 from './migrations/010-labels-and-deletions.js';
import * as m011 from './migrations/011-void-tickets.js';
import * as m012 from './migrations/012-offline-door.js';

type DialectMigration = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

/** Every migration in order. Never edit one that has landed: add a new file. */
const migrations: Record<string, DialectMigration> = {
  '001-initial': m001,
  '002-event-search': m002,
  '003-attempt-log-append-only': m003,
  '004-event-search-terms': m004,
  '005-door': m005,
  '006-pending-batches': m006,
  '007-unknown-code-scans': m007,
  '008-unbounded-keys': m008,
  '009-scan-log': m009,
  '010-labels-and-deletions': m010,
  '011-void-tickets': m011,
  '012-offline-door': m012,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(migrations).map(([name, m]) => [name, { up: (db: Kysely<unknown>) => m.up(db, this.dialect) }]),
    );
  }
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));

/**
 * SQLite has no migration lock of its own in Kysely, and its migrator runs DDL outside a
 * transaction. Take the database's write lock (BEGIN IMMEDIATE) for the whole run instead,
 * polling without blocking the event loop, so processes starting together take turns.
 */
async function withSqliteWriteLock<T>(db: Kysely<unknown>, run: () => Promise<T>): Promise<T> {
  await sql`pragma busy_timeout = 0`.execute(db);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await sql`begin immediate`.execute(db);
        break;
      } catch (error) {
        if (!isSqliteBusy(error) || attempt > 600) throw error;
        await pause();
      }
    }
  } finally {
    await sql`pragma busy_timeout = 5000`.execute(db);
  }
  try {
    const result = await run();
    await sql`commit`.execute(db);
    return result;
  } catch (error) {
    await sql`rollback`.execute(db).catch(() => {});
    throw error;
  }
}

/**
 * Applies pending migrations and returns the names applied. On PostgreSQL, Kysely's migrator
 * holds an advisory lock, so processes starting at once take turns; SQLite uses its write lock.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  // Migrations written side by side may land out of order (a database that ran 010 before 009
  // existed): the missing one runs then, instead of the migrator refusing to start.
  const migrator = new Migrator({ db, provider: new StaticProvider(dialect), allowUnorderedMigrations: true });
  const run = async () => {
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  return dialect === 'sqlite' ? withSqliteWriteLock(db, run) : run();
}
