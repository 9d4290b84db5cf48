import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/** A database handle or an open transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

/** The current time as an ISO 8601 UTC string (millisecond precision). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Lowercase canonical form of a UUID accepted in any letter case. */
export function canonicalId(id: string): string {
  return id.toLowerCase();
}
