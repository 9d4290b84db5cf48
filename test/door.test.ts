import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  doorScan,
  expectFieldError,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();

async function eventWithDoor(count = 3, options: { label?: string } = {}) {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: count, name: 'Harbour Jazz Night' });
  const ids = await ticketIds(ctx.app, owner.headers, event.id);
  const door = await openDoor(ctx.app, owner.headers, event.id, options);
  return { owner, event, ids, door };
}

async function counters(headers: Record<string, string>, eventId: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/status`, headers })).json() as {
    totalTickets: number;
    redeemedTickets: number;
  };
}

async function ticketStatus(id: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/status/${id}` })).statusCode;
}

describe(`door links (${testStore})`, () => {
  it('are created with a secret shown once, listed without it, and count their devices', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { date: '2027-03-14' });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/door-links`,
      headers: { ...owner.headers, host: 'tickets.example.org' },
      payload: { label: '  North gate  ' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(body.url).toBe(`/door#${body.secret}`);
    expect(body.link).toBe(`http://tickets.example.org/door#${body.secret}`);
    expect(body.doorLink).toEqual({
      id: expect.any(String),
      label: 'North gate',
      createdAt: expect.any(String),
      // 24 hours after the end of the event's day.
      expiresAt: '2027-03-16T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
      devices: 0,
    });
    // The secret is stored only hashed.
    const stored = await ctx.app.store.db.selectFrom('door_links').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(body.secret);

    for (const deviceName of ['Phone 1', 'Phone 2']) {
      const opened = await ctx.app.inject({
        method: 'POST',
        url: '/api/door/sessions',
        payload: { secret: body.secret, deviceName },
      });
      expect(opened.statusCode).toBe(201);
    }
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/door-links`,
      headers: owner.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(body.secret);
    const [listed] = list.json().items;
    expect(listed).toMatchObject({ id: body.doorLink.id, label: 'North gate', devices: 2, revokedAt: null });
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuse a blank label, an expiry in the past and unknown fields, naming the field, and change nothing', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers);
    const before = await dbSnapshot(ctx.app);
    const post = (payload: Record<string, unknown>) =>
      ctx.app.inject({ method: 'POST', url: `/api/events/${event.id}/door-links`, headers: owner.headers, payload });
    expectFieldError(await post({ label: '   ' }), 'label');
    expectFieldError(await post({ label: 'x'.repeat(101) }), 'label');
    expectFieldError(await post({ label: 'Gate', expiresAt: '2020-01-01T00:00:00.000Z' }), 'expiresAt');
    expectFieldError(await post({ label: 'Gate', expiresAt: 'tomorrow' }), 'expiresAt');
    expectFieldError(await post({ label: 'Gate', secret: 'mine' }), 'secret');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('revoked: every device opened with it is refused at once, and the secret opens nothing more', async () => {
    const { owner, event, ids, door } = await eventWithDoor();
    expect((await doorScan(ctx.app, door.headers, ids[0] as string)).json().outcome).toBe('admitted');
    const revoke = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/events/${event.id}/door-links/${door.linkId}`,
      headers: owner.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const before = await dbSnapshot(ctx.app);
    expectProblem(await doorScan(ctx.app, door.headers, ids[1] as string), 401, 'door_access_revoked');
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers: { cookie: `admit_door=${door.token}` } }),
      401,
      'door_access_revoked',
    );
    expectProblem(
      await ctx.app.inject({ method: 'POST', url: '/api/door/sessions', payload: { secret: door.secret } }),
      401,
      'door_access_revoked',
    );
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect(await ticketStatus(ids[1] as string)).toBe(200);
    // Revoking again is harmless; the list shows when it was revoked.
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/events/${event.id}/door-links/${door.linkId}`,
      headers: owner.headers,
    });
    expect(again.statusCode).toBe(204);
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/door-links`,
      headers: owner.headers,
    });
    expect(list.json().items[0].revokedAt).toEqual(expect.any(String));
  });

  it('expired: its devices get 401 door_access_revoked', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/door-links`,
      headers: owner.headers,
      payload: { label: 'Short shift', expiresAt },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().doorLink.expiresAt).toBe(expiresAt);
    const opened = await ctx.app.inject({
      method: 'POST',
      url: '/api/door/sessions',
      payload: { secret: created.json().secret },
    });
    expect(opened.json().expiresAt).toBe(expiresAt);
    const headers = { authorization: `Bearer ${opened.json().token}` };
    expect((await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers }), 401, 'door_access_revoked');
  });
});

describe(`door sessions (${testStore})`, () => {
  it('start from the secret: 201 with the event, the link and an HttpOnly SameSite=Strict cookie', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { name: 'Winter Food Market', date: '2026-12-19' });
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/door-links`,
      headers: owner.headers,
      payload: { label: 'Side door' },
    });
    const { secret, doorLink } = created.json();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/door/sessions',
      payload: { secret, deviceName: ' Anna’s phone ' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      token: expect.any(String),
      expiresAt: '2026-12-21T00:00:00.000Z',
      event: { id: event.id, name: 'Winter Food Market', date: '2026-12-19' },
      doorLink: { id: doorLink.id, label: 'Side door' },
      device: 'Anna’s phone',
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^admit_door=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/door/me',
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(me.json()).toEqual({
      event: { id: event.id, name: 'Winter Food Market', date: '2026-12-19' },
      doorLink: { id: doorLink.id, label: 'Side door' },
      device: 'Anna’s phone',
      expiresAt: '2026-12-21T00:00:00.000Z',
      totalTickets: 5,
      redeemedTickets: 0,
      voidTickets: 0,
      verifierKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuse an unknown secret with 401 and a malformed body with 400', async () => {
    expectProblem(
      await ctx.app.inject({ method: 'POST', url: '/api/door/sessions', payload: { secret: 'guess' } }),
      401,
      'unauthorized',
    );
    expectFieldError(await ctx.app.inject({ method: 'POST', url: '/api/door/sessions', payload: {} }), 'secret');
    expectFieldError(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/door/sessions',
        payload: { secret: 'x', deviceName: 'a'.repeat(61) },
      }),
      'deviceName',
    );
  });

  it('a cookie-authenticated scan from another site is refused with 403 and changes nothing', async () => {
    const { ids, door } = await eventWithDoor(1);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/door/scans',
      headers: { cookie: `admit_door=${door.token}`, origin: 'https://evil.example', host: 'admit.example' },
      payload: { code: ids[0] },
    });
    expectProblem(res, 403, 'forbidden');
    expect(await ticketStatus(ids[0] as string)).toBe(200);
  });
});

