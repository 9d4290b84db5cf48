import { describe, expect, it } from 'vitest';
import { createEvent, createUser, doorScan, openDoor, ticketIds, unknownId, useLoggedApp } from './helper.js';
import { createCheapUser, freshAddress, login } from './throttle-cases.js';

// The real request logger at the default level (info), writing into memory (ctx.lines).
const ctx = useLoggedApp({ logLevel: 'info', unknownTicketsPerMinute: 5, registrationsPerHour: 2 });
const lines = ctx.lines;

type Line = Record<string, unknown> & { event?: string; level: number };
const logged = () => lines.map((line) => JSON.parse(line) as Line);
const withEvent = (event: string) => logged().filter((line) => line.event === event);

describe('security events in the log', () => {
  it('records failed logins, lockouts, throttles and door changes, without a secret', async () => {
    const secrets: string[] = [];
    const address = freshAddress();

    // Failed logins, then the lockout they cause.
    const user = await createCheapUser(ctx.app, 'the-right-Password-77');
    secrets.push(user.password);
    for (let i = 0; i < 20; i++) {
      const guess = `guess-Secret-${i}-xyz`;
      secrets.push(guess);
      await login(ctx.app, user.username, guess, address);
    }
    expect((await login(ctx.app, user.username, user.password, address)).statusCode).toBe(429);
    const failed = withEvent('login_failed');
    expect(failed).toHaveLength(20);
    expect(failed[0]).toMatchObject({ level: 30, event: 'login_failed', username: user.username, ip: address });
    const lockouts = withEvent('login_throttled');
    expect(lockouts.map((line) => line.scope).sort()).toEqual(['address', 'username']);
    expect(lockouts[0]).toMatchObject({
      level: 40,
      ip: address,
      username: user.username,
      retryAfter: expect.any(Number),
    });

    // Unknown ticket ids past the allowance (5 here): one event, no id.
    const unknown = Array.from({ length: 7 }, () => unknownId());
    secrets.push(...unknown);
    for (const id of unknown) await ctx.app.inject({ method: 'GET', url: `/status/${id}`, remoteAddress: address });
    expect(withEvent('unknown_tickets_throttled')).toEqual([
      expect.objectContaining({ level: 40, ip: address, retryAfter: expect.any(Number) }),
    ]);

    // Registrations past the allowance (2 here).
    for (let i = 0; i < 3; i++) {
      const password = `register-Secret-${i}-abc`;
      secrets.push(password);
      await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username: `logged${address}r${i}`, password },
        remoteAddress: address,
      });
    }
    expect(withEvent('registration_throttled')).toEqual([
      expect.objectContaining({ level: 40, ip: address, retryAfter: expect.any(Number) }),
    ]);

    // Door links: created, a scan undone, revoked.
    const owner = await createUser(ctx.app);
    secrets.push(owner.token);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const [ticket] = await ticketIds(ctx.app, owner.headers, event.id);
    const door = await openDoor(ctx.app, owner.headers, event.id);
    secrets.push(door.secret, door.token, ticket!);
    const scan = (await doorScan(ctx.app, door.headers, ticket!)).json() as { scan: { id: string } };
    const undo = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/door/scans/${scan.scan.id}`,
      headers: door.headers,
    });
    expect(undo.statusCode).toBe(200);
    const revoke = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/events/${event.id}/door-links/${door.linkId}`,
      headers: owner.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const link = { eventId: event.id, doorLinkId: door.linkId };
    expect(withEvent('door_link_created')).toEqual([expect.objectContaining({ ...link, userId: owner.user.id })]);
    expect(withEvent('door_scan_undone')).toEqual([
      expect.objectContaining({ ...link, scanId: scan.scan.id, ticket: ticket!.slice(0, 8) }),
    ]);
    expect(withEvent('door_link_revoked')).toEqual([expect.objectContaining({ ...link, userId: owner.user.id })]);

    const log = lines.join('\n');
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
