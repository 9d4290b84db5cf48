import { describe, expect, it } from 'vitest';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  expectProblem,
  parseCsv,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();
const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Tickets are bearer secrets: random UUID v4, lowercase.
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Ticket = { id: string; eventId: string; status: string; createdAt: string; redeemedAt: string | null };
type Page = { items: Ticket[]; nextCursor: string | null };

async function page(headers: Record<string, string>, eventId: string, query: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/tickets?${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

describe('GET /api/events/:eventId/tickets', () => {
  it('pages with an opaque cursor through every ticket exactly once', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 23 });
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const body: Page = await page(headers, event.id, `limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(Object.keys(body).sort()).toEqual(['items', 'nextCursor']);
      sizes.push(body.items.length);
      for (const t of body.items) {
        expect(t).toEqual({
          id: expect.stringMatching(uuidV4),
          eventId: event.id,
          status: 'ok',
          createdAt: expect.stringMatching(isoUtc),
          redeemedAt: null,
          label: null,
        });
        seen.push(t.id);
      }
      if (body.nextCursor) expect(body.nextCursor).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
      cursor = body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    expect(new Set(seen).size).toBe(23);
    const csv = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets.csv?status=all`, headers });
    const exported = parseCsv(csv.body)
      .slice(1)
      .map((row) => row[0]);
    expect([...seen].sort()).toEqual(exported.sort());
  });

  it('ends with a null cursor when the last page is exactly full, and defaults to 50 per page', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 60 });
    const first = await page(headers, event.id, '');
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await page(headers, event.id, `cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(10);
    expect(second.nextCursor).toBeNull();
    const exact = await page(headers, event.id, 'limit=60');
    expect(exact.items).toHaveLength(60);
    expect(exact.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 8 });
    const all = await ticketIds(ctx.app, headers, event.id);
    const redeemed = all.slice(0, 3);
    for (const id of redeemed)
      expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(200);

    const r = await page(headers, event.id, 'status=redeemed&limit=500');
    expect(r.items.map((t) => t.id).sort()).toEqual([...redeemed].sort());
    for (const t of r.items) expect(t).toMatchObject({ status: 'redeemed', redeemedAt: expect.stringMatching(isoUtc) });
    const ok = await page(headers, event.id, 'status=ok&limit=500');
    expect(ok.items.map((t) => t.id).sort()).toEqual(all.slice(3).sort());
    for (const t of ok.items) expect(t).toMatchObject({ status: 'ok', redeemedAt: null });
    expect(await ticketIds(ctx.app, headers, event.id, 'redeemed')).toHaveLength(3);
    expect((await page(headers, event.id, 'limit=500')).items).toHaveLength(8);
  });

  it('refuses a tampered cursor with 400 naming cursor', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 4 });
    const { nextCursor } = await page(headers, event.id, 'limit=1');
    const real = String(nextCursor);
    const tampered = [
      'garbage',
      `${real.slice(0, -3)}xyz`,
      real.split('').reverse().join(''),
      Buffer.from('t:not-a-uuid').toString('base64url'),
      Buffer.from(`x:${unknownId()}`).toString('base64url'),
      'x'.repeat(201),
      '%00',
    ];
    for (const cursor of tampered) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/events/${event.id}/tickets?cursor=${encodeURIComponent(cursor)}`,
        headers,
      });
      expectFieldError(res, 'cursor');
    }
  });

  it('keeps limit between 1 and 500 and status to ok or redeemed', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 3 });
    for (const limit of ['0', '501', '-1', '1.5', 'abc', '1e9']) {
      expectFieldError(
        await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets?limit=${limit}`, headers }),
        'limit',
      );
    }
    expect((await page(headers, event.id, 'limit=1')).items).toHaveLength(1);
    expect((await page(headers, event.id, 'limit=500')).items).toHaveLength(3);
    for (const status of ['all', 'OK', 'used']) {
      expectFieldError(
        await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets?status=${status}`, headers }),
        'status',
      );
    }
    expectFieldError(
      await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets?batch=x`, headers }),
      'batch',
    );
  });
});

describe('GET /api/tickets/:ticketId', () => {
  it('shows the owner the ticket with its event, by an id in any letter case', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Ticket owner view', date: '2026-09-09' });
    const [id] = await ticketIds(ctx.app, headers, event.id);
    const res = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id?.toUpperCase()}`, headers });
    expect(res.statusCode).toBe(200);
    const view = {
      id,
      eventId: event.id,
      status: 'ok',
      createdAt: expect.stringMatching(isoUtc),
      redeemedAt: null,
      label: null,
      voidedAt: null,
      voidReason: null,
      event: { id: event.id, name: 'Ticket owner view', date: '2026-09-09' },
      publicUrl: `http://localhost:80/t/${id}`,
    };
    expect(res.json()).toEqual({ ticket: view });

    const redeem = await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` });
    const after = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers });
    expect(after.json()).toEqual({
      ticket: { ...view, status: 'redeemed', redeemedAt: redeem.json().ticket.redeemedAt },
    });
  });

  it('is 404 ticket_not_found for another user’s ticket, exactly like an unknown one', async () => {
    const owner = await createUser(ctx.app);
    const stranger = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const [id] = await ticketIds(ctx.app, owner.headers, event.id);
    const before = await dbSnapshot(ctx.app);
    const foreign = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: stranger.headers });
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: `/api/tickets/${unknownId()}`,
      headers: stranger.headers,
    });
    expect(expectProblem(foreign, 404, 'ticket_not_found')).toEqual(expectProblem(unknown, 404, 'ticket_not_found'));
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('answers 400 naming ticketId for a malformed id', async () => {
    const { headers } = await createUser(ctx.app);
    expectFieldError(await ctx.app.inject({ method: 'GET', url: '/api/tickets/nope', headers }), 'ticketId');
  });
});
