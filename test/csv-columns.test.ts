import { describe, expect, it } from 'vitest';
import { createEvent, createUser, expectFieldError, parseCsv, ticketIds, useApp } from './helper.js';

const PUBLIC_URL = 'https://tickets.example.org';
const ctx = useApp({ publicUrl: PUBLIC_URL });

function csv(headers: Record<string, string>, eventId: string, query = '') {
  return ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/tickets.csv${query}`, headers });
}

async function fixture() {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { name: 'Mail merge', initialTickets: 4 });
  const ids = await ticketIds(ctx.app, headers, event.id);
  await ctx.app.inject({ method: 'POST', url: `/api/tickets/${ids[0]}/redeem` });
  return { headers, event, ids };
}

describe('GET /api/events/:eventId/tickets.csv?columns=', () => {
  it('gives the columns asked for, in the order asked, with each ticket’s public page URL', async () => {
    const f = await fixture();
    const res = await csv(f.headers, f.event.id, '?status=all&columns=ticket_url,ticket_id,status');
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['ticket_url', 'ticket_id', 'status']);
    expect(rows.map((r) => r[1]).sort()).toEqual([...f.ids].sort());
    for (const [url, id, status] of rows) {
      expect(url).toBe(`${PUBLIC_URL}/t/${id}`);
      expect(status).toBe(id === f.ids[0] ? 'redeemed' : 'ok');
    }
    // Any subset, spaces around the names ignored; the filter still applies.
    const one = await csv(f.headers, f.event.id, `?columns=${encodeURIComponent(' redeemed_at , created_at ')}`);
    const [oneHeader, ...oneRows] = parseCsv(one.body);
    expect(oneHeader).toEqual(['redeemed_at', 'created_at']);
    expect(oneRows).toHaveLength(3);
  });

  it('keeps the contract’s four columns by default', async () => {
    const f = await fixture();
    const [header] = parseCsv((await csv(f.headers, f.event.id)).body);
    expect(header).toEqual(['ticket_id', 'status', 'created_at', 'redeemed_at']);
  });

  it('refuses an unknown, repeated or empty column with 400 naming columns and the column', async () => {
    const f = await fixture();
    const unknown = expectFieldError(await csv(f.headers, f.event.id, '?columns=ticket_id,seat'), 'columns');
    expect(unknown.detail).toContain('"seat"');
    expect(unknown.detail).toContain('ticket_url');
    expectFieldError(await csv(f.headers, f.event.id, '?columns=ticket_id,ticket_id'), 'columns');
    expectFieldError(await csv(f.headers, f.event.id, '?columns='), 'columns');
    expectFieldError(await csv(f.headers, f.event.id, '?columns=ticket_id,,status'), 'columns');
  });
});

describe('ticket_url without PUBLIC_URL', () => {
  const local = useApp();
  it('is the origin the request came to', async () => {
    const { headers } = await createUser(local.app);
    const event = await createEvent(local.app, headers, { initialTickets: 1 });
    const res = await local.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.csv?columns=ticket_url`,
      headers: { ...headers, host: 'door.example.net:8080' },
    });
    const [, [url]] = parseCsv(res.body) as [string[], string[]];
    const [id] = await ticketIds(local.app, headers, event.id);
    expect(url).toBe(`http://door.example.net:8080/t/${id}`);
  });
});
