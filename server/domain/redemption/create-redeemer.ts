import type { Store } from '../../db/database.js';
import type { EventChanges } from '../live/changes.js';
import { PostgresGroupRedeemer } from './postgres-group-redeemer.js';
import type { Redeemer } from './redeemer.js';
import { SqliteRedeemer } from './sqlite-redeemer.js';

/**
 * The redeemer for a store: group commit on SQLite; on PostgreSQL one statement and one commit
 * per group of scans (public and door scans in a statement each). Each tells `changes` of the events a
 * commit changed, once per event per commit.
 */
export function createRedeemer(store: Store, changes?: EventChanges): Redeemer {
  return store.dialect === 'sqlite'
    ? new SqliteRedeemer(store.db, undefined, changes, store.sqlite)
    : new PostgresGroupRedeemer(store.db, changes);
}
