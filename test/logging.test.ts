import { describe, expect, it } from 'vitest';
import { createEvent, createUser, ticketIds, useLoggedApp } from './helper.js';

// The real request logger, writing into memory (ctx.lines).
const ctx = useLoggedApp();
const lines = ctx.lines;

describe('request logs', () => {
  it('never contain passwords, session tokens, cookies or whole ticket codes', async () => {
    const password = 'correct horse battery';
    const owner = await createUser(ctx.app);
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: owner.user.username, password },
    });
    const cookieToken = login.json().token as string;
    await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `admit_session=${cookieToken}` } });
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 2 });
    const ids = await ticketIds(ctx.app, owner.headers, event.id);
    for (const id of ids) {
      await ctx.app.inject({ method: 'GET', url: `/redeem/${id}`, headers: { 'idempotency-key': 'log-check-key' } });
      await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id.toUpperCase()}/redeem` });
      await ctx.app.inject({ method: 'GET', url: `/status/${id}` });
    }
    await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password } });

    const log = lines.join('\n');
    expect(log).toContain('/redeem/');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [password, owner.token, cookieToken, ...ids, ...ids.map((id) => id.toUpperCase())]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/authorization|admit_session=/i);
    // Ticket codes appear shortened to their first 8 characters, enough to trace a scan.
    expect(log).toContain(`/redeem/${ids[0]?.slice(0, 8)}-`);
  });
});