describe(`door scans (${testStore})`, () => {
  it('admit a ticket of the event once: admitted, then already_redeemed with when, where and how often', async () => {
    const { owner, event, ids, door } = await eventWithDoor(3, { label: 'North gate' });
    const id = ids[0] as string;
    const first = await doorScan(ctx.app, door.headers, id);
    expect(first.statusCode, first.body).toBe(200);
    const admitted = first.json();
    expect(admitted).toEqual({
      outcome: 'admitted',
      scan: { id: expect.any(String), at: expect.any(String) },
      ticket: {
        id,
        eventId: event.id,
        status: 'redeemed',
        createdAt: expect.any(String),
        redeemedAt: admitted.scan.at,
      },
    });
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 3, redeemedTickets: 1 });

    for (const n of [1, 2]) {
      const again = (await doorScan(ctx.app, door.headers, id)).json();
      expect(again).toMatchObject({
        outcome: 'already_redeemed',
        redeemedAt: admitted.scan.at,
        redeemedAtDoor: 'North gate',
        duplicateScans: n,
        ticket: { id, status: 'redeemed' },
      });
    }
    // The public endpoint agrees, and counts the door's refusals too.
    const pub = await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` });
    expect(pub.statusCode).toBe(410);
    expect(pub.json()).toMatchObject({ redeemedAt: admitted.scan.at, duplicateScans: 3 });
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 3, redeemedTickets: 1 });
  });

  it('name the public link as the door of a ticket redeemed through /redeem', async () => {
    const { ids, door } = await eventWithDoor(1);
    const id = ids[0] as string;
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).statusCode).toBe(200);
    expect((await doorScan(ctx.app, door.headers, id)).json()).toMatchObject({
      outcome: 'already_redeemed',
      redeemedAtDoor: 'public link',
      duplicateScans: 1,
    });
  });

  it('read every form of code: case, spaces, the public page URL, /redeem URLs, and 8+ first characters', async () => {
    const { ids, door } = await eventWithDoor(4);
    const [a, b, c, d] = ids as [string, string, string, string];
    const codes = [
      `  ${a.toUpperCase()}  `,
      `https://tickets.example.org/t/${b}`,
      `http://x/redeem/${c}?utm=1`,
      d.slice(0, 8),
    ];
    for (const [i, code] of codes.entries()) {
      const res = (await doorScan(ctx.app, door.headers, code)).json();
      expect(res, code).toMatchObject({ outcome: 'admitted', ticket: { id: ids[i] } });
    }
  });

  it('a ticket of another event is wrong_event: nothing changes and nothing of that event is told', async () => {
    const { owner, ids, door } = await eventWithDoor(1);
    const other = await createEvent(ctx.app, owner.headers, { name: 'Other night', initialTickets: 1 });
    const [otherId] = await ticketIds(ctx.app, owner.headers, other.id);
    const before = await dbSnapshot(ctx.app);
    const res = (await doorScan(ctx.app, door.headers, otherId as string)).json();
    expect(res).toEqual({ outcome: 'wrong_event', scan: { id: expect.any(String), at: expect.any(String) } });
    expect(JSON.stringify(res)).not.toContain(other.id);
    const after = await dbSnapshot(ctx.app);
    expect({ ...after, counts: { ...after.counts, scans: before.counts.scans } }).toEqual(before);
    expect(after.counts.scans).toBe(before.counts.scans + 1);
    // Its own first characters do not find it either: a prefix only looks in this event.
    expect((await doorScan(ctx.app, door.headers, (otherId as string).slice(0, 10))).json().outcome).toBe('not_found');
    expect(await ticketStatus(otherId as string)).toBe(200);
    expect(await ticketStatus(ids[0] as string)).toBe(200);
  });

  it('unknown ids are not_found, codes without an id unreadable; both logged, neither changes a ticket', async () => {
    const { ids, door } = await eventWithDoor(1);
    expect((await doorScan(ctx.app, door.headers, unknownId())).json().outcome).toBe('not_found');
    for (const code of ['', 'hello', 'https://example.org/', '1234567', 'zzzzzzzzzz']) {
      expect((await doorScan(ctx.app, door.headers, code)).json().outcome, code).toBe('unreadable');
    }
    const recent = await ctx.app.inject({ method: 'GET', url: '/api/door/scans?limit=10', headers: door.headers });
    expect(recent.json().items.map((s: { outcome: string }) => s.outcome)).toEqual([
      'unreadable',
      'unreadable',
      'unreadable',
      'unreadable',
      'unreadable',
      'not_found',
    ]);
    expect(await ticketStatus(ids[0] as string)).toBe(200);
  });

  it('a prefix that several tickets of the event share is 409 ambiguous_code: type more', async () => {
    const { owner, event, door } = await eventWithDoor(1);
    const row = await ctx.app.store.db
      .selectFrom('tickets')
      .innerJoin('events', 'events.seq', 'tickets.event_seq')
      .select(['tickets.event_seq', 'tickets.batch_seq'])
      .where('events.id', '=', event.id)
      .executeTakeFirstOrThrow();
    const twins = ['abcdef12-3456-4000-8000-000000000001', 'abcdef12-3456-4000-8000-000000000002'];
    await ctx.app.store.db
      .insertInto('tickets')
      .values(twins.map((id) => ({ id, event_seq: row.event_seq, batch_seq: row.batch_seq })))
      .execute();
    const before = await dbSnapshot(ctx.app);
    expectProblem(await doorScan(ctx.app, door.headers, 'abcdef12'), 409, 'ambiguous_code');
    expectProblem(await doorScan(ctx.app, door.headers, 'ABCDEF12-3456'), 409, 'ambiguous_code');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect((await doorScan(ctx.app, door.headers, 'ABCDEF12345640008000000000000002')).json()).toMatchObject({
      outcome: 'admitted',
      ticket: { id: twins[1] },
    });
    expect((await counters(owner.headers, event.id)).redeemedTickets).toBe(1);
  });

  it('a retry with the same scanId replays the first answer: a lost admission comes back as admitted', async () => {
    const { owner, event, ids, door } = await eventWithDoor(2);
    const scanId = randomUUID();
    const first = await doorScan(ctx.app, door.headers, ids[0] as string, scanId);
    const retry = await doorScan(ctx.app, door.headers, ids[0] as string, scanId.toUpperCase());
    expect(first.json().outcome).toBe('admitted');
    expect(retry.json()).toEqual(first.json());
    // Even with another code: a scanId is one physical scan, decided once.
    expect((await doorScan(ctx.app, door.headers, ids[1] as string, scanId)).json()).toEqual(first.json());
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 2, redeemedTickets: 1 });
    // A refusal replays as the same refusal, with the same count.
    const refusal = randomUUID();
    const refused = await doorScan(ctx.app, door.headers, ids[0] as string, refusal);
    expect((await doorScan(ctx.app, door.headers, ids[0] as string, refusal)).json()).toEqual(refused.json());
    expect(refused.json().duplicateScans).toBe(1);
    // Another door link cannot use this door's scan ids.
    const other = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate' });
    expectFieldError(await doorScan(ctx.app, other.headers, ids[1] as string, scanId), 'scanId');
  });

  it('200 concurrent scans of one ticket from two door links: exactly one admitted', async () => {
    const { owner, event, ids, door } = await eventWithDoor(1);
    const south = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate' });
    const id = ids[0] as string;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => doorScan(ctx.app, i % 2 ? door.headers : south.headers, id)),
    );
    const outcomes = answers.map((r) => r.json().outcome as string);
    expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already_redeemed')).toHaveLength(199);
    const counts = answers.filter((r) => r.json().outcome === 'already_redeemed').map((r) => r.json().duplicateScans);
    expect(counts.sort((x: number, y: number) => x - y)).toEqual(Array.from({ length: 199 }, (_, i) => i + 1));
    expect((await counters(owner.headers, event.id)).redeemedTickets).toBe(1);
  });

  it('refuse a malformed body with 400 naming the field, and change nothing', async () => {
    const { door } = await eventWithDoor(1);
    const before = await dbSnapshot(ctx.app);
    const post = (payload: unknown) =>
      ctx.app.inject({ method: 'POST', url: '/api/door/scans', headers: door.headers, payload: payload as object });
    expectFieldError(await post({}), 'code');
    expectFieldError(await post({ code: 42 }), 'code');
    expectFieldError(await post({ code: 'x'.repeat(2049) }), 'code');
    expectFieldError(await post({ code: 'x', scanId: 'not-a-uuid' }), 'scanId');
    expectFieldError(await post({ code: 'x', extra: true }), 'extra');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe(`undo and the device's scans (${testStore})`, () => {
  it('undoes an admission: the ticket is ok again, the counter goes down, the log keeps both', async () => {
    const { owner, event, ids, door } = await eventWithDoor(2);
    const id = ids[0] as string;
    const admitted = (await doorScan(ctx.app, door.headers, id)).json();
    const undo = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/door/scans/${admitted.scan.id}`,
      headers: door.headers,
    });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json().ticket).toMatchObject({ id, status: 'ok', redeemedAt: null });
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 2, redeemedTickets: 0 });
    expect(await ticketStatus(id)).toBe(200);
    const recent = (await ctx.app.inject({ method: 'GET', url: '/api/door/scans', headers: door.headers })).json();
    expect(recent.items.map((s: { outcome: string; ticketId: string }) => [s.outcome, s.ticketId])).toEqual([
      ['undone', id],
      ['admitted', id],
    ]);
    expect(recent.items[0]).toMatchObject({ door: 'North gate', device: 'Phone 1' });
    // Undone once: a second undo is refused; the ticket can be admitted again, and is not a duplicate.
    expectProblem(
      await ctx.app.inject({ method: 'DELETE', url: `/api/door/scans/${admitted.scan.id}`, headers: door.headers }),
      409,
      'undo_not_allowed',
    );
    expect((await doorScan(ctx.app, door.headers, id)).json().outcome).toBe('admitted');
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` })).json().duplicateScans).toBe(1);
    expect(await counters(owner.headers, event.id)).toEqual({ totalTickets: 2, redeemedTickets: 1 });
  });

  it('is allowed to any device of the same door link, within 10 minutes, for admissions only', async () => {
    const { owner, event, ids, door } = await eventWithDoor(3);
    const secondDevice = await ctx.app.inject({
      method: 'POST',
      url: '/api/door/sessions',
      payload: { secret: door.secret, deviceName: 'Phone 2' },
    });
    const phone2 = { authorization: `Bearer ${secondDevice.json().token}` };
    const other = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate' });

    const a = (await doorScan(ctx.app, door.headers, ids[0] as string)).json();
    const del = (headers: Record<string, string>, scanId: string) =>
      ctx.app.inject({ method: 'DELETE', url: `/api/door/scans/${scanId}`, headers });
    expectProblem(await del(other.headers, a.scan.id), 404, 'scan_not_found');
    expectProblem(await del(door.headers, unknownId()), 404, 'scan_not_found');
    expect((await del(phone2, a.scan.id)).statusCode).toBe(200);

    const refused = (await doorScan(ctx.app, door.headers, 'nonsense')).json();
    expectProblem(await del(door.headers, refused.scan.id), 409, 'undo_not_allowed');

    // An admission older than the window: move its time back 11 minutes.
    const b = (await doorScan(ctx.app, door.headers, ids[1] as string)).json();
    const old = new Date(Date.now() - 11 * 60_000).toISOString();
    await ctx.app.store.db.updateTable('scans').set({ at: old }).where('id', '=', b.scan.id).execute();
    await ctx.app.store.db
      .updateTable('tickets')
      .set({ redeemed_at: old })
      .where('id', '=', ids[1] as string)
      .execute();
    const before = await dbSnapshot(ctx.app);
    expectProblem(await del(door.headers, b.scan.id), 409, 'undo_not_allowed');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it('lists this device’s scans newest first, limited, and only this device’s', async () => {
    const { owner, event, ids, door } = await eventWithDoor(3);
    const other = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate', deviceName: 'Tablet' });
    for (const id of ids) await doorScan(ctx.app, door.headers, id);
    await doorScan(ctx.app, other.headers, ids[0] as string);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/door/scans?limit=2', headers: door.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        ticketId: ids[2],
        outcome: 'admitted',
        door: 'North gate',
        device: 'Phone 1',
        deviceAt: null,
      },
      {
        id: expect.any(String),
        at: expect.any(String),
        ticketId: ids[1],
        outcome: 'admitted',
        door: 'North gate',
        device: 'Phone 1',
        deviceAt: null,
      },
    ]);
    const theirs = (await ctx.app.inject({ method: 'GET', url: '/api/door/scans', headers: other.headers })).json();
    expect(theirs.items).toEqual([
      expect.objectContaining({ outcome: 'already_redeemed', device: 'Tablet', door: 'South gate' }),
    ]);
    expectFieldError(
      await ctx.app.inject({ method: 'GET', url: '/api/door/scans?limit=0', headers: door.headers }),
      'limit',
    );
  });
});

