import { describe, expect, it } from 'vitest';
import { testStore } from './databases.js';
import {
  createEvent,
  createUser,
  doorScan,
  expectFieldError,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();

interface Scan {
  id: string;
  at: string;
  ticketId: string | null;
  outcome: string;
  door: string;
  device: string | null;
}
interface ScanList {
  items: Scan[];
  nextCursor: string | null;
}

async function eventWithTickets(count: number, name = 'Log test') {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: count, name });
  const ids = await ticketIds(ctx.app, owner.headers, event.id);
  return { owner, event, ids };
}

async function scans(headers: Record<string, string>, eventId: string, query = ''): Promise<ScanList> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/scans${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json() as ScanList;
}

/** Every scan of the log, page by page. */
async function allScans(headers: Record<string, string>, eventId: string, query: Record<string, string> = {}) {
  const items: Scan[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ ...query, limit: '2' });
    if (cursor) qs.set('cursor', cursor);
    const page = await scans(headers, eventId, `?${qs}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe(`the scan log of an event (${testStore})`, () => {
  it('has every scan with its outcome and door: door outcomes, public links, door and organiser undos', async () => {
    const { owner, event, ids } = await eventWithTickets(4);
    const [a, b, c, d] = ids as [string, string, string, string];
    const other = await eventWithTickets(1);
    const door = await openDoor(ctx.app, owner.headers, event.id, { label: 'North gate', deviceName: 'Phone 7' });

    const admitted = await doorScan(ctx.app, door.headers, a);
    expect(admitted.json().outcome).toBe('admitted');
    await doorScan(ctx.app, door.headers, a); // already_redeemed
    await doorScan(ctx.app, door.headers, unknownId()); // not_found
    await doorScan(ctx.app, door.headers, other.ids[0] as string); // wrong_event
    await doorScan(ctx.app, door.headers, 'hello'); // unreadable
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${b}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/tickets/${b}/redeem` })).statusCode).toBe(410);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/tickets/${c}/redeem` })).statusCode).toBe(200);
    const undo = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/door/scans/${admitted.json().scan.id}`,
      headers: door.headers,
    });
    expect(undo.statusCode, undo.body).toBe(200);
    const organiserUndo = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${c}/undo-redemption`,
      headers: owner.headers,
      payload: { reason: 'Let in by mistake' },
    });
    expect(organiserUndo.statusCode, organiserUndo.body).toBe(200);
    // Unknown codes at the public endpoints belong to no event: counted, not in any log.
    await ctx.app.inject({ method: 'GET', url: `/redeem/${unknownId()}` });
    // A retry is not a scan.
    await ctx.app.inject({ method: 'GET', url: `/redeem/${d}`, headers: { 'idempotency-key': 'k1' } });
    await ctx.app.inject({ method: 'GET', url: `/redeem/${d}`, headers: { 'idempotency-key': 'k1' } });

    const log = (await scans(owner.headers, event.id)).items;
    const rows = log.map((s) => [s.outcome, s.door, s.device, s.ticketId]);
    expect(rows).toEqual([
      ['admitted', 'public link', null, d],
      ['undone', 'organiser', null, c],
      ['undone', 'North gate', 'Phone 7', a],
      ['admitted', 'public link', null, c],
      ['already_redeemed', 'public link', null, b],
      ['admitted', 'public link', null, b],
      ['unreadable', 'North gate', 'Phone 7', null],
      ['wrong_event', 'North gate', 'Phone 7', other.ids[0]],
      ['not_found', 'North gate', 'Phone 7', expect.any(String)],
      ['already_redeemed', 'North gate', 'Phone 7', a],
      ['admitted', 'North gate', 'Phone 7', a],
    ]);
    expect(log.at(-1)?.id).toBe(admitted.json().scan.id);
    for (const s of log) {
      expect(s.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(new Set(log.map((s) => s.id)).size).toBe(log.length);
    const times = log.map((s) => s.at);
    expect([...times].sort().reverse()).toEqual(times);
    // The other event's log has only its own scans (none here: the wrong_event scan is ours).
    expect((await scans(other.owner.headers, other.event.id)).items).toEqual([]);

    // One outcome: an index range of the log, newest first.
    const refusedHere = await allScans(owner.headers, event.id, { outcome: 'already_redeemed' });
    expect(refusedHere.map((s) => [s.door, s.ticketId])).toEqual([
      ['public link', b],
      ['North gate', a],
    ]);
    expect((await allScans(owner.headers, event.id, { outcome: 'undone' })).map((s) => s.door)).toEqual([
      'organiser',
      'North gate',
    ]);
    expect(await allScans(owner.headers, event.id)).toEqual(log);
  });

  it('pages stay stable while new scans arrive: no row shifts, repeats or goes missing', async () => {
    const { owner, event, ids } = await eventWithTickets(12);
    const door = await openDoor(ctx.app, owner.headers, event.id);
    for (const id of ids.slice(0, 6)) await doorScan(ctx.app, door.headers, id);
    const first = await scans(owner.headers, event.id, '?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const seen = [...first.items];
    let cursor = first.nextCursor;
    let k = 6;
    while (cursor) {
      // Scans logged between two pages land at the top, never on the pages still to come.
      await doorScan(ctx.app, door.headers, ids[k++ % ids.length] as string);
      const page = await scans(owner.headers, event.id, `?limit=2&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((s) => s.ticketId)).toEqual(ids.slice(0, 6).reverse());
    // The newest page now starts with the scans made meanwhile.
    expect(k).toBe(8);
    const top = await scans(owner.headers, event.id, '?limit=3');
    expect(top.items.map((s) => s.ticketId)).toEqual(ids.slice(5, 8).reverse());
  });

  it('refuses a cursor it did not issue, a bad outcome or limit; 401 without a session; 404 for another user', async () => {
    const { owner, event } = await eventWithTickets(1);
    const url = `/api/events/${event.id}/scans`;
    const get = (query: string, headers = owner.headers) =>
      ctx.app.inject({ method: 'GET', url: `${url}${query}`, headers });
    for (const bad of ['nope', Buffer.from('s:-1').toString('base64url'), Buffer.from('t:1.2').toString('base64url')]) {
      expectFieldError(await get(`?cursor=${bad}`), 'cursor');
    }
    expectFieldError(await get('?cursor='), 'cursor');
    expectFieldError(await get('?outcome=redeemed'), 'outcome');
    expectFieldError(await get('?limit=0'), 'limit');
    expectFieldError(await get('?limit=501'), 'limit');
    expectProblem(await ctx.app.inject({ method: 'GET', url }), 401, 'unauthorized');
    const stranger = await createUser(ctx.app);
    expectProblem(await get('', stranger.headers), 404, 'event_not_found');
    expectProblem(await get('', owner.headers).then(() => get('', stranger.headers)), 404, 'event_not_found');
    expect((await get('?limit=500')).statusCode).toBe(200);
  });
});

