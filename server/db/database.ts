import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type DatabaseConnection, type Driver, Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { preparedName } from './prepared-statements.js';
import type { Database } from './schema.js';
import { type Checkpointer, startCheckpointer } from './sqlite-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';

/** A database handle or an open transaction: what domain functions take. */
export type Db = Kysely<Database> | Transaction<Database>;

/** The database handle shared by the whole app. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite: the better-sqlite3 connection behind `db`, for a hot path that runs prepared
   * statements synchronously (the redeemer). Use it only while holding the connection through
   * `db.connection()`, so that no Kysely transaction is open on it.
   */
  sqlite?: SqliteDatabase.Database;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** SQLite synchronous mode: normal survives a process crash, full also a power loss. */
  sqliteSync?: 'normal' | 'full';
  /** SQLite: checkpoint the WAL from a worker thread, not inside the app's commits (sqlite-checkpointer.ts). */
  sqliteBackgroundCheckpoints?: boolean;
  /** PostgreSQL: connections in this process's pool. */
  poolSize?: number;
  /**
   * PostgreSQL: send the statements registered with preparedOnPostgres under their name (the
   * default); false sends them unnamed, as a connection pooler in transaction mode may need.
   */
  preparedStatements?: boolean;
  /** PostgreSQL: a statement running longer than this is cancelled (0 = no limit). */
  statementTimeoutMs?: number;
}

/** Where a database URL points, without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres (unparseable URL)';
  }
}

type Rollback = (connection: DatabaseConnection) => Promise<void>;

/**
 * Kysely rolls a failed transaction back and, when the rollback throws too, throws the rollback's
 * error instead of the one that failed the transaction: a full disk was logged as "cannot
 * rollback - no transaction is active". `rollback` wraps the driver's rollback so that it throws
 * only when something is left to roll back, and the real error reaches the error handler.
 */
function withRealErrors<D extends SqliteDialect | PostgresDialect>(
  dialect: D,
  rollback: (original: Rollback) => Rollback,
): D {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = (): Driver => {
    const driver = createDriver();
    driver.rollbackTransaction = rollback(driver.rollbackTransaction.bind(driver));
    return driver;
  };
  return dialect;
}

/** Opens the database named by a `sqlite:<path>` or `postgres://` URL. */
export function openStore(url: string, options: StoreOptions = {}): Store {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options);
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new Error(`Unsupported DATABASE_URL "${url}": use sqlite:<path> or postgres://...`);
}

function openSqlite(file: string, options: StoreOptions): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.sqliteSync === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -16384');
  sqlite.pragma('temp_store = MEMORY');
  const dialect = new SqliteDialect({ database: withStatementCache(sqlite) });
  const db = new Kysely<Database>({
    dialect: withRealErrors(dialect, (rollback) => async (connection) => {
      // After SQLITE_FULL or an I/O error SQLite has rolled the transaction back itself.
      if (sqlite.inTransaction) await rollback(connection);
    }),
  });
  let checkpointer: Checkpointer | undefined;
  if (options.sqliteBackgroundCheckpoints && file !== ':memory:') {
    sqlite.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(file, {
      hold: (work) => db.connection().execute(work),
      onUnaskedExit: () => {
        if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      },
    });
  }
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every statement anew; parsing the SQL costs more than running a redeem's
 * indexed lookups. The same SQL text maps to the same prepared statement, kept in a small LRU.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, size = 256) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Statements registered with preparedOnPostgres go out under their name, so this connection
 * parses and plans each once (Kysely calls `client.query(text, values)`).
 */
function sendPreparedByName(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' ? preparedName(text) : undefined;
    return name === undefined ? query(text, values, callback) : query({ name, text, values }, callback);
  };
}

function openPostgres(url: string, options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs || undefined,
    // Waiting for a pooled connection is normal under a door rush; only a database that cannot
    // be reached for this long turns into 503s.
    connectionTimeoutMillis: 60_000,
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A client in use that loses its connection (a failover, an administrator's terminate) fails
  // its query, then emits 'error' as well; the pool listens only while a client is idle, and an
  // 'error' nobody listens to would crash the process. The pool drops the client on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    if (options.preparedStatements !== false) sendPreparedByName(client);
  });
  const db = new Kysely<Database>({
    dialect: withRealErrors(new PostgresDialect({ pool }), (rollback) => async (connection) => {
      // An open connection takes ROLLBACK in any state: one that fails means the connection is
      // gone, and the pool drops a client that is no longer queryable when it is released.
      await rollback(connection).catch(() => {});
    }),
  });
  return {
    db,
    dialect: 'postgres',
    async close() {
      await db.destroy();
    },
  };
}
