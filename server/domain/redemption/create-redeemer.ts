import type { Store } from '../../db/database.js';
import { PostgresRedeemer } from './postgres-redeemer.js';
import type { Redeemer } from './redeemer.js';
import { SqliteRedeemer } from './sqlite-redeemer.js';

/** The redeemer for a store: group commit on SQLite, one statement per scan on PostgreSQL. */
export function createRedeemer(store: Store): Redeemer {
  return store.dialect === 'sqlite' ? new SqliteRedeemer(store.db) : new PostgresRedeemer(store.db);
}
