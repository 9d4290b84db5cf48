import type { Kysely } from 'kysely';

/**
 * Scans of unknown codes at the public endpoints are counted, not logged one row each: one row
 * per minute and client address, its count bumped by an upsert. A flood of made-up codes then
 * writes a row per address and minute instead of a row per request. The code itself is not
 * kept: it names no ticket. Rows older than this migration stay in redemption_attempts as they are.
 * The key starts with the minute, so rows are appended in time order and old ones can be
 * removed by range.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('unknown_code_scans')
    .addColumn('minute', 'varchar(30)', (c) => c.notNull())
    .addColumn('client_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('scans', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('unknown_code_scans_pk', ['minute', 'client_address'])
    .execute();
}
