import { describe, expect, it } from 'vitest';
import type { App } from '../server/app.js';
import { DELETED_OWNER_ID, deleteEvent, removeDeletedEvents } from '../server/domain/events/delete-event.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  doorScan,
  expectFieldError,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();

const del = (eventId: string, headers: Record<string, string>, query = '') =>
  ctx.app.inject({ method: 'DELETE', url: `/api/events/${eventId}${query}`, headers });

async function eventSeqOf(app: App, eventId: string): Promise<number> {
  const row = await app.store.db.selectFrom('events').select('seq').where('id', '=', eventId).executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** Rows still held for an event, table by table. */
async function rowsOf(app: App, eventSeq: number) {
  const db = app.store.db;
  const count = async (table: 'tickets' | 'scans' | 'door_links' | 'event_counters') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('event_seq', '=', eventSeq)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const marked = await db.selectFrom('event_deletions').select('event_seq').where('event_seq', '=', eventSeq).execute();
  const rollup = await db.selectFrom('scan_minutes').select('minute').where('event_seq', '=', eventSeq).execute();
  const batchCounts = await db
    .selectFrom('batch_counters')
    .innerJoin('ticket_batches', 'ticket_batches.seq', 'batch_counters.batch_seq')
    .select('batch_counters.slot')
    .where('ticket_batches.event_seq', '=', eventSeq)
    .execute();
  return {
    tickets: await count('tickets'),
    scans: await count('scans'),
    doorLinks: await count('door_links'),
    counters: (await count('event_counters')) + batchCounts.length + rollup.length,
    marked: marked.length,
  };
}

/** Waits until the background removal has finished with the event. */
async function removed(app: App, eventSeq: number) {
  for (let i = 0; i < 400; i++) {
    const rows = await rowsOf(app, eventSeq);
    if (rows.marked === 0) return rows;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the deleted event was not removed');
}

describe('DELETE /api/events/:eventId', () => {
  it('makes the event gone at once for its owner, the public routes and its door, then removes its rows', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Test run', initialTickets: 4 });
    const keep = await createEvent(ctx.app, headers, { name: 'Test keeper', initialTickets: 2 });
    const [a, b] = await ticketIds(ctx.app, headers, event.id);
    const door = await openDoor(ctx.app, headers, event.id);
    expect((await doorScan(ctx.app, door.headers, 'not a code')).json().outcome).toBe('unreadable');
    const seq = await eventSeqOf(ctx.app, event.id);

    const res = await del(event.id, headers);
    expect(res.statusCode, res.body).toBe(204);

    expectProblem(
      await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}`, headers }),
      404,
      'event_not_found',
    );
    const list = await ctx.app.inject({ method: 'GET', url: '/api/events?q=test', headers });
    expect(list.json().items.map((e: { id: string }) => e.id)).toEqual([keep.id]);
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/api/tickets/${a}`, headers }), 404, 'ticket_not_found');
    // Its tickets answer as codes no ticket has, on every public route.
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/redeem/${a}` }), 404, 'ticket_not_found');
    expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/tickets/${b}/redeem` }), 404, 'ticket_not_found');
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/status/${a}` }), 404, 'ticket_not_found');
    // Its door is closed.
    expectProblem(await doorScan(ctx.app, door.headers, a as string), 401, 'door_access_revoked');
    expectProblem(await del(event.id, headers), 404, 'event_not_found');

    expect(await removed(ctx.app, seq)).toEqual({ tickets: 0, scans: 0, doorLinks: 0, counters: 0, marked: 0 });
    const tombstone = await ctx.app.store.db
      .selectFrom('events')
      .select(['owner_id', 'name'])
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    expect(tombstone).toEqual({ owner_id: DELETED_OWNER_ID, name: '' });
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/redeem/${a}` }), 404, 'ticket_not_found');
    // The other event is untouched.
    expect(await ticketIds(ctx.app, headers, keep.id)).toHaveLength(2);
  });

  it('is refused with 409 event_has_redemptions once a ticket is redeemed, and allowed with force', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 3 });
    const [first] = await ticketIds(ctx.app, headers, event.id);
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${first}` })).statusCode).toBe(200);

    const before = await dbSnapshot(ctx.app);
    const refused = expectProblem(await del(event.id, headers), 409, 'event_has_redemptions');
    expect(refused).toMatchObject({ redeemedTickets: 1 });
    expect(refused.detail).toContain('force=true');
    expectProblem(await del(event.id, headers, '?force=false'), 409, 'event_has_redemptions');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}`, headers })).statusCode).toBe(200);

    // The arrivals chart folds the log into its rollup; the batch counts its redemption.
    expect((await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/arrivals`, headers })).statusCode).toBe(
      200,
    );
    expect((await del(event.id, headers, '?force=true')).statusCode).toBe(204);
    // A redeemed ticket of a deleted event is as unknown as the others.
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/redeem/${first}` }), 404, 'ticket_not_found');
    expect(await removed(ctx.app, await eventSeqOf(ctx.app, event.id))).toMatchObject({
      tickets: 0,
      scans: 0,
      counters: 0,
    });
  });

  it("is a 404 for another user's event and an unknown one, and names a bad id or force", async () => {
    const owner = await createUser(ctx.app);
    const other = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers);
    const before = await dbSnapshot(ctx.app);
    expectProblem(await del(event.id, other.headers), 404, 'event_not_found');
    expectProblem(await del(event.id, other.headers, '?force=true'), 404, 'event_not_found');
    expectProblem(await del(unknownId(), owner.headers), 404, 'event_not_found');
    expectFieldError(await del('nope', owner.headers), 'eventId');
    expectFieldError(await del(event.id, owner.headers, '?force=maybe'), 'force');
    expectFieldError(await del(event.id, owner.headers, '?forse=true'), 'forse');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('removes a big event in short transactions while redeems of another event keep answering', async () => {
    const { headers } = await createUser(ctx.app);
    const big = await createEvent(ctx.app, headers, { name: 'Big', initialTickets: 12_000 });
    const other = await createEvent(ctx.app, headers, { name: 'Other', initialTickets: 40 });
    const codes = await ticketIds(ctx.app, headers, other.id);
    const seq = await eventSeqOf(ctx.app, big.id);

    expect((await del(big.id, headers)).statusCode).toBe(204);
    // Redeem the other event's tickets one after another while the removal runs, noting how many
    // of the big event's tickets are left each time: counts strictly between none and all mean the
    // removal committed part of its work and let these redeems in between.
    const seen: number[] = [];
    for (const code of codes) {
      const res = await ctx.app.inject({ method: 'GET', url: `/redeem/${code}` });
      expect(res.statusCode).toBe(200);
      seen.push((await rowsOf(ctx.app, seq)).tickets);
      if (seen.at(-1) === 0) break;
    }
    expect(
      seen.some((n) => n > 0 && n < 12_000),
      `tickets left after each redeem: ${seen}`,
    ).toBe(true);
    expect(await removed(ctx.app, seq)).toMatchObject({ tickets: 0 });
  });

  it("answers another event's door wrong_event until the rows are removed, then not_found", async () => {
    const { headers, user } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 2 });
    const other = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const [code] = (await ticketIds(ctx.app, headers, event.id)) as [string];
    const door = await openDoor(ctx.app, headers, other.id);
    // Marked, as DELETE does, without starting this process's removal yet.
    await deleteEvent(ctx.app.store.db, user.id, event.id);
    expect((await doorScan(ctx.app, door.headers, code)).json().outcome).toBe('wrong_event');
    await removeDeletedEvents(ctx.app.store.db);
    expect((await doorScan(ctx.app, door.headers, code)).json().outcome).toBe('not_found');
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/redeem/${code}` }), 404, 'ticket_not_found');
  });

  it('resumes a removal that stopped half-way (a crash), and another process takes over a silent one', async () => {
    const { headers, user } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 30 });
    const seq = await eventSeqOf(ctx.app, event.id);
    // Marked, as DELETE does, without starting this process's removal.
    await deleteEvent(ctx.app.store.db, user.id, event.id);
    let chunks = 0;
    const first = await removeDeletedEvents(ctx.app.store.db, { chunk: 10, stopped: () => chunks++ >= 1 });
    expect(first.events).toBe(0);
    expect((await rowsOf(ctx.app, seq)).tickets).toBe(20);
    // Its remover "died" (the heartbeat stays): nobody else takes it before it has been silent for minutes.
    const again = await removeDeletedEvents(ctx.app.store.db, { chunk: 10 });
    expect(again.events).toBe(0);
    expect((await rowsOf(ctx.app, seq)).tickets).toBe(20);
    const later = await removeDeletedEvents(ctx.app.store.db, { chunk: 10, now: () => Date.now() + 6 * 60_000 });
    expect(later).toMatchObject({ events: 1, tickets: 20 });
    expect(await rowsOf(ctx.app, seq)).toEqual({ tickets: 0, scans: 0, doorLinks: 0, counters: 0, marked: 0 });
  });
});
