import { describe, expect, it } from 'vitest';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  expectProblem,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();

/** A fresh event with `count` tickets; returns the owner's headers, the event and its ticket ids. */
async function tickets(count = 3) {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { initialTickets: count });
  return { headers, event, ids: await ticketIds(ctx.app, headers, event.id) };
}

const redeemGet = (id: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'GET', url: `/redeem/${id}`, headers });
const redeemPost = (id: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem`, headers });
const status = (id: string) => ctx.app.inject({ method: 'GET', url: `/status/${id}` });

async function redeemedCount(headers: Record<string, string>, eventId: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/status`, headers });
  return res.json().redeemedTickets as number;
}

describe('redeem', () => {
  it('redeems once: 200 then 410 with the first redemption time and duplicate count', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 2 });
    const [id] = await ticketIds(ctx.app, headers, event.id);
    const first = await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const ticket = first.json().ticket;
    expect(ticket).toEqual({
      id,
      eventId: event.id,
      status: 'redeemed',
      createdAt: expect.any(String),
      redeemedAt: expect.any(String),
    });
    for (const n of [1, 2]) {
      const again = await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id?.toUpperCase()}/redeem` });
      expect(again.statusCode).toBe(410);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.json()).toMatchObject({
        status: 410,
        code: 'ticket_already_redeemed',
        redeemedAt: ticket.redeemedAt,
        duplicateScans: n,
      });
    }
  });

  it('answers 404 for an unknown ticket and 400 for a malformed id', async () => {
    const unknown = await ctx.app.inject({ method: 'GET', url: `/redeem/${unknownId()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ticket_not_found');
    const malformed = await ctx.app.inject({ method: 'GET', url: '/redeem/not-a-uuid' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'ticketId' }] });
  });

  it('answers the exact shapes: 200 { ticket } and a 410 problem with redeemedAt and duplicateScans', async () => {
    const { headers, event, ids } = await tickets(1);
    const id = ids[0] as string;
    const ok = await redeemPost(id.toUpperCase());
    expect(ok.statusCode).toBe(200);
    const ticket = ok.json().ticket;
    expect(ok.json()).toEqual({
      ticket: {
        id,
        eventId: event.id,
        status: 'redeemed',
        createdAt: expect.stringMatching(/Z$/),
        redeemedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      },
    });
    const gone = await redeemGet(id);
    const body = expectProblem(gone, 410, 'ticket_already_redeemed');
    expect(body).toEqual({
      type: expect.any(String),
      title: expect.any(String),
      status: 410,
      detail: expect.any(String),
      code: 'ticket_already_redeemed',
      redeemedAt: ticket.redeemedAt,
      duplicateScans: 1,
    });
    expect(await redeemedCount(headers, event.id)).toBe(1);
  });

  it('behaves identically on both routes', async () => {
    const { ids } = await tickets(2);
    const unknown = unknownId();
    expect((await redeemGet(unknown)).json()).toEqual((await redeemPost(unknown)).json());
    expect((await redeemGet('123')).json()).toEqual((await redeemPost('123')).json());
    expect((await redeemGet(ids[0] as string)).statusCode).toBe(200);
    expect((await redeemPost(ids[1] as string)).statusCode).toBe(200);
    const a = (await redeemPost(ids[0] as string)).json();
    const b = (await redeemGet(ids[1] as string)).json();
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a.duplicateScans).toBe(1);
    expect(b.duplicateScans).toBe(1);
  });

  it('records every attempt of a ticket with its time and outcome; unknown codes are counted, not logged', async () => {
    const { ids } = await tickets(1);
    const id = ids[0] as string;
    const unknown = unknownId();
    const counted = async () => (await dbSnapshot(ctx.app)).unknownCodeScans;
    const unknownBefore = await counted();
    await redeemGet(id);
    await redeemPost(id);
    await redeemGet(id);
    await redeemGet(unknown);
    const rows = await ctx.app.store.db
      .selectFrom('scans')
      .select(['ticket_id', 'outcome', 'at'])
      .where('ticket_id', 'in', [id, unknown])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => [r.ticket_id, r.outcome])).toEqual([
      [id, 'admitted'],
      [id, 'already_redeemed'],
      [id, 'already_redeemed'],
    ]);
    for (const r of rows) expect(r.at).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(await counted()).toBe(unknownBefore + 1);
  });
});