describe(`scans.csv (${testStore})`, () => {
  it('streams the log as CSV: header, one row per scan, the door, quoting and formula guard, filename, no-store', async () => {
    const { owner, event, ids } = await eventWithTickets(2, 'Gala, "Night" 2026');
    const door = await openDoor(ctx.app, owner.headers, event.id, {
      label: '=HYPERLINK("x"), gate',
      deviceName: '+Phone, "A"',
    });
    await doorScan(ctx.app, door.headers, ids[0] as string);
    await doorScan(ctx.app, door.headers, ids[0] as string);
    await doorScan(ctx.app, door.headers, 'nothing here');
    await ctx.app.inject({ method: 'GET', url: `/redeem/${ids[1]}` });

    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/scans.csv`,
      headers: owner.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe('attachment; filename="gala-night-2026-scans.csv"');
    const lines = res.body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('scanned_at,ticket_id,outcome,door,device');
    const log = (await scans(owner.headers, event.id)).items;
    const gate = `"'=HYPERLINK(""x""), gate"`;
    const device = `"'+Phone, ""A"""`;
    expect(lines.slice(1, -1)).toEqual([
      `${log[0]?.at},${ids[1]},admitted,public link,`,
      `${log[1]?.at},,unreadable,${gate},${device}`,
      `${log[2]?.at},${ids[0]},already_redeemed,${gate},${device}`,
      `${log[3]?.at},${ids[0]},admitted,${gate},${device}`,
    ]);

    const filtered = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/scans.csv?outcome=admitted`,
      headers: owner.headers,
    });
    expect(filtered.headers['content-disposition']).toBe('attachment; filename="gala-night-2026-scans-admitted.csv"');
    expect(
      filtered.body
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[1]),
    ).toEqual([ids[1], ids[0]]);
  });

  it('an empty log is the header alone; bad input 400, no session 401, another user 404', async () => {
    const { owner, event } = await eventWithTickets(1);
    const url = `/api/events/${event.id}/scans.csv`;
    const empty = await ctx.app.inject({ method: 'GET', url, headers: owner.headers });
    expect(empty.body).toBe('scanned_at,ticket_id,outcome,door,device\r\n');
    expectFieldError(
      await ctx.app.inject({ method: 'GET', url: `${url}?outcome=everything`, headers: owner.headers }),
      'outcome',
    );
    expectProblem(await ctx.app.inject({ method: 'GET', url }), 401, 'unauthorized');
    const stranger = await createUser(ctx.app);
    expectProblem(await ctx.app.inject({ method: 'GET', url, headers: stranger.headers }), 404, 'event_not_found');
  });
});
