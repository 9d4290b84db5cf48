import { describe, expect, it } from 'vitest';
import { createEvent } from '../server/domain/events/create-event.js';
import { createUser, dbSnapshot, expectProblem, unknownId, useApp } from './helper.js';
import { sessionEndpoints } from './routes.js';

// Sessions live three seconds in this file: long enough for the first request to find the session
// alive on a loaded machine, short enough to wait out.
const TTL_SECONDS = 3;
const ctx = useApp({ sessionTtlSeconds: TTL_SECONDS });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an expired session', () => {
  it('gets 401 unauthorized on every session route, and a new login works again', async () => {
    const owner = await createUser(ctx.app);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: owner.headers });
    expect(me.statusCode).toBe(200);
    const expiresAt = Date.parse(me.json().expiresAt);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(TTL_SECONDS * 1000);
    // The fixture is made without the session, so a slow machine cannot outrun its lifetime.
    const event = await createEvent(ctx.app.store.db, owner.user.id, {
      name: 'Expiry',
      date: '2026-12-31',
      initialTickets: 2,
    });
    // The database of this file holds only this event's tickets.
    const ticket = await ctx.app.store.db.selectFrom('tickets').select('id').limit(1).executeTakeFirstOrThrow();
    const ticketId = ticket.id;

    await sleep(Math.max(0, expiresAt - Date.now()) + 100);

    const before = await dbSnapshot(ctx.app);
    for (const e of sessionEndpoints(ctx.routes, {
      eventId: event.id,
      ticketId,
      linkId: unknownId(),
      batchId: unknownId(),
    })) {
      const res = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers: owner.headers });
      expect(res.statusCode, `${e.name} -> ${res.body}`).toBe(401);
      expectProblem(res, 401, 'unauthorized');
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);

    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: owner.user.username, password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    expect(String(login.headers['set-cookie'])).toMatch(new RegExp(`Max-Age=${TTL_SECONDS}\\b`));
    const fresh = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}`,
      headers: { authorization: `Bearer ${login.json().token}` },
    });
    expect(fresh.statusCode).toBe(200);
  });
});
