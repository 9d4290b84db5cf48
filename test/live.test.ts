import { afterEach, describe, expect, it } from 'vitest';
import { configVariables } from '../server/config.js';
import { createEvent, createUser, doorScan, expectProblem, openDoor, ticketIds, unknownId, useApp } from './helper.js';
import { baseUrl, dataOf, eventually, type LiveStream, openStream } from './live-client.js';

// Short heartbeats and credential checks, so the tests below take fractions of a second.
const ctx = useApp({ liveHeartbeatMs: 200, liveRecheckMs: 200, liveStreamsPerSession: 3 });

const open: LiveStream[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function stream(eventId: string, headers: Record<string, string>) {
  const s = await openStream(`${await baseUrl(ctx.app)}/api/events/${eventId}/live`, headers);
  open.push(s);
  return s;
}

async function fixture(initialTickets = 3) {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets });
  const ids = await ticketIds(ctx.app, owner.headers, event.id);
  const door = await openDoor(ctx.app, owner.headers, event.id, { label: 'East gate', deviceName: 'Phone 7' });
  return { owner, event, ids, door };
}

describe('GET /api/events/:eventId/live', () => {
  it('opens with a retry hint and a counters snapshot, then pushes each scan and the counters', async () => {
    const { owner, event, ids, door } = await fixture();
    const s = await stream(event.id, owner.headers);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toBe('no-store');
    expect(s.headers['x-accel-buffering']).toBe('no');
    const first = await s.next(() => true);
    expect(first.event).toBe('counters');
    expect(dataOf(first)).toEqual({ totalTickets: 3, redeemedTickets: 0 });
    expect(s.retry()).toBeGreaterThan(0);

    const t0 = Date.now();
    const scanned = await doorScan(ctx.app, door.headers, ids[0] as string);
    expect(scanned.json()).toMatchObject({ outcome: 'admitted' });
    const scan = await s.next((e) => e.event === 'scan', 1000);
    const counters = await s.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === 1, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(dataOf(counters)).toEqual({ totalTickets: 3, redeemedTickets: 1 });
    expect(dataOf(scan)).toEqual({
      id: (scanned.json() as { scan: { id: string } }).scan.id,
      at: expect.any(String),
      ticketId: ids[0],
      outcome: 'admitted',
      door: 'East gate',
      device: 'Phone 7',
      deviceAt: null,
    });
    expect(scan.id).toMatch(/^\d+$/);

    // Refused scans are scans too; the counters do not move for them.
    await doorScan(ctx.app, door.headers, ids[0] as string);
    await doorScan(ctx.app, door.headers, 'not a ticket');
    const refused = await s.next((e) => e.event === 'scan' && dataOf(e).outcome === 'unreadable', 1000);
    const outcomes = s.events.filter((e) => e.event === 'scan').map((e) => dataOf(e).outcome);
    expect(outcomes).toEqual(['admitted', 'already_redeemed', 'unreadable']);
    expect(dataOf(refused).ticketId).toBeNull();
    const ids2 = s.events.filter((e) => e.event === 'scan').map((e) => Number(e.id));
    expect(ids2).toEqual([...ids2].sort((a, b) => a - b));
  });

  it('is open to a door session of the event, not to one of another event, nor without a session', async () => {
    const { owner, event, ids, door } = await fixture();
    const s = await stream(event.id, door.headers);
    expect(s.status).toBe(200);
    await s.next((e) => e.event === 'counters');
    const byCookie = await stream(event.id, { cookie: `admit_door=${door.token}` });
    expect(byCookie.status).toBe(200);
    await doorScan(ctx.app, door.headers, ids[1] as string);
    await s.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === 1, 1000);

    const other = await fixture();
    const foreign = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/live`,
      headers: other.door.headers,
    });
    const missing = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${unknownId()}/live`,
      headers: other.door.headers,
    });
    expectProblem(foreign, 404, 'event_not_found');
    expect(foreign.body).toBe(missing.body);
    const stranger = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/live`,
      headers: other.owner.headers,
    });
    expectProblem(stranger, 404, 'event_not_found');
    expectProblem(await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/live` }), 401, 'unauthorized');
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: `/api/events/not-an-id/live`, headers: owner.headers }),
      400,
      'validation_failed',
    );
    // No HEAD: it would hold a stream open for no body.
    expect(
      (await ctx.app.inject({ method: 'HEAD', url: `/api/events/${event.id}/live`, headers: owner.headers }))
        .statusCode,
    ).toBe(404);
  });

  it('ends the stream within seconds of a sign-out, and of a revoked door link', async () => {
    const { owner, event, door } = await fixture();
    const asOwner = await stream(event.id, owner.headers);
    const asDoor = await stream(event.id, door.headers);
    await asOwner.next((e) => e.event === 'counters');
    await asDoor.next((e) => e.event === 'counters');
    const out = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: owner.headers });
    expect(out.statusCode).toBe(204);
    await asOwner.ended;
    expect(asDoor.isEnded()).toBe(false);
    // The door link is revoked by its owner (a fresh session of the same user).
    const { createSession } = await import('../server/domain/users/sessions.js');
    const fresh = await createSession(ctx.app.store.db, (await ownerId(owner.token, event.id)) as string, 3600);
    const revoked = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/events/${event.id}/door-links/${door.linkId}`,
      headers: { authorization: `Bearer ${fresh.token}` },
    });
    expect(revoked.statusCode).toBe(204);
    await asDoor.ended;
    const again = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/live`, headers: door.headers });
    expectProblem(again, 401, 'door_access_revoked');
  });

  it('resumes after Last-Event-ID, or sends a fresh snapshot when that is too far behind', async () => {
    const { owner, event, ids, door } = await fixture(3);
    const s = await stream(event.id, owner.headers);
    await s.next((e) => e.event === 'counters');
    await doorScan(ctx.app, door.headers, ids[0] as string);
    const firstScan = await s.next((e) => e.event === 'scan', 1000);
    s.close();
    await doorScan(ctx.app, door.headers, ids[1] as string);
    await doorScan(ctx.app, door.headers, ids[0] as string);

    const resumed = await stream(event.id, { ...owner.headers, 'last-event-id': firstScan.id as string });
    const opening = await resumed.next(() => true);
    expect(opening.event).toBe('counters');
    expect(dataOf(opening)).toEqual({ totalTickets: 3, redeemedTickets: 2 });
    await resumed.next((e) => e.event === 'scan' && dataOf(e).outcome === 'already_redeemed', 1000);
    const missed = resumed.events.filter((e) => e.event === 'scan');
    expect(missed.map((e) => [dataOf(e).ticketId, dataOf(e).outcome])).toEqual([
      [ids[1], 'admitted'],
      [ids[0], 'already_redeemed'],
    ]);
    expect(Number(missed[0]?.id)).toBeGreaterThan(Number(firstScan.id));

    // A fresh stream starts from its snapshot: the snapshot's id is where it resumes.
    const fresh = await stream(event.id, owner.headers);
    const snapshot = await fresh.next(() => true);
    expect(Number(snapshot.id)).toBe(Number(missed[1]?.id));
    await new Promise((r) => setTimeout(r, 300));
    expect(fresh.events.filter((e) => e.event === 'scan')).toEqual([]);

    // More than 20 scans behind: a snapshot with the newest position instead of the scans.
    const before = firstScan.id as string;
    for (let i = 0; i < 101; i++) await doorScan(ctx.app, door.headers, 'garbage');
    // (Sent as scans, or as a counters snapshot where more than 20 arrived at once.)
    await fresh.next((e) => e.id !== null && Number(e.id) >= Number(snapshot.id) + 101, 3000);
    fresh.close();
    const behind = await stream(event.id, { ...owner.headers, 'last-event-id': before });
    const snap = await behind.next(() => true);
    expect(snap.event).toBe('counters');
    expect(Number(snap.id)).toBeGreaterThan(Number(before) + 100);
    await new Promise((r) => setTimeout(r, 300));
    expect(behind.events.filter((e) => e.event === 'scan')).toEqual([]);

    // An id from elsewhere (another database, a made-up number) is a fresh start, not a stream that waits forever.
    const bogus = await stream(event.id, { ...owner.headers, 'last-event-id': '999999999' });
    await bogus.next((e) => e.event === 'counters');
    await doorScan(ctx.app, door.headers, ids[2] as string);
    await bogus.next((e) => e.event === 'scan' && dataOf(e).ticketId === ids[2], 1000);
  });

  it('in a rush (more than 20 scans a read) sends a counters resync at the log position instead of every scan, then scans again', async () => {
    const { owner, event, ids, door } = await fixture(100);
    const s = await stream(event.id, owner.headers);
    const opening = await s.next((e) => e.event === 'counters');
    await Promise.all(ids.map((id) => doorScan(ctx.app, door.headers, id)));
    const done = await s.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === 100, 2000);
    expect(dataOf(done)).toEqual({ totalTickets: 100, redeemedTickets: 100 });
    const frames = s.events.slice(s.events.indexOf(opening) + 1);
    // Not 100 scan frames: at least one read saw more than 20 and sent the counters with its position.
    expect(frames.filter((e) => e.event === 'scan').length).toBeLessThan(100);
    const resyncs = frames.filter((e) => e.event === 'counters' && e.id !== null);
    expect(resyncs.length).toBeGreaterThan(0);
    const positions = frames.filter((e) => e.id !== null).map((e) => Number(e.id));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    // Past the rush, each scan is sent again, after the resync's position.
    const last = Math.max(...positions);
    await doorScan(ctx.app, door.headers, ids[0] as string);
    const scan = await s.next((e) => e.event === 'scan' && dataOf(e).outcome === 'already_redeemed', 1000);
    expect(Number(scan.id)).toBeGreaterThan(last);
  });

  it('sends a comment at least every heartbeat interval (15 s at most by default), and refuses a session past its stream limit', async () => {
    expect(configVariables.LIVE_HEARTBEAT_MS.default).toBeLessThanOrEqual(15_000);
    const { owner, event } = await fixture();
    const streams = [await stream(event.id, owner.headers), await stream(event.id, owner.headers)];
    const third = await stream(event.id, owner.headers);
    await third.next((e) => e.event === 'counters');
    const fourth = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/live`, headers: owner.headers });
    expectProblem(fourth, 429, 'too_many_streams');
    expect(fourth.headers['retry-after']).toBe('5');
    await new Promise((r) => setTimeout(r, 700));
    expect(third.comments()).toBeGreaterThanOrEqual(2);
    for (const s of streams) s.close();
    third.close();
    await eventually(() => ctx.app.live.stats().credentials === 0 || !ctx.app.live.stats().subscribers);
    const after = await stream(event.id, owner.headers);
    expect(after.status).toBe(200);
  });
});

/** The owner of an event (tests only). */
async function ownerId(_token: string, eventId: string) {
  const row = await ctx.app.store.db
    .selectFrom('events')
    .select('owner_id')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.owner_id;
}
