import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ticketHash } from '../server/domain/doors/verifier.js';
import { parseVerifier, VerifierState } from '../shared/verifier.js';
import { testStore } from './databases.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  doorScan,
  expectFieldError,
  openDoor,
  ticketIds,
  useApp,
} from './helper.js';

const ctx = useApp();

async function eventWithDoor(count = 5) {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: count });
  const ids = await ticketIds(ctx.app, owner.headers, event.id);
  const door = await openDoor(ctx.app, owner.headers, event.id);
  return { owner, event, ids, door };
}

async function download(headers: Record<string, string>) {
  const res = await ctx.app.inject({ method: 'GET', url: '/api/door/verifier', headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/vnd.admit.verifier');
  expect(res.headers['cache-control']).toBe('no-store');
  const key = String(res.headers['admit-verifier-key']);
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  const raw = res.rawPayload;
  const verifier = parseVerifier(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
  const stateOf = (id: string) => {
    const index = verifier.lookup(ticketHash(Buffer.from(key, 'hex'), id));
    return index < 0 ? 'missing' : (['ok', 'redeemed', 'void'][verifier.state(index)] as string);
  };
  return { key, verifier, stateOf, bytes: raw.byteLength };
}

interface Changes {
  position: number;
  totalTickets: number;
  reload?: true;
  changes: { hash: string; state: string }[];
}

async function changes(headers: Record<string, string>, since: number | string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/door/verifier/changes?since=${since}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json() as Changes;
}

async function logHead(eventId: string): Promise<number> {
  const row = await ctx.app.store.db
    .selectFrom('scans')
    .innerJoin('events', 'events.seq', 'scans.event_seq')
    .select((eb) => eb.fn.max('scans.seq').as('top'))
    .where('events.id', '=', eventId)
    .executeTakeFirst();
  return Number(row?.top ?? 0);
}

const hex = (key: string, id: string) => ticketHash(Buffer.from(key, 'hex'), id).toString('hex');

describe(`offline verifier (${testStore})`, () => {
  it('downloads every ticket of finished batches as a keyed hash with its state, the key also in /me', async () => {
    const { owner, event, ids, door } = await eventWithDoor(20);
    const [redeemed, voided] = ids as [string, string];
    expect((await doorScan(ctx.app, door.headers, redeemed)).json().outcome).toBe('admitted');
    const voidRes = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${voided}/void`,
      headers: owner.headers,
      payload: {},
    });
    expect(voidRes.statusCode, voidRes.body).toBe(200);
    // A batch still being written is seen by nobody: left out.
    const added = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/tickets`,
      headers: owner.headers,
      payload: { count: 3 },
    });
    expect(added.statusCode, added.body).toBe(201);
    const pendingIds = (await ticketIds(ctx.app, owner.headers, event.id)).filter((id) => !ids.includes(id));
    expect(pendingIds).toHaveLength(3);
    await ctx.app.store.db
      .updateTable('ticket_batches')
      .set({ heartbeat_at: new Date().toISOString() })
      .where('seq', '=', (eb) =>
        eb
          .selectFrom('tickets')
          .select('batch_seq')
          .where('id', '=', pendingIds[0] as string),
      )
      .execute();

    const { key, verifier, stateOf, bytes } = await download(door.headers);
    expect(verifier.count).toBe(20);
    expect(bytes).toBe(16 + 9 * 20);
    expect(verifier.position).toBe(await logHead(event.id));
    expect(verifier.position).toBeGreaterThan(0);
    expect(stateOf(redeemed)).toBe('redeemed');
    expect(stateOf(voided)).toBe('void');
    for (const id of ids.slice(2)) expect(stateOf(id)).toBe('ok');
    for (const id of pendingIds) expect(stateOf(id)).toBe('missing');
    // Another event's ticket is not in this event's copy.
    const other = await eventWithDoor(2);
    expect(stateOf(other.ids[0] as string)).toBe('missing');
    expect(stateOf(randomUUID())).toBe('missing');

    // Again (the batches' hashes now come from the process's cache): the same bytes.
    const again = await download(door.headers);
    expect(Buffer.from(again.verifier.buffer).equals(Buffer.from(verifier.buffer))).toBe(true);
    // Once the pending batch is finished, it is in the copy.
    await ctx.app.store.db
      .updateTable('ticket_batches')
      .set({ heartbeat_at: null })
      .where('seq', '=', (eb) =>
        eb
          .selectFrom('tickets')
          .select('batch_seq')
          .where('id', '=', pendingIds[0] as string),
      )
      .execute();
    const finished = await download(door.headers);
    expect(finished.verifier.count).toBe(23);
    for (const id of pendingIds) expect(finished.stateOf(id)).toBe('ok');
    expect(finished.stateOf(redeemed)).toBe('redeemed');

    const me = await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers: door.headers });
    expect(me.json().verifierKey).toBe(key);
    // One key per event, the same for every device and every download; another event has its own.
    const second = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate' });
    expect((await download(second.headers)).key).toBe(key);
    expect((await download(other.door.headers)).key).not.toBe(key);
  });

  it('feeds the states changed after a position: a redemption, an undo, a void; nothing twice', async () => {
    const { owner, ids, door } = await eventWithDoor(4);
    const [a, b, c] = ids as [string, string, string];
    const { key, verifier } = await download(door.headers);
    const start = verifier.position;
    expect(start).toBe(0);
    expect(await changes(door.headers, start)).toEqual({ position: 0, totalTickets: 4, changes: [] });

    const scanId = randomUUID();
    expect((await doorScan(ctx.app, door.headers, a, scanId)).json().outcome).toBe('admitted');
    // A refusal changes no state: not fed.
    expect((await doorScan(ctx.app, door.headers, a)).json().outcome).toBe('already_redeemed');
    const first = await changes(door.headers, start);
    expect(first.changes).toEqual([{ hash: hex(key, a), state: 'redeemed' }]);
    expect(first.position).toBeGreaterThan(start);
    expect((await changes(door.headers, first.position)).changes).toEqual([]);

    const undo = await ctx.app.inject({ method: 'DELETE', url: `/api/door/scans/${scanId}`, headers: door.headers });
    expect(undo.statusCode, undo.body).toBe(200);
    const voided = await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${b}/void`,
      headers: owner.headers,
      payload: { reason: 'Refunded' },
    });
    expect(voided.statusCode, voided.body).toBe(200);
    expect((await doorScan(ctx.app, door.headers, c)).json().outcome).toBe('admitted');
    const second = await changes(door.headers, first.position);
    expect(second.changes).toHaveLength(3);
    expect(second.changes).toEqual(
      expect.arrayContaining([
        { hash: hex(key, a), state: 'ok' },
        { hash: hex(key, b), state: 'void' },
        { hash: hex(key, c), state: 'redeemed' },
      ]),
    );
    // Applied to the copy, it equals a fresh download.
    for (const change of second.changes) {
      const index = verifier.lookup(Buffer.from(change.hash, 'hex'));
      verifier.setState(index, VerifierState[change.state as 'ok' | 'redeemed' | 'void']);
    }
    const fresh = await download(door.headers);
    expect(fresh.verifier.position).toBe(second.position);
    expect(Buffer.from(fresh.verifier.buffer).subarray(16).equals(Buffer.from(verifier.buffer).subarray(16))).toBe(
      true,
    );
    // From the start: each ticket once, in its current state.
    expect((await changes(door.headers, 0)).changes).toHaveLength(3);

    // A new batch shows in totalTickets: the device downloads again.
    const added = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${(await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers: door.headers })).json().event.id}/tickets`,
      headers: owner.headers,
      payload: { count: 2 },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect((await changes(door.headers, second.position)).totalTickets).toBe(6);
  });

  it('answers reload past 5,000 changes, and for a position the log never had', async () => {
    const { event, ids, door } = await eventWithDoor(1);
    const eventRow = await ctx.app.store.db
      .selectFrom('events')
      .select('seq')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    // 5,001 admissions and undos logged (written straight to the log: the feed reads only the log).
    const at = new Date().toISOString();
    const rows = Array.from({ length: 5001 }, (_, i) => ({
      id: randomUUID(),
      event_seq: eventRow.seq,
      ticket_id: ids[0] as string,
      outcome: i % 2 === 0 ? ('admitted' as const) : ('undone' as const),
      at,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await ctx.app.store.db
        .insertInto('scans')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const head = await logHead(event.id);
    expect(await changes(door.headers, 0)).toEqual({ position: head, totalTickets: 1, reload: true, changes: [] });
    // Seqs are the whole log's: the last 5,000 of this event are within the cap.
    expect((await changes(door.headers, head - 5000)).changes).toEqual([
      { hash: hex((await download(door.headers)).key, ids[0] as string), state: 'ok' },
    ]);
    expect(await changes(door.headers, head + 1000)).toEqual({
      position: head,
      totalTickets: 1,
      reload: true,
      changes: [],
    });
  });

  it('refuses a bad since naming it, and a request without a door session', async () => {
    const { door } = await eventWithDoor(1);
    for (const since of ['-1', 'abc', '1.5', '', '1e400']) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/door/verifier/changes?since=${since}`,
        headers: door.headers,
      });
      expectFieldError(res, 'since');
    }
    const missing = await ctx.app.inject({ method: 'GET', url: '/api/door/verifier/changes', headers: door.headers });
    expectFieldError(missing, 'since');
    for (const url of ['/api/door/verifier', '/api/door/verifier/changes?since=0']) {
      expect((await ctx.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });
});

function upload(
  headers: Record<string, string>,
  code: string,
  offline: { at: string; decided: string },
  scanId: string = randomUUID(),
) {
  return ctx.app.inject({ method: 'POST', url: '/api/door/scans', headers, payload: { code, scanId, offline } });
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function redeemedCount(headers: Record<string, string>) {
  return (await ctx.app.inject({ method: 'GET', url: '/api/door/me', headers })).json().redeemedTickets as number;
}

async function eventLog(ownerHeaders: Record<string, string>, eventId: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/scans`, headers: ownerHeaders });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as {
    id: string;
    at: string;
    ticketId: string;
    outcome: string;
    door: string;
    deviceAt: string | null;
  }[];
}

describe(`offline scans uploaded (${testStore})`, () => {
  it('admits an ok ticket at the device time, counted and logged with deviceAt', async () => {
    const { owner, event, ids, door } = await eventWithDoor(3);
    const at = minutesAgo(3);
    const res = await upload(door.headers, ids[0] as string, { at, decided: 'admitted' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      outcome: 'admitted',
      scan: { at },
      ticket: { status: 'redeemed', redeemedAt: at },
    });
    expect(await redeemedCount(door.headers)).toBe(1);
    const [logged] = await eventLog(owner.headers, event.id);
    expect(logged).toMatchObject({ ticketId: ids[0], outcome: 'admitted', at, deviceAt: at, door: 'North gate' });
    const mine = (await ctx.app.inject({ method: 'GET', url: '/api/door/scans', headers: door.headers })).json();
    expect(mine.items[0]).toMatchObject({ outcome: 'admitted', at, deviceAt: at });
    // An online scan has no device time.
    await doorScan(ctx.app, door.headers, ids[1] as string);
    expect((await eventLog(owner.headers, event.id))[0]?.deviceAt).toBeNull();
  });

  it('logs an offline admission of a ticket redeemed meanwhile as offline_double_entry: the first stands, counted once', async () => {
    const { owner, event, ids, door } = await eventWithDoor(3);
    const south = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate', deviceName: 'Phone 2' });
    const ticket = ids[0] as string;
    const first = await doorScan(ctx.app, door.headers, ticket);
    expect(first.json().outcome).toBe('admitted');
    const firstAt = first.json().scan.at as string;
    const before = await ctx.app.store.db
      .selectFrom('tickets')
      .select(['redeemed_at', 'duplicate_scans', 'redeemed_door_seq'])
      .where('id', '=', ticket)
      .executeTakeFirstOrThrow();

    const at = minutesAgo(1);
    const scanId = randomUUID();
    const res = await upload(south.headers, ticket, { at, decided: 'admitted' }, scanId);
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json();
    expect(answer).toMatchObject({
      outcome: 'offline_double_entry',
      scan: { id: scanId, at },
      ticket: { id: ticket, status: 'redeemed', redeemedAt: firstAt },
      redeemedAt: firstAt,
      redeemedAtDoor: 'North gate',
    });
    expect(await redeemedCount(door.headers)).toBe(1);
    const after = await ctx.app.store.db
      .selectFrom('tickets')
      .select(['redeemed_at', 'duplicate_scans', 'redeemed_door_seq'])
      .where('id', '=', ticket)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);

    const log = await eventLog(owner.headers, event.id);
    expect(log.map((s) => [s.outcome, s.door, s.at, s.deviceAt])).toEqual([
      ['offline_double_entry', 'South gate', at, at],
      ['admitted', 'North gate', firstAt, null],
    ]);
    const row = await ctx.app.store.db
      .selectFrom('scans')
      .select(['redeemed_at', 'first_door', 'device_at'])
      .where('id', '=', scanId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ redeemed_at: firstAt, first_door: 'North gate', device_at: at });
    // The filter and the CSV know the outcome; the arrivals chart counts it as admitted.
    const filtered = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/scans?outcome=offline_double_entry`,
      headers: owner.headers,
    });
    expect(filtered.json().items.map((s: { id: string }) => s.id)).toEqual([scanId]);
    const csv = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/scans.csv`,
      headers: owner.headers,
    });
    expect(csv.body).toContain(`${at},${ticket},offline_double_entry,South gate,Phone 2`);
    const arrivals = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/arrivals`,
      headers: owner.headers,
    });
    const counted = (arrivals.json().items as { admitted: number; refused: number }[]).reduce(
      (sum, b) => ({ admitted: sum.admitted + b.admitted, refused: sum.refused + b.refused }),
      { admitted: 0, refused: 0 },
    );
    expect(counted).toEqual({ admitted: 2, refused: 0 });

    // The upload is retried (its answer was lost): the first answer, nothing logged again.
    const again = await upload(south.headers, ticket, { at, decided: 'admitted' }, scanId);
    expect(again.json()).toEqual(answer);
    expect(await eventLog(owner.headers, event.id)).toHaveLength(2);
  });

  it('two devices uploading the same ticket admitted offline: one admitted, one offline_double_entry, counted once', async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, event, ids, door } = await eventWithDoor(2);
      const south = await openDoor(ctx.app, owner.headers, event.id, { label: 'South gate' });
      const ticket = ids[0] as string;
      const answers = await Promise.all([
        upload(door.headers, ticket, { at: minutesAgo(2), decided: 'admitted' }),
        upload(south.headers, ticket, { at: minutesAgo(1), decided: 'admitted' }),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      expect(answers.map((a) => a.json().outcome).sort()).toEqual(['admitted', 'offline_double_entry']);
      expect(await redeemedCount(door.headers)).toBe(1);
      const log = await eventLog(owner.headers, event.id);
      expect(log.map((s) => s.outcome).sort()).toEqual(['admitted', 'offline_double_entry']);
      expect(new Set(log.map((s) => s.door))).toEqual(new Set(['North gate', 'South gate']));
    }
  });

  it('logs refusals as the device decided them, never admitting; a void ticket stays refused', async () => {
    const { owner, event, ids, door } = await eventWithDoor(4);
    const [redeemed, ok, voided] = ids as [string, string, string];
    await doorScan(ctx.app, door.headers, redeemed);
    await ctx.app.inject({
      method: 'POST',
      url: `/api/tickets/${voided}/void`,
      headers: owner.headers,
      payload: { reason: 'Refunded' },
    });
    const at = minutesAgo(5);

    const dup = (await upload(door.headers, redeemed, { at, decided: 'already_redeemed' })).json();
    expect(dup).toMatchObject({
      outcome: 'already_redeemed',
      redeemedAtDoor: 'North gate',
      duplicateScans: 1,
      scan: { at },
    });
    // The device thought it used (its copy was stale): refused, and the ticket stays ok.
    const stale = (await upload(door.headers, ok, { at, decided: 'already_redeemed' })).json();
    expect(stale).toEqual({ outcome: 'already_redeemed', scan: { id: expect.any(String), at } });
    expect((await upload(door.headers, ok, { at, decided: 'not_found' })).json().outcome).toBe('not_found');
    expect((await upload(door.headers, randomUUID(), { at, decided: 'not_found' })).json().outcome).toBe('not_found');
    expect((await upload(door.headers, 'garbage', { at, decided: 'not_found' })).json().outcome).toBe('unreadable');
    const v = (await upload(door.headers, voided, { at, decided: 'admitted' })).json();
    expect(v).toMatchObject({ outcome: 'void', voidReason: 'Refunded', ticket: { status: 'void' } });
    // The phone showed VOID from its copy: logged as void, with the organiser's reason.
    const shownVoid = (await upload(door.headers, voided, { at, decided: 'void' })).json();
    expect(shownVoid).toMatchObject({ outcome: 'void', voidReason: 'Refunded', ticket: { status: 'void' } });
    const other = await eventWithDoor(1);
    expect((await upload(door.headers, other.ids[0] as string, { at, decided: 'admitted' })).json().outcome).toBe(
      'wrong_event',
    );
    expect(await redeemedCount(door.headers)).toBe(1);
    const status = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${ok}`, headers: owner.headers });
    expect(status.json().ticket.status).toBe('ok');
    const log = await eventLog(owner.headers, event.id);
    expect(log.filter((s) => s.deviceAt !== null).every((s) => s.deviceAt === at && s.at === at)).toBe(true);
    expect(log.filter((s) => s.deviceAt !== null)).toHaveLength(8);
    expect(log.filter((s) => s.outcome === 'void' && s.ticketId === voided)).toHaveLength(2);
  });

  it('refuses a bad offline.at or offline.decided naming the field, changing nothing', async () => {
    const { ids, door } = await eventWithDoor(1);
    const before = await dbSnapshot(ctx.app);
    const cases: [{ at: string; decided: string }, string][] = [
      [{ at: new Date(Date.now() + 10 * 60_000).toISOString(), decided: 'admitted' }, 'offline.at'],
      [{ at: new Date(Date.now() - 8 * 86_400_000).toISOString(), decided: 'admitted' }, 'offline.at'],
      [{ at: 'yesterday', decided: 'admitted' }, 'offline.at'],
      [{ at: minutesAgo(1), decided: 'unreadable' }, 'offline.decided'],
      [{ at: minutesAgo(1), decided: 'ADMITTED' }, 'offline.decided'],
    ];
    for (const [offline, field] of cases)
      expectFieldError(await upload(door.headers, ids[0] as string, offline), field);
    const missing = await ctx.app.inject({
      method: 'POST',
      url: '/api/door/scans',
      headers: door.headers,
      payload: { code: ids[0], offline: { decided: 'admitted' } },
    });
    expectFieldError(missing, 'offline.at');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    // A device clock a little ahead is accepted.
    const ahead = new Date(Date.now() + 2 * 60_000).toISOString();
    expect((await upload(door.headers, ids[0] as string, { at: ahead, decided: 'admitted' })).json().outcome).toBe(
      'admitted',
    );
  });
});
