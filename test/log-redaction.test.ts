import { describe, expect, it } from 'vitest';
import { redactUrl } from '../server/app.js';
import { testStore } from './databases.js';
import { createEvent, createUser, ticketIds, useLoggedApp } from './helper.js';

// Ticket codes are bearer secrets; the router decodes a path before matching an id, so a
// percent-encoded code names the ticket as surely as a plain one and must not reach the log whole.
const ctx = useLoggedApp();
const lines = ctx.lines;

/** Every character percent-encoded, hex in `upper` or lower case. */
const encodeAll = (text: string, upper = false) =>
  [...text]
    .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .map((e) => (upper ? e.toUpperCase() : e))
    .join('');
/** Every other character percent-encoded. */
const encodeSome = (text: string) => [...text].map((c, i) => (i % 2 ? `%${c.charCodeAt(0).toString(16)}` : c)).join('');

describe(`request logs with percent-encoded ticket codes (${testStore})`, () => {
  it('never show a code whole, however it is encoded, yet keep its first 8 characters', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 4 });
    const ids = await ticketIds(ctx.app, owner.headers, event.id);
    const [a, b, c, d] = ids as [string, string, string, string];
    const forms = (id: string) => [
      encodeAll(id),
      encodeAll(id.toUpperCase(), true),
      encodeSome(id),
      encodeSome(id.toUpperCase()),
    ];

    // The router decodes them: these are real scans of the tickets.
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${encodeAll(a)}` })).statusCode).toBe(200);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/status/${encodeSome(a.toUpperCase())}?x=%31` })).statusCode,
    ).toBe(410);
    expect(
      (await ctx.app.inject({ method: 'POST', url: `/api/tickets/${encodeAll(b, true)}/redeem` })).statusCode,
    ).toBe(200);
    expect((await ctx.app.inject({ method: 'HEAD', url: `/redeem/${encodeSome(c)}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${encodeAll(d)}/` })).statusCode).toBe(200);
    await ctx.app.inject({ method: 'GET', url: `/redeem/${encodeAll(c)}/nothing-here` });

    const log = lines.join('\n');
    expect(log).toContain('/redeem/');
    for (const id of ids) {
      for (const secret of [id, id.toUpperCase(), ...forms(id)]) expect(log).not.toContain(secret);
    }
    expect(log).toContain(`/redeem/${a.slice(0, 8)}-…`);
    expect(log).toContain(`/api/tickets/${b.slice(0, 8)}-…/redeem`);
  });

  it('redactUrl leaves a URL without a code as it came, and never throws on a bad escape', () => {
    expect(redactUrl('/api/events?q=a%20b%2Fc')).toBe('/api/events?q=a%20b%2Fc');
    expect(redactUrl('/redeem/%E0%A4%A')).toBe('/redeem/%E0%A4%A');
    expect(redactUrl('/redeem/%zz%')).toBe('/redeem/%zz%');
    expect(redactUrl('/status/%36%31%62%63%64%65%66%30-0000-4000-8000-000000000000?q=%20')).toBe(
      '/status/61bcdef0-…?q= ',
    );
  });
});
