import { describe, expect, it } from 'vitest';
import { createEvent, createUser, ticketIds, useApp } from './helper.js';

// PUBLIC_URL set: QR contents and door links use it, whatever host the request came to.
const ctx = useApp({ publicUrl: 'https://tickets.example.org' });

describe('PUBLIC_URL', () => {
  it('makes the ticket page URL and the door link absolute on the public address', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const [id] = await ticketIds(ctx.app, owner.headers, event.id);
    const headers = { ...owner.headers, host: 'localhost:3000' };
    const ticket = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers });
    expect(ticket.json().ticket.publicUrl).toBe(`https://tickets.example.org/t/${id}`);
    const link = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/door-links`,
      headers,
      payload: { label: 'Main door' },
    });
    expect(link.json().link).toBe(`https://tickets.example.org/door#${link.json().secret}`);
  });
});