describe('accidental redemption', () => {
  it('HEAD /redeem/:id looks without redeeming', async () => {
    const { headers, event, ids } = await tickets(1);
    const id = ids[0] as string;
    const before = await dbSnapshot(ctx.app);
    const head = await ctx.app.inject({ method: 'HEAD', url: `/redeem/${id}` });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['cache-control']).toBe('no-store');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect((await status(id)).json().ticket.status).toBe('ok');
    expect(await redeemedCount(headers, event.id)).toBe(0);

    expect((await redeemGet(id)).statusCode).toBe(200);
    const afterRedeem = await dbSnapshot(ctx.app);
    const headGone = await ctx.app.inject({ method: 'HEAD', url: `/redeem/${id}` });
    expect(headGone.statusCode).toBe(410);
    expect(headGone.headers['cache-control']).toBe('no-store');
    expect((await ctx.app.inject({ method: 'HEAD', url: `/redeem/${unknownId()}` })).statusCode).toBe(404);
    expect(await dbSnapshot(ctx.app)).toEqual(afterRedeem);
  });

  it.each([
    ['Sec-Purpose: prefetch', { 'sec-purpose': 'prefetch' }],
    ['Sec-Purpose: prefetch;prerender', { 'sec-purpose': 'prefetch;prerender' }],
    ['Purpose: prefetch', { purpose: 'prefetch' }],
  ])('a GET marked %s does not redeem', async (_label, prefetch) => {
    const { headers, event, ids } = await tickets(1);
    const id = ids[0] as string;
    const before = await dbSnapshot(ctx.app);
    const res = await redeemGet(id, prefetch);
    expectProblem(res, 400, 'not_a_scan');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect((await status(id)).statusCode).toBe(200);
    expect(await redeemedCount(headers, event.id)).toBe(0);
    // The real scan afterwards still works, and a later prefetch does not count as a duplicate scan.
    expect((await redeemGet(id)).statusCode).toBe(200);
    await redeemGet(id, prefetch);
    const again = await redeemGet(id);
    expect(again.json().duplicateScans).toBe(1);
  });

  it('sends Cache-Control: no-store on every redeem and status answer', async () => {
    const { ids } = await tickets(2);
    const [a, b] = ids as [string, string];
    const answers = [
      await redeemGet(a),
      await redeemGet(a),
      await redeemPost(b),
      await redeemPost(b),
      await redeemGet(unknownId()),
      await redeemPost(unknownId()),
      await redeemGet('not-a-uuid'),
      await redeemPost('not-a-uuid'),
      await status(a),
      await status(unknownId()),
      await status('not-a-uuid'),
      await ctx.app.inject({ method: 'HEAD', url: `/status/${a}` }),
    ];
    const fresh = await tickets(1);
    answers.push(await status(fresh.ids[0] as string));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 410, 200, 410, 404, 404, 400, 400, 410, 404, 400, 410, 200]);
    for (const res of answers) expect(res.headers['cache-control'], res.body).toBe('no-store');
  });
});

