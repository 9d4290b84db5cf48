import type { Store } from '../../db/database.js';
import type { EventChanges } from '../live/changes.js';
import { PostgresRedeemer } from './postgres-redeemer.js';
import type { Redeemer } from './redeemer.js';
import { SqliteRedeemer } from './sqlite-redeemer.js';

/** The redeemer for a store: group commit on SQLite, one statement per scan on PostgreSQL. */
export function createRedeemer(store: Store, changes?: EventChanges): Redeemer {
  // TODO(issue 12, redemption owner): pass `changes` to the redeemers; they call
  // changes.touched(eventSeq) once per event per commit.
  void changes;
  return store.dialect === 'sqlite' ? new SqliteRedeemer(store.db) : new PostgresRedeemer(store.db);
}
