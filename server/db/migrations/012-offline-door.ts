import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The door keeps working offline (issue 16).
 *
 * - `events.verifier_key`: the event's verifier key, 32 random bytes as hex, handed to its door
 *   sessions. A door device keeps 8 bytes of HMAC-SHA-256(key, ticket id) per ticket, never the
 *   ids themselves. Made on first use by a conditional update (`where verifier_key is null`) and
 *   read back, so every process agrees on it (server/domain/doors/verifier-key.ts).
 * - `scans.device_at`: the device's clock when it decided a scan offline; null for online scans.
 *   An offline scan's `at` is that time as well: the log shows when the guest was at the door.
 * - The scan log's new outcome `offline_double_entry` (a varchar, no schema change): a ticket a
 *   device admitted offline that had been redeemed elsewhere meanwhile.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('events').addColumn('verifier_key', 'varchar(64)').execute();
  await db.schema.alterTable('scans').addColumn('device_at', 'varchar(30)').execute();
}
