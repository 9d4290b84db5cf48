import { describe, expect, it } from 'vitest';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import { SqliteRedeemer } from '../server/domain/redemption/sqlite-redeemer.js';
import { testStore } from './databases.js';
import { createEvent, createUser, dbSnapshot, ticketIds, unknownId, useApp } from './helper.js';

const ctx = useApp();

async function eventWithTickets(count: number) {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { initialTickets: count });
  return { headers, event, ids: await ticketIds(ctx.app, headers, event.id) };
}

async function status(headers: Record<string, string>, eventId: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/status`, headers })).json();
}

describe(`the redeemer of the store (${testStore})`, () => {
  it('decides a burst of scans with each outcome exactly as if alone, logs every scan of a ticket and counts the unknown', async () => {
    const { headers, event, ids } = await eventWithTickets(300);
    const redeemer = createRedeemer(ctx.app.store);
    const before = await ctx.app.store.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const unknownBefore = (await dbSnapshot(ctx.app)).unknownCodeScans;

    // 300 first scans, 300 duplicates and 50 unknown codes, all in flight at once.
    const scans = [...ids, ...ids, ...Array.from({ length: 50 }, unknownId)];
    const results = await Promise.all(scans.map((ticketId) => redeemer.redeem({ ticketId })));
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.slice(0, 300).every((o) => o === 'redeemed')).toBe(true);
    expect(outcomes.slice(300, 600).every((o) => o === 'duplicate')).toBe(true);
    expect(outcomes.slice(600).every((o) => o === 'unknown')).toBe(true);

    expect(await status(headers, event.id)).toEqual({ totalTickets: 300, redeemedTickets: 300 });
    const after = await ctx.app.store.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(600);
    expect((await dbSnapshot(ctx.app)).unknownCodeScans - unknownBefore).toBe(50);
  });

  it('a retry with the winning idempotency key replays; another key is a duplicate', async () => {
    const { ids } = await eventWithTickets(1);
    const ticketId = ids[0] as string;
    const redeemer = createRedeemer(ctx.app.store);
    const first = await redeemer.redeem({ ticketId, idempotencyKey: 'scan-1' });
    const retry = await redeemer.redeem({ ticketId, idempotencyKey: 'scan-1' });
    const other = await redeemer.redeem({ ticketId, idempotencyKey: 'scan-2' });
    expect(first.outcome).toBe('redeemed');
    expect(retry).toEqual(first.outcome === 'redeemed' ? { outcome: 'replayed', ticket: first.ticket } : null);
    expect(other).toMatchObject({ outcome: 'duplicate', duplicateScans: 1 });
  });
});

// Group commit exists only on SQLite, where one connection writes at a time.
if (testStore === 'sqlite') {
  describe('group commit (SqliteRedeemer)', () => {
    it('a failure in one scan of a group does not fail the others', async () => {
      const { ids } = await eventWithTickets(5);
      const redeemer = new SqliteRedeemer(ctx.app.store.db, 64);
      // An id of the wrong type makes its statements throw inside the shared transaction.
      const bad = redeemer.redeem({ ticketId: undefined as unknown as string });
      const good = ids.map((ticketId) => redeemer.redeem({ ticketId }));
      await expect(bad).rejects.toThrow();
      const results = await Promise.all(good);
      expect(results.map((r) => r.outcome)).toEqual(['redeemed', 'redeemed', 'redeemed', 'redeemed', 'redeemed']);
    });

    it('scans redeemed in a group that then failed are redeemed again, not refused as duplicates', async () => {
      const { headers, event, ids } = await eventWithTickets(5);
      const redeemer = new SqliteRedeemer(ctx.app.store.db, 64);
      // The good scans run first in the shared transaction, then the bad one rolls all of it back.
      const good = ids.map((ticketId) => redeemer.redeem({ ticketId }));
      const bad = redeemer.redeem({ ticketId: undefined as unknown as string });
      await expect(bad).rejects.toThrow();
      expect((await Promise.all(good)).map((r) => r.outcome)).toEqual(Array(5).fill('redeemed'));
      const again = await Promise.all(ids.map((ticketId) => redeemer.redeem({ ticketId })));
      expect(again.map((r) => (r.outcome === 'duplicate' ? r.duplicateScans : r.outcome))).toEqual(Array(5).fill(1));
      expect(await status(headers, event.id)).toEqual({ totalTickets: 5, redeemedTickets: 5 });
    });
  });
}
