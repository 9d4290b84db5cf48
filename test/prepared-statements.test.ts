import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { nowIso } from '../server/domain/common.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import { type FreshDatabase, freshPostgres, testStore } from './databases.js';

// PostgreSQL only (skipped in the SQLite project): SQLite's statements are prepared by the
// store's statement cache and the redeemer's own prepared statements, with no wire in between.
describe.runIf(testStore === 'postgres')(
  'PostgreSQL: the door rush statements are prepared once per connection',
  () => {
    let fresh: FreshDatabase;
    let store: Store;

    beforeAll(async () => {
      fresh = await freshPostgres();
      // One connection, so the session that ran the group statement is the one asked about it.
      store = openStore(fresh.url, { poolSize: 1 });
      await migrateToLatest(store.db as never, 'postgres');
    });

    afterAll(async () => {
      await store?.close();
      await fresh?.cleanup();
    });

    async function ticketsOfNewEvent(count: number): Promise<string[]> {
      const ownerId = randomUUID();
      await store.db
        .insertInto('users')
        .values({ id: ownerId, username: ownerId, username_key: ownerId, password_hash: 'x', created_at: nowIso() })
        .execute();
      const event = await createEvent(store.db, ownerId, {
        name: 'Prepared',
        date: '2026-12-31',
        initialTickets: count,
      });
      const rows = await store.db
        .selectFrom('tickets')
        .innerJoin('events', 'events.seq', 'tickets.event_seq')
        .select('tickets.id')
        .where('events.id', '=', event.id)
        .orderBy('tickets.seq')
        .execute();
      return rows.map((r) => r.id);
    }

    const preparedGroupStatements = async () =>
      (
        await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(
          store.db,
        )
      ).rows.filter((r) => r.statement.includes('with input as'));

    it('groups of scans reuse one prepared statement and still decide each scan', async () => {
      const redeemer = createRedeemer(store);
      const ids = await ticketsOfNewEvent(30);
      expect(await preparedGroupStatements()).toEqual([]);

      const scanAll = async (batch: string[]) =>
        (await Promise.all(batch.map((ticketId) => redeemer.redeem({ ticketId })))).map((r) => r.outcome);
      expect(await scanAll(ids.slice(0, 10))).toEqual(ids.slice(0, 10).map(() => 'redeemed'));
      expect(await scanAll(ids.slice(10, 20))).toEqual(ids.slice(10, 20).map(() => 'redeemed'));
      expect(await scanAll(ids.slice(0, 10))).toEqual(ids.slice(0, 10).map(() => 'duplicate'));

      const prepared = await preparedGroupStatements();
      expect(prepared).toHaveLength(1);
      expect(prepared[0]?.name).toMatch(/^admit_\d+$/);
      const redeemed = await store.db
        .selectFrom('tickets')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('id', 'in', ids)
        .where('redeemed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      expect(Number(redeemed.n)).toBe(20);
    });

    it('with preparedStatements: false (a pooler in transaction mode), every statement goes unnamed', async () => {
      const unnamed = openStore(fresh.url, { poolSize: 1, preparedStatements: false });
      try {
        const redeemer = createRedeemer(unnamed);
        const ids = await ticketsOfNewEvent(10);
        const outcomes = await Promise.all(ids.map((ticketId) => redeemer.redeem({ ticketId })));
        expect(outcomes.map((r) => r.outcome)).toEqual(ids.map(() => 'redeemed'));
        const { rows } = await sql<{ n: string }>`select count(*) as n from pg_prepared_statements`.execute(unnamed.db);
        expect(Number(rows[0]?.n)).toBe(0);
      } finally {
        await unnamed.close();
      }
    });
  },
);