describe('Idempotency-Key', () => {
  it('replays the original 200 for the same key while a new scan gets 410', async () => {
    const { headers, event, ids } = await tickets(1);
    const id = ids[0] as string;
    const first = await redeemGet(id, { 'idempotency-key': 'scan-K' });
    expect(first.statusCode).toBe(200);
    const original = first.json();

    const retry = await redeemGet(id, { 'idempotency-key': 'scan-K' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(original);

    expectProblem(await redeemGet(id), 410, 'ticket_already_redeemed');
    const other = await redeemPost(id, { 'idempotency-key': 'scan-L' });
    expect(expectProblem(other, 410, 'ticket_already_redeemed')).toMatchObject({
      redeemedAt: original.ticket.redeemedAt,
      duplicateScans: 2,
    });

    // Both routes share the key, and replays do not count as duplicate scans.
    const viaPost = await redeemPost(id, { 'idempotency-key': 'scan-K' });
    expect(viaPost.statusCode).toBe(200);
    expect(viaPost.json().ticket.redeemedAt).toBe(original.ticket.redeemedAt);
    expect((await redeemGet(id)).json().duplicateScans).toBe(3);
    expect(await redeemedCount(headers, event.id)).toBe(1);
    // Each scan is logged once; a replay is a retry, not a scan, and adds nothing to the log.
    const log = await ctx.app.store.db
      .selectFrom('scans')
      .select('outcome')
      .where('ticket_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(log.map((r) => r.outcome)).toEqual(['admitted', 'already_redeemed', 'already_redeemed', 'already_redeemed']);
  });

  it('marks a replay with Idempotent-Replayed: true, and only a replay', async () => {
    const { ids } = await tickets(1);
    const id = ids[0] as string;
    const first = await redeemPost(id, { 'idempotency-key': 'mark-1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    for (const replay of [
      await redeemGet(id, { 'idempotency-key': 'mark-1' }),
      await redeemPost(id, { 'idempotency-key': 'mark-1' }),
    ]) {
      expect(replay.statusCode).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
    }
    const refused = await redeemGet(id, { 'idempotency-key': 'mark-2' });
    expect(refused.statusCode).toBe(410);
    expect(refused.headers['idempotent-replayed']).toBeUndefined();
  });

  it('scopes a key to its ticket: the same key on another ticket is a scan of that ticket', async () => {
    const { ids } = await tickets(2);
    const [a, b] = ids as [string, string];
    expect((await redeemGet(a, { 'idempotency-key': 'shared-key' })).statusCode).toBe(200);
    const otherTicket = await redeemGet(b, { 'idempotency-key': 'shared-key' });
    expect(otherTicket.statusCode).toBe(200);
    expect(otherTicket.headers['idempotent-replayed']).toBeUndefined();
    expect(otherTicket.json().ticket.id).toBe(b);
  });

  it('replays for 24 h after the redemption; after that the same key is a duplicate', async () => {
    const { ids } = await tickets(2);
    const [recent, old] = ids as [string, string];
    for (const id of ids) expect((await redeemGet(id, { 'idempotency-key': 'day-key' })).statusCode).toBe(200);
    const day = 24 * 60 * 60 * 1000;
    const moveBack = async (id: string, ms: number) => {
      const redeemedAt = new Date(Date.now() - ms).toISOString();
      await ctx.app.store.db.updateTable('tickets').set({ redeemed_at: redeemedAt }).where('id', '=', id).execute();
      return redeemedAt;
    };
    await moveBack(recent, day - 60_000);
    const oldAt = await moveBack(old, day + 60_000);

    const stillReplays = await redeemPost(recent, { 'idempotency-key': 'day-key' });
    expect(stillReplays.statusCode).toBe(200);
    expect(stillReplays.headers['idempotent-replayed']).toBe('true');

    const late = await redeemPost(old, { 'idempotency-key': 'day-key' });
    expect(expectProblem(late, 410, 'ticket_already_redeemed')).toMatchObject({ redeemedAt: oldAt, duplicateScans: 1 });
    expect(late.headers['idempotent-replayed']).toBeUndefined();
    expect(
      expectProblem(await redeemGet(old, { 'idempotency-key': 'day-key' }), 410, 'ticket_already_redeemed'),
    ).toMatchObject({
      duplicateScans: 2,
    });
  });

  it('does not replay a key for a ticket first redeemed without it', async () => {
    const { ids } = await tickets(1);
    const id = ids[0] as string;
    expect((await redeemGet(id)).statusCode).toBe(200);
    expectProblem(await redeemGet(id, { 'idempotency-key': 'late-key' }), 410, 'ticket_already_redeemed');
  });

  it('refuses a malformed key, naming the header, and redeems nothing', async () => {
    const { ids } = await tickets(1);
    const id = ids[0] as string;
    const before = await dbSnapshot(ctx.app);
    expectFieldError(await redeemGet(id, { 'idempotency-key': 'x'.repeat(201) }), 'idempotency-key');
    expectFieldError(await redeemPost(id, { 'idempotency-key': 'has space' }), 'idempotency-key');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe('GET /status/:ticketId', () => {
  it('answers 200 ok, 410 redeemed, 404 unknown, and changes nothing', async () => {
    const { headers, event, ids } = await tickets(1);
    const id = ids[0] as string;
    const before = await dbSnapshot(ctx.app);
    const ok = await status(id.toUpperCase());
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      ticket: {
        id,
        eventId: event.id,
        status: 'ok',
        createdAt: expect.any(String),
        redeemedAt: null,
        event: { name: event.name, date: '2026-12-31' },
      },
    });
    expect(await dbSnapshot(ctx.app)).toEqual(before);

    const redeemed = (await redeemGet(id)).json().ticket;
    await redeemGet(id);
    const afterScans = await dbSnapshot(ctx.app);
    for (let i = 0; i < 3; i++) {
      const gone = await status(id);
      expect(expectProblem(gone, 410, 'ticket_already_redeemed')).toMatchObject({
        redeemedAt: redeemed.redeemedAt,
        duplicateScans: 1,
      });
    }
    expectProblem(await status(unknownId()), 404, 'ticket_not_found');
    expectFieldError(await status('nope'), 'ticketId');
    expect(await dbSnapshot(ctx.app)).toEqual(afterScans);
    expect(await redeemedCount(headers, event.id)).toBe(1);
  });
});
