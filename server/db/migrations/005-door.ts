import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The door: links an organiser hands out, the sessions (devices) opened with them, and the log
 * of door scans. A ticket remembers which door link admitted it, so a refused scan can say where
 * the guest went in.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const serial = (big: boolean) => (dialect === 'sqlite' ? 'integer' : big ? 'bigserial' : 'serial');

  await db.schema
    .createTable('door_links')
    .addColumn('seq', serial(false), (c) => c.primaryKey())
    .addColumn('id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('event_seq', 'integer', (c) => c.notNull().references('events.seq').onDelete('cascade'))
    .addColumn('label', 'varchar(100)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(30)')
    .addColumn('last_used_at', 'varchar(30)')
    .execute();
  await db.schema.createIndex('door_links_event_idx').on('door_links').columns(['event_seq', 'seq']).execute();

  await db.schema
    .createTable('door_sessions')
    .addColumn('seq', serial(false), (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('link_seq', 'integer', (c) => c.notNull().references('door_links.seq').onDelete('cascade'))
    .addColumn('device', 'varchar(60)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('door_sessions_link_idx').on('door_sessions').column('link_seq').execute();

  // One row per door scan, whatever its outcome, and per undo. `id` is the client's scanId: a
  // retried scan finds its first answer here (redeemed_at, duplicate_scans and first_door are
  // what that answer said). Rows are appended in time order (seq), read per event and per device.
  await db.schema
    .createTable('scans')
    .addColumn('seq', serial(true), (c) => c.primaryKey())
    .addColumn('id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('event_seq', 'integer', (c) => c.notNull().references('events.seq').onDelete('cascade'))
    .addColumn('door_link_seq', 'integer')
    .addColumn('session_seq', 'integer')
    .addColumn('device', 'varchar(60)')
    .addColumn('ticket_id', 'varchar(36)')
    .addColumn('outcome', 'varchar(20)', (c) => c.notNull())
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .addColumn('redeemed_at', 'varchar(30)')
    .addColumn('duplicate_scans', 'integer')
    .addColumn('first_door', 'varchar(100)')
    .execute();
  await db.schema.createIndex('scans_event_idx').on('scans').columns(['event_seq', 'seq']).execute();
  await db.schema.createIndex('scans_session_idx').on('scans').columns(['session_seq', 'seq']).execute();

  // The door link whose scan redeemed the ticket; null for the public endpoints.
  await db.schema.alterTable('tickets').addColumn('redeemed_door_seq', 'integer').execute();
}