describe(`the ticket's public page data (${testStore})`, () => {
  it('GET /status carries the event name and date, for ok and redeemed tickets alike, and redeems nothing', async () => {
    const { ids, event } = await eventWithDoor(2);
    const ok = await ctx.app.inject({ method: 'GET', url: `/status/${ids[0]}` });
    expect(ok.json().ticket).toEqual({
      id: ids[0],
      eventId: event.id,
      status: 'ok',
      createdAt: expect.any(String),
      redeemedAt: null,
      event: { name: 'Harbour Jazz Night', date: '2026-12-31' },
    });
    await ctx.app.inject({ method: 'GET', url: `/redeem/${ids[1]}` });
    const used = await ctx.app.inject({ method: 'GET', url: `/status/${ids[1]}` });
    expect(used.statusCode).toBe(410);
    expect(used.json()).toMatchObject({
      code: 'ticket_already_redeemed',
      redeemedAt: expect.any(String),
      ticket: { id: ids[1], status: 'redeemed', event: { name: 'Harbour Jazz Night', date: '2026-12-31' } },
    });
    expect((await ctx.app.inject({ method: 'GET', url: `/status/${ids[0]}` })).statusCode).toBe(200);
  });

  it('the owner’s ticket names its public page, on the request’s origin', async () => {
    const { owner, ids } = await eventWithDoor(1);
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/tickets/${ids[0]}`,
      headers: { ...owner.headers, host: 'admit.example:8080' },
    });
    expect(res.json().ticket.publicUrl).toBe(`http://admit.example:8080/t/${ids[0]}`);
  });
});
