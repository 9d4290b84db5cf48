import { describe, expect, it } from 'vitest';
import { BatchingRedeemer } from '../server/domain/redeem-batcher.js';
import { createEvent, signUp, ticketIds, unknownId, useApp } from './helper.js';

const ctx = useApp();

describe('group commit (BatchingRedeemer)', () => {
  it('redeems a burst of scans in shared transactions with each outcome exactly as if alone', async () => {
    const { headers } = await signUp(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 300 });
    const ids = await ticketIds(ctx.app, headers, event.id);
    const redeemer = new BatchingRedeemer(ctx.app.store.db, 64);

    // 300 first scans, 300 duplicates and 50 unknown codes, all in flight at once.
    const scans = [...ids, ...ids, ...Array.from({ length: 50 }, unknownId)];
    const results = await Promise.all(scans.map((ticketId) => redeemer.redeem({ ticketId })));
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.slice(0, 300).every((o) => o === 'redeemed')).toBe(true);
    expect(outcomes.slice(300, 600).every((o) => o === 'duplicate')).toBe(true);
    expect(outcomes.slice(600).every((o) => o === 'unknown')).toBe(true);

    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: 300, redeemedTickets: 300 });
    const attempts = await ctx.app.store.db
      .selectFrom('redemption_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(attempts.n)).toBe(650);
  });

  it('a failure in one scan of a group does not fail the others', async () => {
    const { headers } = await signUp(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 5 });
    const ids = await ticketIds(ctx.app, headers, event.id);
    const redeemer = new BatchingRedeemer(ctx.app.store.db, 64);
    // An id of the wrong type makes its statements throw inside the shared transaction.
    const bad = redeemer.redeem({ ticketId: undefined as unknown as string });
    const good = ids.map((ticketId) => redeemer.redeem({ ticketId }));
    await expect(bad).rejects.toThrow();
    const results = await Promise.all(good);
    expect(results.map((r) => r.outcome)).toEqual(['redeemed', 'redeemed', 'redeemed', 'redeemed', 'redeemed']);
  });

  it('scans redeemed in a group that then failed are redeemed again, not refused as duplicates', async () => {
    const { headers } = await signUp(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 5 });
    const ids = await ticketIds(ctx.app, headers, event.id);
    const redeemer = new BatchingRedeemer(ctx.app.store.db, 64);
    // The good scans run first in the shared transaction, then the bad one rolls all of it back.
    const good = ids.map((ticketId) => redeemer.redeem({ ticketId }));
    const bad = redeemer.redeem({ ticketId: undefined as unknown as string });
    await expect(bad).rejects.toThrow();
    expect((await Promise.all(good)).map((r) => r.outcome)).toEqual(Array(5).fill('redeemed'));
    const again = await Promise.all(ids.map((ticketId) => redeemer.redeem({ ticketId })));
    expect(again.map((r) => (r.outcome === 'duplicate' ? r.duplicateScans : r.outcome))).toEqual(Array(5).fill(1));
    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: 5, redeemedTickets: 5 });
  });
});
