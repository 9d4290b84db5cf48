import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import { createEvent, createUser, ticketIds, useApp } from './helper.js';

/** An app of one pooled connection, so the session that ran the scans is the one asked about them. */
function oneConnectionApp(databasePreparedStatements: boolean) {
  const ctx = useApp({ databasePoolSize: 1, databasePreparedStatements });

  /** Redeems each ticket through GET /redeem, all at once (so they share group statements). */
  async function redeemAll(ids: string[]) {
    const answers = await Promise.all(ids.map((id) => ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })));
    return answers.map((r) => r.statusCode);
  }

  /** The statements this app's one connection has prepared. */
  async function prepared() {
    const { rows } = await sql<{
      name: string;
      statement: string;
    }>`select name, statement from pg_prepared_statements`.execute(ctx.app.store.db);
    return rows;
  }

  /** A new event's ticket ids, and a reading of its counters. */
  async function freshTickets(count: number) {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: count });
    const ids = await ticketIds(ctx.app, owner.headers, event.id);
    const status = async () =>
      (await ctx.app.inject({ url: `/api/events/${event.id}/status`, headers: owner.headers })).json();
    return { ids, status };
  }

  return { redeemAll, prepared, freshTickets };
}

// PostgreSQL only (skipped in the SQLite project): SQLite's statements are prepared by the
// store's statement cache and the redeemer's own prepared statements, with no wire in between.
describe.runIf(testStore === 'postgres')(
  'PostgreSQL: the door rush statements are prepared once per connection',
  () => {
    describe('DATABASE_PREPARED_STATEMENTS=true (the default)', () => {
      const app = oneConnectionApp(true);

      it('groups of scans reuse one prepared statement and still decide each scan', async () => {
        const { ids, status } = await app.freshTickets(30);
        const groupStatements = async () => (await app.prepared()).filter((r) => r.statement.includes('with input as'));
        expect(await groupStatements()).toEqual([]);

        expect(await app.redeemAll(ids.slice(0, 10))).toEqual(ids.slice(0, 10).map(() => 200));
        expect(await app.redeemAll(ids.slice(10, 20))).toEqual(ids.slice(10, 20).map(() => 200));
        expect(await app.redeemAll(ids.slice(0, 10))).toEqual(ids.slice(0, 10).map(() => 410));

        const statements = await groupStatements();
        expect(statements).toHaveLength(1);
        expect(statements[0]?.name).toMatch(/^admit_\d+$/);
        expect(await status()).toEqual({ totalTickets: 30, redeemedTickets: 20 });
      });
    });

    describe('DATABASE_PREPARED_STATEMENTS=false (a pooler in transaction mode)', () => {
      const app = oneConnectionApp(false);

      it('every statement goes unnamed, and scans are decided alike', async () => {
        const { ids, status } = await app.freshTickets(10);
        expect(await app.redeemAll(ids)).toEqual(ids.map(() => 200));
        expect(await app.redeemAll(ids)).toEqual(ids.map(() => 410));
        expect(await status()).toEqual({ totalTickets: 10, redeemedTickets: 10 });
        expect(await app.prepared()).toEqual([]);
      });
    });
  },
);
