import type { Store } from '../../db/database.js';
import type { EventChanges } from '../live/changes.js';
import { PostgresRedeemer } from './postgres-redeemer.js';
import type { Redeemer } from './redeemer.js';
import { SqliteRedeemer } from './sqlite-redeemer.js';

/**
 * The redeemer for a store: group commit on SQLite, one statement per scan on PostgreSQL. Each
 * tells `changes` of the events a commit changed: once per event per group commit on SQLite,
 * once per scan on PostgreSQL.
 */
export function createRedeemer(store: Store, changes?: EventChanges): Redeemer {
  return store.dialect === 'sqlite'
    ? new SqliteRedeemer(store.db, undefined, changes)
    : new PostgresRedeemer(store.db, changes);
}
