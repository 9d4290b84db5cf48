import { describe, expect, it } from 'vitest';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import { testStore } from './databases.js';
import {
  createEvent,
  createUser,
  doorScan,
  expectFieldError,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();

async function eventWithTickets(count: number) {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: count });
  const ids = await ticketIds(ctx.app, owner.headers, event.id);
  return { owner, event, ids };
}

function undo(headers: Record<string, string>, ticketId: string, payload?: unknown) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/tickets/${ticketId}/undo-redemption`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function counters(headers: Record<string, string>, eventId: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/status`, headers })).json();
}

async function reasons(ticketId: string) {
  const rows = await ctx.app.store.db
    .selectFrom('scans')
    .select(['outcome', 'reason'])
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => [r.outcome, r.reason]);
}

describe(`undoing a redemption from the ticket page (${testStore})`, () => {
  it('makes the ticket ok again, takes it off the counter, keeps both in the log; the next scan admits it', async () => {
    const { owner, event, ids } = await eventWithTickets(2);
    const id = ids[0] as string;
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(410);
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 2, redeemedTickets: 1 });

    const res = await undo(owner.headers, id, { reason: '  Scanned the  wrong guest  ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json().ticket).toMatchObject({
      id,
      eventId: event.id,
      status: 'ok',
      redeemedAt: null,
      event: { id: event.id },
      publicUrl: expect.stringContaining(`/t/${id}`),
    });
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 2, redeemedTickets: 0 });
    expect(await reasons(id)).toEqual([
      ['admitted', null],
      ['already_redeemed', null],
      ['undone', 'Scanned the  wrong guest'],
    ]);

    // Admitted again, and its duplicate count starts over.
    const again = await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem` });
    expect(again.statusCode).toBe(200);
    const refused = await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem` });
    expect(expectProblem(refused, 410, 'ticket_already_redeemed')).toMatchObject({ duplicateScans: 1 });
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 2, redeemedTickets: 1 });
  });

  it('undoes a door admission too, whenever; the door admits the ticket again', async () => {
    const { owner, event, ids } = await eventWithTickets(1);
    const id = ids[0] as string;
    const door = await openDoor(ctx.app, owner.headers, event.id);
    expect((await doorScan(ctx.app, door.headers, id)).json().outcome).toBe('admitted');
    // No body at all is an undo without a reason.
    const res = await undo(owner.headers, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ticket.status).toBe('ok');
    const rescan = (await doorScan(ctx.app, door.headers, id)).json();
    expect(rescan.outcome).toBe('admitted');
    expect(await reasons(id)).toEqual([
      ['admitted', null],
      ['undone', null],
      ['admitted', null],
    ]);
  });

  it('concurrent scans after an undo admit exactly once, through any process', async () => {
    const { owner, event, ids } = await eventWithTickets(1);
    const id = ids[0] as string;
    // Two redeemers stand for two server processes, each with its own memory of redeemed tickets.
    const here = ctx.app.redeemer;
    const there = createRedeemer(ctx.app.store);
    expect((await here.redeem({ ticketId: id })).outcome).toBe('redeemed');
    expect((await there.redeem({ ticketId: id })).outcome).toBe('duplicate');
    for (let round = 0; round < 3; round++) {
      expect((await undo(owner.headers, id, { reason: `round ${round}` })).statusCode).toBe(200);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? here : there).redeem({ ticketId: id })),
      );
      expect(results.filter((r) => r.outcome === 'redeemed')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(39);
      expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 1, redeemedTickets: 1 });
    }
  });

  it('undo racing scans: each ends either admitted or ok, and the counter always matches', async () => {
    const { owner, event, ids } = await eventWithTickets(1);
    const id = ids[0] as string;
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(200);
    const [undone, ...scans] = await Promise.all([
      undo(owner.headers, id),
      ...Array.from({ length: 10 }, () => ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })),
    ]);
    expect(undone?.statusCode).toBe(200);
    const admitted = scans.filter((r) => r.statusCode === 200).length;
    expect(admitted).toBeLessThanOrEqual(1);
    const ticket = (await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: owner.headers })).json()
      .ticket;
    expect(ticket.status).toBe(admitted === 1 ? 'redeemed' : 'ok');
    expect((await counters(owner.headers, event.id)).redeemedTickets).toBe(admitted);
  });

  it('409 ticket_not_redeemed for a ticket that is not redeemed, twice in a row included; nothing changes', async () => {
    const { owner, event, ids } = await eventWithTickets(1);
    const id = ids[0] as string;
    expectProblem(await undo(owner.headers, id, {}), 409, 'ticket_not_redeemed');
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(200);
    expect((await undo(owner.headers, id, {})).statusCode).toBe(200);
    expectProblem(await undo(owner.headers, id, {}), 409, 'ticket_not_redeemed');
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 1, redeemedTickets: 0 });
    expect(await reasons(id)).toEqual([
      ['admitted', null],
      ['undone', null],
    ]);
  });

  it('bad input is 400 naming the field, another user’s ticket 404, no session 401; nothing changes', async () => {
    const { owner, event, ids } = await eventWithTickets(1);
    const id = ids[0] as string;
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(200);
    expectFieldError(await undo(owner.headers, id, { reason: 'x'.repeat(201) }), 'reason');
    expectFieldError(await undo(owner.headers, id, { reason: 'two\nlines' }), 'reason');
    expectFieldError(await undo(owner.headers, id, { reason: 42 }), 'reason');
    expectFieldError(await undo(owner.headers, id, { because: 'no' }), 'because');
    expectFieldError(await undo(owner.headers, 'not-a-ticket', {}), 'ticketId');
    const stranger = await createUser(ctx.app);
    expectProblem(await undo(stranger.headers, id, {}), 404, 'ticket_not_found');
    expectProblem(await undo(owner.headers, unknownId(), {}), 404, 'ticket_not_found');
    expectProblem(await undo({}, id, {}), 401, 'unauthorized');
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 1, redeemedTickets: 1 });
    // The longest reason fits; the id is accepted in any letter case.
    const ok = await undo(owner.headers, id.toUpperCase(), { reason: 'é'.repeat(200) });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});
