import { describe, expect, it } from 'vitest';
import { createEvent, signUp, ticketIds, unknownId, useApp } from './helper.js';

const ctx = useApp();

describe('redeem', () => {
  it('redeems once: 200 then 410 with the first redemption time and duplicate count', async () => {
    const { headers } = await signUp(ctx.app);
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
});
