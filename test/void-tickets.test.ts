import { describe, expect, it } from 'vitest';
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

function post(url: string, headers: Record<string, string> = {}, payload?: object) {
  return ctx.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
}

const voidTicket = (headers: Record<string, string>, id: string, payload?: object) =>
  post(`/api/tickets/${id}/void`, headers, payload);
const unvoidTicket = (headers: Record<string, string>, id: string) => post(`/api/tickets/${id}/unvoid`, headers);

async function getEvent(headers: Record<string, string>, eventId: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}`, headers })).json().event;
}

async function logOf(ticketId: string) {
  const rows = await ctx.app.store.db
    .selectFrom('scans')
    .select(['outcome', 'reason', 'door_link_seq'])
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => [r.outcome, r.reason, r.door_link_seq === null ? 'no door link' : 'door']);
}

describe(`voiding tickets (${testStore})`, () => {
  it('voids a ticket with a reason: status void, counted apart, logged by the organiser; void again changes nothing', async () => {
    const { owner, event, ids } = await eventWithTickets(3);
    const id = ids[0] as string;
    const res = await voidTicket(owner.headers, id.toUpperCase(), { reason: '  Refunded  ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ticket).toMatchObject({ id, status: 'void', voidReason: 'Refunded', redeemedAt: null });
    expect(res.json().ticket.voidedAt).toEqual(expect.any(String));
    expect(await getEvent(owner.headers, event.id)).toMatchObject({
      totalTickets: 3,
      redeemedTickets: 0,
      voidTickets: 1,
    });
    const again = await voidTicket(owner.headers, id, { reason: 'Other words' });
    expect(again.statusCode).toBe(200);
    expect(again.json().ticket.voidReason).toBe('Refunded');
    expect((await getEvent(owner.headers, event.id)).voidTickets).toBe(1);
    expect(await logOf(id)).toEqual([['voided', 'Refunded', 'no door link']]);
    const log = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/scans`, headers: owner.headers });
    expect(log.json().items[0]).toMatchObject({ outcome: 'voided', door: 'organiser', ticketId: id });
    // Lists and CSV by status.
    const voidList = await ticketIds(ctx.app, owner.headers, event.id, 'void' as 'ok');
    expect(voidList).toEqual([id]);
    expect(await ticketIds(ctx.app, owner.headers, event.id, 'ok')).toEqual(ids.slice(1));
    const csv = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.csv?status=void`,
      headers: owner.headers,
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body.trim().split('\r\n').slice(1)).toEqual([expect.stringMatching(new RegExp(`^${id},void,`))]);
  });

  it('refuses a void ticket everywhere: 410 ticket_void on the three public routes and status, void at the door', async () => {
    const { owner, event, ids } = await eventWithTickets(2);
    const id = ids[0] as string;
    expect((await voidTicket(owner.headers, id, { reason: 'Lost' })).statusCode).toBe(200);
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` }), 410, 'ticket_void');
    expectProblem(await post(`/redeem/${id}`), 410, 'ticket_void');
    expectProblem(await post(`/api/tickets/${id}/redeem`), 410, 'ticket_void');
    const status = await ctx.app.inject({ method: 'GET', url: `/status/${id}` });
    expectProblem(status, 410, 'ticket_void');
    expect(status.json().ticket).toMatchObject({ id, status: 'void' });
    expect(status.body).not.toContain('Lost');
    const page = await ctx.app.inject({ method: 'GET', url: `/redeem/${id}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('VOID');
    expect(page.body).not.toContain('<form');
    const pagePost = await post(`/redeem/${id}`, {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(pagePost.statusCode).toBe(410);
    expect(pagePost.body).toContain('VOID');

    const door = await openDoor(ctx.app, owner.headers, event.id);
    const scan = await doorScan(ctx.app, door.headers, id);
    expect(scan.statusCode, scan.body).toBe(200);
    expect(scan.json()).toMatchObject({ outcome: 'void', voidReason: 'Lost', ticket: { id, status: 'void' } });
    const lookup = await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers: door.headers });
    expect(lookup.json()).toMatchObject({ redeemedTickets: 0, voidTickets: 1, totalTickets: 2 });
    expect((await getEvent(owner.headers, event.id)).redeemedTickets).toBe(0);
    const outcomes = (await logOf(id)).map((row) => row[0]);
    expect(outcomes).toEqual(['voided', 'void', 'void', 'void', 'void', 'void']);

    // Unvoid: ok again, logged, and the next scan admits it.
    const unvoided = await unvoidTicket(owner.headers, id);
    expect(unvoided.statusCode, unvoided.body).toBe(200);
    expect(unvoided.json().ticket).toMatchObject({ status: 'ok', voidedAt: null, voidReason: null });
    expect((await getEvent(owner.headers, event.id)).voidTickets).toBe(0);
    const admitted = await doorScan(ctx.app, door.headers, id);
    expect(admitted.json().outcome).toBe('admitted');
    expect((await logOf(id)).slice(-2).map((row) => row[0])).toEqual(['unvoided', 'admitted']);
    // A redeemed ticket can't be voided (undo the admission first); a ticket that is not void can't be unvoided.
    expectProblem(await voidTicket(owner.headers, id), 409, 'ticket_redeemed');
    expectProblem(await unvoidTicket(owner.headers, ids[1] as string), 409, 'ticket_not_void');
  });

  it('answers 404 for another user’s ticket or batch and for unknown ones, 400 naming a bad field, and changes nothing', async () => {
    const { event, ids } = await eventWithTickets(1);
    const stranger = await createUser(ctx.app);
    const id = ids[0] as string;
    expectProblem(await voidTicket(stranger.headers, id), 404, 'ticket_not_found');
    expectProblem(await unvoidTicket(stranger.headers, id), 404, 'ticket_not_found');
    expectProblem(await voidTicket(stranger.headers, unknownId()), 404, 'ticket_not_found');
    const batches = await ctx.app.store.db.selectFrom('ticket_batches').select('id').execute();
    const batchId = batches[0]?.id as string;
    expectProblem(
      await post(`/api/events/${event.id}/batches/${batchId}/void`, stranger.headers),
      404,
      'event_not_found',
    );
    const owner2 = await eventWithTickets(1);
    expectProblem(
      await post(`/api/events/${owner2.event.id}/batches/${unknownId()}/void`, owner2.owner.headers),
      404,
      'not_found',
    );
    expectFieldError(
      await voidTicket(owner2.owner.headers, owner2.ids[0] as string, { reason: 'x'.repeat(201) }),
      'reason',
    );
    expectFieldError(await voidTicket(owner2.owner.headers, owner2.ids[0] as string, { why: 'no' }), 'why');
    expectFieldError(await voidTicket(owner2.owner.headers, 'not-a-uuid'), 'ticketId');
    expect((await post(`/status/${owner2.ids[0]}`)).statusCode).not.toBe(410);
    const status = await ctx.app.inject({ method: 'GET', url: `/status/${owner2.ids[0]}` });
    expect(status.statusCode).toBe(200);
    expect(await logOf(id)).toEqual([]);
  });

  it('voids every ok ticket of a batch, leaves the redeemed ones, counts them, and voids nothing more when repeated', async () => {
    const { owner, event, ids } = await eventWithTickets(3);
    const added = await post(`/api/events/${event.id}/tickets`, owner.headers, { count: 1200 });
    expect(added.statusCode, added.body).toBe(201);
    const batchId = added.json().batch.id as string;
    const all = await ticketIds(ctx.app, owner.headers, event.id);
    const batchIds = all.filter((id) => !ids.includes(id));
    expect((await post(`/api/tickets/${batchIds[0]}/redeem`)).statusCode).toBe(200);
    expect((await voidTicket(owner.headers, batchIds[1] as string)).statusCode).toBe(200);

    const res = await post(`/api/events/${event.id}/batches/${batchId}/void`, owner.headers, { reason: 'Wrong list' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ voided: 1198 });
    expect(await getEvent(owner.headers, event.id)).toMatchObject({
      totalTickets: 1203,
      redeemedTickets: 1,
      voidTickets: 1199,
    });
    expect(await ticketIds(ctx.app, owner.headers, event.id, 'ok')).toEqual(ids);
    expect((await post(`/api/tickets/${batchIds[0]}/redeem`)).statusCode).toBe(410);
    expectProblem(await post(`/api/tickets/${batchIds[500]}/redeem`), 410, 'ticket_void');
    expect(await logOf(batchIds[700] as string)).toEqual(
      [
        ['voided', 'Wrong list', 'no door link'],
        // none: the redeem above was of another ticket
      ].slice(0, 1),
    );
    const batches = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/batches`,
      headers: owner.headers,
    });
    expect(batches.json().items[0]).toMatchObject({ id: batchId, count: 1200, redeemed: 1, voided: 1199 });

    const again = await post(`/api/events/${event.id}/batches/${batchId}/void`, owner.headers);
    expect(again.json()).toEqual({ voided: 0 });
    expect((await getEvent(owner.headers, event.id)).voidTickets).toBe(1199);
  });

  it('never admits and voids the same ticket: a void racing 100 concurrent redeems', async () => {
    for (let round = 0; round < 4; round++) {
      const { owner, event, ids } = await eventWithTickets(1);
      const id = ids[0] as string;
      const door = await openDoor(ctx.app, owner.headers, event.id);
      const scans = Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? post(`/api/tickets/${id}/redeem`) : doorScan(ctx.app, door.headers, id),
      );
      // The void joins the rush at a different place each round.
      scans.splice(round * 30, 0, voidTicket(owner.headers, id));
      const answers = await Promise.all(scans);
      const voidAnswer = answers[round * 30] as (typeof answers)[number];
      const rest = answers.filter((_, i) => i !== round * 30);
      const admitted = rest.filter((r) => r.statusCode === 200 && (r.json().outcome ?? 'admitted') === 'admitted');
      const evt = await getEvent(owner.headers, event.id);
      if (voidAnswer.statusCode === 200) {
        expect(admitted).toHaveLength(0);
        expect(evt).toMatchObject({ redeemedTickets: 0, voidTickets: 1 });
      } else {
        expectProblem(voidAnswer, 409, 'ticket_redeemed');
        expect(admitted).toHaveLength(1);
        expect(evt).toMatchObject({ redeemedTickets: 1, voidTickets: 0 });
      }
      const row = await ctx.app.store.db
        .selectFrom('tickets')
        .select(['redeemed_at', 'voided_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.redeemed_at === null || row.voided_at === null).toBe(true);
      expect(row.redeemed_at === null && row.voided_at === null).toBe(false);
      const outcomes = (await logOf(id)).map((r) => r[0]);
      expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(admitted.length);
      // Every scan is logged, and the void when it happened.
      expect(outcomes).toHaveLength(voidAnswer.statusCode === 200 ? 101 : 100);
    }
  });
});
