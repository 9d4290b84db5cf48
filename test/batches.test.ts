import { describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import { createEvent, createUser, doorScan, expectProblem, openDoor, ticketIds, useApp } from './helper.js';

const ctx = useApp();

interface Batch {
  id: string;
  count: number;
  createdAt: string;
  redeemed: number;
  initial: boolean;
}

async function batches(headers: Record<string, string>, eventId: string): Promise<Batch[]> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/batches`, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return (res.json() as { items: Batch[] }).items;
}

describe(`ticket batches of an event (${testStore})`, () => {
  it('lists every batch newest first with its count, time, redeemed so far and which one is initial', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 3 });
    const initialIds = await ticketIds(ctx.app, owner.headers, event.id);
    const added = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/tickets`,
      headers: owner.headers,
      payload: { count: 4 },
    });
    expect(added.statusCode).toBe(201);
    const batch = added.json().batch as { id: string; count: number; createdAt: string };
    const addedIds = (await ticketIds(ctx.app, owner.headers, event.id)).filter((id) => !initialIds.includes(id));

    const listed = await batches(owner.headers, event.id);
    expect(listed).toEqual([
      { id: batch.id, count: 4, createdAt: batch.createdAt, redeemed: 0, voided: 0, initial: false },
      { id: expect.any(String), count: 3, createdAt: expect.any(String), redeemed: 0, voided: 0, initial: true },
    ]);

    // Redemptions by every route count on their batch; refusals do not; an undo takes one off.
    const door = await openDoor(ctx.app, owner.headers, event.id);
    await doorScan(ctx.app, door.headers, initialIds[0] as string);
    await doorScan(ctx.app, door.headers, initialIds[0] as string);
    await ctx.app.inject({ method: 'GET', url: `/redeem/${addedIds[0]}` });
    await ctx.app.inject({ method: 'POST', url: `/api/tickets/${addedIds[1]}/redeem` });
    await ctx.app.inject({ method: 'POST', url: `/api/tickets/${addedIds[2]}/redeem` });
    await ctx.app.inject({ method: 'POST', url: `/api/tickets/${addedIds[2]}/redeem` });
    expect((await batches(owner.headers, event.id)).map((b) => b.redeemed)).toEqual([3, 1]);
    const undo = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${addedIds[1]}/undo-redemption`,
      headers: owner.headers,
      payload: {},
    });
    expect(undo.statusCode).toBe(200);
    expect((await batches(owner.headers, event.id)).map((b) => b.redeemed)).toEqual([2, 1]);
    const status = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/status`,
      headers: owner.headers,
    });
    expect(status.json()).toEqual({ totalTickets: 7, redeemedTickets: 3 });
  });

  it('no session 401, another user 404, a malformed id 400', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const url = `/api/events/${event.id}/batches`;
    expectProblem(await ctx.app.inject({ method: 'GET', url }), 401, 'unauthorized');
    const stranger = await createUser(ctx.app);
    expectProblem(await ctx.app.inject({ method: 'GET', url, headers: stranger.headers }), 404, 'event_not_found');
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/events/nope/batches', headers: owner.headers }),
      400,
      'validation_failed',
    );
  });
});
