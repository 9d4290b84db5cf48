import { describe, expect, it } from 'vitest';
import { TICKET_CHUNK } from '../server/db/insert-tickets.js';
import { countPending } from '../server/db/pending-batches.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { addTickets } from '../server/domain/tickets/add-tickets.js';
import { createUser, dbSnapshot, useApp } from './helper.js';

const ctx = useApp();
// More than two chunks, so the failure strikes after several chunks have been written.
const COUNT = 2 * TICKET_CHUNK + 1234;

/**
 * An afterChunk hook that records its calls and throws once `failAt` tickets have been written;
 * just before, `midway` looks at what shows while those chunks are committed (each chunk is a
 * short transaction of its own, into a batch nobody sees until the last one).
 */
function failingAfter(failAt: number, midway: () => Promise<void> = async () => {}) {
  const calls: number[] = [];
  const hook = async (inserted: number) => {
    calls.push(inserted);
    if (inserted < failAt) return;
    await midway();
    throw new Error('injected failure');
  };
  return { calls, hook };
}

/** Tickets of an event as the owner's CSV export of all of them counts them. */
async function exportedTickets(headers: Record<string, string>, eventId: string) {
  const csv = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/tickets.csv?status=all`, headers });
  expect(csv.statusCode).toBe(200);
  return csv.body.split('\r\n').filter((line) => line.length > 0).length - 1;
}

describe('creating an event is all or nothing', () => {
  it('a failure after several chunks leaves no event, no batch and no tickets', async () => {
    const { user, headers } = await createUser(ctx.app);
    const before = await dbSnapshot(ctx.app);
    const { calls, hook } = failingAfter(2 * TICKET_CHUNK, async () => {
      expect(await countPending(ctx.app.store.db)).toEqual({ batches: 1, tickets: 2 * TICKET_CHUNK, events: 1 });
      const list = await ctx.app.inject({ method: 'GET', url: '/api/events?q=doomed', headers });
      expect(list.json()).toMatchObject({ items: [], total: 0 });
    });
    await expect(
      createEvent(
        ctx.app.store.db,
        user.id,
        { name: 'Doomed', date: '2026-12-31', initialTickets: COUNT },
        { afterChunk: hook },
      ),
    ).rejects.toThrow('injected failure');
    expect(calls).toEqual([TICKET_CHUNK, 2 * TICKET_CHUNK]);

    // What was committed is removed before the failure is answered.
    expect(await countPending(ctx.app.store.db)).toEqual({ batches: 0, tickets: 0, events: 0 });
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    const doomed = await ctx.app.store.db.selectFrom('events').select('id').where('name', '=', 'Doomed').execute();
    expect(doomed).toEqual([]);
    const list = await ctx.app.inject({ method: 'GET', url: '/api/events?q=doomed', headers });
    expect(list.json()).toMatchObject({ items: [], total: 0 });
  });

  it('without a failure, every chunk is written and the counters agree', async () => {
    const { user, headers } = await createUser(ctx.app);
    const calls: number[] = [];
    const event = await createEvent(
      ctx.app.store.db,
      user.id,
      { name: 'Whole', date: '2026-12-31', initialTickets: COUNT },
      { afterChunk: (n) => void calls.push(n) },
    );
    expect(calls).toEqual([TICKET_CHUNK, 2 * TICKET_CHUNK, COUNT]);
    expect(await exportedTickets(headers, event.id)).toBe(COUNT);
    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: COUNT, redeemedTickets: 0 });
  });
});

describe('adding tickets is all or nothing', () => {
  it('a failure after several chunks leaves the totals, batches and tickets unchanged', async () => {
    const { user, headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app.store.db, user.id, {
      name: 'Stable',
      date: '2026-12-31',
      initialTickets: 5,
    });
    const before = await dbSnapshot(ctx.app);
    const { calls, hook } = failingAfter(2 * TICKET_CHUNK, async () => {
      expect(await countPending(ctx.app.store.db)).toEqual({ batches: 1, tickets: 2 * TICKET_CHUNK, events: 0 });
      expect(await exportedTickets(headers, event.id)).toBe(5);
      const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
      expect(status.json()).toEqual({ totalTickets: 5, redeemedTickets: 0 });
    });
    await expect(addTickets(ctx.app.store.db, user.id, event.id, COUNT, { afterChunk: hook })).rejects.toThrow(
      'injected failure',
    );
    expect(calls).toEqual([TICKET_CHUNK, 2 * TICKET_CHUNK]);

    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect(await exportedTickets(headers, event.id)).toBe(5);
    const got = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}`, headers });
    expect(got.json().event).toMatchObject({ initialTickets: 5, additionalTickets: 0, totalTickets: 5 });
    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: 5, redeemedTickets: 0 });

    // The database is left usable: the same addition without the fault goes through.
    const { batch } = await addTickets(ctx.app.store.db, user.id, event.id, COUNT);
    expect(batch.count).toBe(COUNT);
    expect(await exportedTickets(headers, event.id)).toBe(5 + COUNT);
    expect((await dbSnapshot(ctx.app)).counts.tickets).toBe(before.counts.tickets + COUNT);
    const after = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(after.json()).toEqual({ totalTickets: 5 + COUNT, redeemedTickets: 0 });
  });

  it('an asynchronous failure is rolled back the same way', async () => {
    const { user } = await createUser(ctx.app);
    const event = await createEvent(ctx.app.store.db, user.id, {
      name: 'Async',
      date: '2026-12-31',
      initialTickets: 1,
    });
    const before = await dbSnapshot(ctx.app);
    const hook = async (inserted: number) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (inserted > TICKET_CHUNK) throw new Error('injected async failure');
    };
    await expect(addTickets(ctx.app.store.db, user.id, event.id, COUNT, { afterChunk: hook })).rejects.toThrow(
      'injected async failure',
    );
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});
