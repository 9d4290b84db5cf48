import { randomUUID } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import * as m001 from '../server/db/migrations/001-initial.js';
import { listEvents as searchEvents } from '../server/domain/events/list-events.js';
import { freshDatabase, freshPostgres, pgAdminUrl, testStore } from './databases.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  expectProblem,
  parseCsv,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';
import { endpointOf, ownedResourceRoutes, pathParams } from './routes.js';

const ctx = useApp();
const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Events may use UUID v4 or v7, always lowercase.
const eventUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type EventBody = {
  id: string;
  name: string;
  date: string;
  initialTickets: number;
  additionalTickets: number;
  totalTickets: number;
  redeemedTickets: number;
  createdAt: string;
};

function postEvent(headers: Record<string, string>, payload: unknown) {
  return ctx.app.inject({ method: 'POST', url: '/api/events', headers, payload: payload as Record<string, unknown> });
}

async function listEvents(headers: Record<string, string>, query = '') {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: EventBody[]; total: number; page: number; pageSize: number };
}

describe('POST /api/events', () => {
  it('creates the event with its tickets and answers 201 with the exact event shape', async () => {
    const { headers } = await createUser(ctx.app);
    const res = await postEvent(headers, { name: '  Summer Gala  ', date: '2026-07-04', initialTickets: 7 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      event: {
        id: expect.stringMatching(eventUuid),
        name: 'Summer Gala',
        date: '2026-07-04',
        initialTickets: 7,
        additionalTickets: 0,
        totalTickets: 7,
        redeemedTickets: 0,
        voidTickets: 0,
        createdAt: expect.stringMatching(isoUtc),
      },
    });
    expect(res.headers.location).toBe(`/api/events/${body.event.id}`);
    expect(await ticketIds(ctx.app, headers, body.event.id)).toHaveLength(7);

    const got = await ctx.app.inject({ method: 'GET', url: `/api/events/${body.event.id}`, headers });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(body);
  });

  it('accepts a leap day and a single ticket', async () => {
    const { headers } = await createUser(ctx.app);
    const res = await postEvent(headers, { name: 'Leap', date: '2028-02-29', initialTickets: 1 });
    expect(res.statusCode).toBe(201);
    expect(res.json().event).toMatchObject({ date: '2028-02-29', totalTickets: 1 });
  });

  it('refuses invalid input, naming the field, and creates nothing', async () => {
    const { headers } = await createUser(ctx.app);
    const valid = { name: 'Valid', date: '2026-12-31', initialTickets: 5 };
    const cases: [string, Record<string, unknown>][] = [
      ['name', { ...valid, name: '     ' }],
      ['name', { ...valid, name: '' }],
      ['name', { ...valid, name: 'x'.repeat(201) }],
      ['name', { ...valid, name: 42 }],
      ['name', { date: valid.date, initialTickets: 5 }],
      ['date', { ...valid, date: '2026-02-30' }],
      ['date', { ...valid, date: '2027-02-29' }],
      ['date', { ...valid, date: '2026-13-01' }],
      ['date', { ...valid, date: '2026-1-5' }],
      ['date', { ...valid, date: '31/12/2026' }],
      ['date', { ...valid, date: '2026-12-31T00:00:00Z' }],
      ['date', { name: 'x', initialTickets: 5 }],
      ['initialTickets', { ...valid, initialTickets: 0 }],
      ['initialTickets', { ...valid, initialTickets: 1_000_001 }],
      ['initialTickets', { ...valid, initialTickets: 1.5 }],
      ['initialTickets', { ...valid, initialTickets: '5' }],
      ['initialTickets', { ...valid, initialTickets: -3 }],
      ['initialTickets', { ...valid, initialTickets: null }],
      ['initialTickets', { name: 'x', date: valid.date }],
      ['owner', { ...valid, owner: 'someone-else' }],
      ['id', { ...valid, id: unknownId() }],
    ];
    const before = await dbSnapshot(ctx.app);
    for (const [field, payload] of cases) {
      expectFieldError(await postEvent(headers, payload), field);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe('GET /api/events/:eventId', () => {
  it('accepts the id in UPPERCASE and answers it lowercase on every event route', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 2 });
    const upper = event.id.toUpperCase();
    const got = await ctx.app.inject({ method: 'GET', url: `/api/events/${upper}`, headers });
    expect(got.statusCode).toBe(200);
    expect(got.json().event.id).toBe(event.id);
    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${upper}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: 2, redeemedTickets: 0 });
    const tickets = await ctx.app.inject({ method: 'GET', url: `/api/events/${upper}/tickets`, headers });
    expect(tickets.json().items.map((t: { eventId: string }) => t.eventId)).toEqual([event.id, event.id]);
    const added = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${upper}/tickets`,
      headers,
      payload: { count: 1 },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().downloadUrl).toContain(`/api/events/${event.id}/`);
    const csv = await ctx.app.inject({ method: 'GET', url: `/api/events/${upper}/tickets.csv`, headers });
    expect(csv.statusCode).toBe(200);
    expect(parseCsv(csv.body)).toHaveLength(4);
  });

  it('answers 400 naming eventId for a malformed id', async () => {
    const { headers } = await createUser(ctx.app);
    expectFieldError(await ctx.app.inject({ method: 'GET', url: '/api/events/123', headers }), 'eventId');
  });
});

describe('another user’s event', () => {
  it('is a 404 identical to a missing event on every event route, and changes nothing', async () => {
    const owner = await createUser(ctx.app);
    const stranger = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 3 });
    const before = await dbSnapshot(ctx.app);
    const eventRoutes = ownedResourceRoutes(ctx.routes).filter((r) => pathParams(r.url).join() === 'eventId');
    expect(eventRoutes.length).toBeGreaterThan(3);
    const missingId = unknownId();
    const missing = eventRoutes.map((r) => endpointOf(r, { eventId: missingId }));
    const foreign = eventRoutes.map((r) => endpointOf(r, { eventId: event.id }));
    for (const [i, e] of foreign.entries()) {
      const m = missing[i];
      if (!m) throw new Error('endpoint lists differ');
      const a = await ctx.app.inject({ method: e.method, url: e.url, payload: e.payload, headers: stranger.headers });
      const b = await ctx.app.inject({ method: m.method, url: m.url, payload: m.payload, headers: stranger.headers });
      expectProblem(a, 404, 'event_not_found');
      expect(b.statusCode, m.name).toBe(404);
      expect(a.body, e.name).toBe(b.body);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect((await listEvents(stranger.headers)).total).toBe(0);
  });
});

describe('GET /api/events', () => {
  // Mixed case, so byte order and case-insensitive order differ; distinct dates.
  const seed = [
    { name: 'beta 50% off', date: '2026-03-01' },
    { name: 'Alpha Party', date: '2026-05-01' },
    { name: 'Gamma_Night', date: '2026-01-15' },
    { name: 'DELTA fest', date: '2026-04-20' },
    { name: 'epsilon 50 off', date: '2026-02-10' },
  ];

  async function seeded() {
    const user = await createUser(ctx.app);
    const created: EventBody[] = [];
    for (const s of seed)
      created.push((await createEvent(ctx.app, user.headers, { ...s, initialTickets: 1 })) as EventBody);
    return { headers: user.headers, created };
  }

  it('lists only the caller’s events with the default page, page size and sort (-date)', async () => {
    const { headers, created } = await seeded();
    const other = await createUser(ctx.app);
    await createEvent(ctx.app, other.headers, { name: 'Alpha of someone else', initialTickets: 1 });
    const body = await listEvents(headers);
    expect(Object.keys(body).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
    expect(body).toMatchObject({ total: 5, page: 1, pageSize: 20 });
    expect(body.items.map((e) => e.date)).toEqual([
      '2026-05-01',
      '2026-04-20',
      '2026-03-01',
      '2026-02-10',
      '2026-01-15',
    ]);
    const alpha = created.find((e) => e.name === 'Alpha Party');
    expect(body.items.find((e) => e.id === alpha?.id)).toEqual(alpha);
  });

  it('sorts each way', async () => {
    const { headers, created } = await seeded();
    const byCreated = [...created].sort((a, b) =>
      a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt.localeCompare(b.createdAt),
    );
    const names = (items: EventBody[]) => items.map((e) => e.name);
    const expected: Record<string, string[]> = {
      name: ['Alpha Party', 'beta 50% off', 'DELTA fest', 'epsilon 50 off', 'Gamma_Night'],
      date: ['Gamma_Night', 'epsilon 50 off', 'beta 50% off', 'DELTA fest', 'Alpha Party'],
      createdAt: names(byCreated),
    };
    for (const [key, order] of Object.entries(expected)) {
      expect(names((await listEvents(headers, `?sort=${key}`)).items), key).toEqual(order);
      expect(names((await listEvents(headers, `?sort=-${key}`)).items), `-${key}`).toEqual([...order].reverse());
    }
  });

  it('searches names case-insensitively anywhere, with % and _ taken literally', async () => {
    const { headers } = await seeded();
    const search = async (q: string) =>
      (await listEvents(headers, `?q=${encodeURIComponent(q)}&sort=name`)).items.map((e) => e.name);
    expect(await search('ALPHA')).toEqual(['Alpha Party']);
    expect(await search('arT')).toEqual(['Alpha Party']);
    expect(await search('fest')).toEqual(['DELTA fest']);
    expect(await search('50%')).toEqual(['beta 50% off']);
    expect(await search('%')).toEqual(['beta 50% off']);
    expect(await search('_')).toEqual(['Gamma_Night']);
    expect(await search('a_n')).toEqual(['Gamma_Night']);
    expect(await search('50 off')).toEqual(['epsilon 50 off']);
    expect(await search('nothing like this')).toEqual([]);
    const body = await listEvents(headers, '?q=50');
    expect(body.total).toBe(2);
  });

  // Queries of 3+ characters go through the trigram index on SQLite, shorter ones scan: both must
  // find events created through the API, with the same answers and totals.
  it('searches through the name index as through a scan: any length, non-ASCII, FTS syntax taken literally', async () => {
    const { headers } = await createUser(ctx.app);
    const names = [
      'Jazz Club',
      'Rock Bar',
      'jazz OR rock night',
      'Café Müller',
      'ÉCOLE du soir',
      'The "Big" Night',
      'Star* Gala',
      'NEAR the river',
      'Fiesta 🎉🎉',
    ];
    for (const name of names) await createEvent(ctx.app, headers, { name, initialTickets: 1 });
    const cases: [string, string[]][] = [
      ['j', ['Jazz Club', 'jazz OR rock night']],
      ['JA', ['Jazz Club', 'jazz OR rock night']],
      ['jAz', ['Jazz Club', 'jazz OR rock night']],
      ['jazz or r', ['jazz OR rock night']],
      ['Jazz OR Ro', ['jazz OR rock night']],
      ['jazz OR rock', ['jazz OR rock night']],
      ['jazz AND rock', []],
      ['NEAR(jazz rock)', []],
      ['near', ['NEAR the river']],
      ['ja*', []],
      ['*', ['Star* Gala']],
      ['r* g', ['Star* Gala']],
      ['"', ['The "Big" Night']],
      ['"big"', ['The "Big" Night']],
      ['e "b', ['The "Big" Night']],
      ['name_key: jazz', []],
      ['^jazz', []],
      ['é', ['Café Müller', 'ÉCOLE du soir']],
      ['CAFÉ', ['Café Müller']],
      ['é m', ['Café Müller']],
      ['müller', ['Café Müller']],
      ['MÜLLER', ['Café Müller']],
      ['éco', ['ÉCOLE du soir']],
      ['École DU', ['ÉCOLE du soir']],
      ['ecole', []],
      ['night', ['jazz OR rock night', 'The "Big" Night']],
      // Two characters, though four UTF-16 code units: too short for a trigram.
      ['🎉🎉', ['Fiesta 🎉🎉']],
      ['a 🎉', ['Fiesta 🎉🎉']],
    ];
    for (const [q, expected] of cases) {
      const body = await listEvents(headers, `?q=${encodeURIComponent(q)}&sort=name`);
      expect(
        body.items.map((e) => e.name),
        q,
      ).toEqual(expected);
      expect(body.total, q).toBe(expected.length);
    }
  });

  it('pages and counts indexed matches like the rest, and finds each new event at once', async () => {
    const { headers } = await createUser(ctx.app);
    const other = await createUser(ctx.app);
    await createEvent(ctx.app, other.headers, { name: 'Someone else’s Jazz Night', initialTickets: 1 });
    const dates = ['2026-01-01', '2026-03-01', '2026-02-01'];
    for (const [i, date] of dates.entries()) {
      await createEvent(ctx.app, headers, { name: `Jazz Night ${i}`, date, initialTickets: 1 });
      expect((await listEvents(headers, '?q=jazz%20night')).total).toBe(i + 1);
    }
    const pages = [];
    for (const page of [1, 2, 3, 4]) {
      const body = await listEvents(headers, `?q=jazz&sort=-date&pageSize=1&page=${page}`);
      expect(body).toMatchObject({ total: 3, page, pageSize: 1 });
      pages.push(...body.items.map((e) => e.name));
    }
    expect(pages).toEqual(['Jazz Night 1', 'Jazz Night 2', 'Jazz Night 0']);
    expect((await listEvents(headers, '?q=someone')).total).toBe(0);
    expect((await listEvents(other.headers, '?q=jazz')).items.map((e) => e.name)).toEqual([
      'Someone else’s Jazz Night',
    ]);
  });

  it('pages with page and pageSize and reports the total', async () => {
    const { headers } = await seeded();
    const all = (await listEvents(headers, '?sort=name')).items.map((e) => e.id);
    const pages = [];
    for (const page of [1, 2, 3, 4]) {
      const body = await listEvents(headers, `?sort=name&pageSize=2&page=${page}`);
      expect(body).toMatchObject({ total: 5, page, pageSize: 2 });
      pages.push(body.items.map((e) => e.id));
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1, 0]);
    expect(pages.flat()).toEqual(all);
    const filtered = await listEvents(headers, '?q=50&pageSize=1&page=2');
    expect(filtered).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(filtered.items).toHaveLength(1);
  });

  it('refuses bad query parameters, naming them', async () => {
    const { headers } = await createUser(ctx.app);
    const cases: [string, string][] = [
      ['page', 'page=0'],
      ['page', 'page=-1'],
      ['page', 'page=1.5'],
      ['page', 'page=abc'],
      ['pageSize', 'pageSize=0'],
      ['pageSize', 'pageSize=101'],
      ['sort', 'sort=owner'],
      ['sort', 'sort=--date'],
      ['q', `q=${'x'.repeat(201)}`],
      ['foo', 'foo=1'],
    ];
    for (const [field, query] of cases) {
      expectFieldError(await ctx.app.inject({ method: 'GET', url: `/api/events?${query}`, headers }), field);
    }
  });
});

describe('GET /api/events/:eventId/status', () => {
  it('answers exactly { totalTickets, redeemedTickets }, never cached, following redemptions', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 4 });
    const status = () => ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    const first = await status();
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.json()).toEqual({ totalTickets: 4, redeemedTickets: 0 });
    const [a, b] = await ticketIds(ctx.app, headers, event.id);
    await ctx.app.inject({ method: 'GET', url: `/redeem/${a}` });
    await ctx.app.inject({ method: 'POST', url: `/api/tickets/${b}/redeem` });
    await ctx.app.inject({ method: 'GET', url: `/redeem/${b}` });
    expect((await status()).json()).toEqual({ totalTickets: 4, redeemedTickets: 2 });
  });
});

describe('POST /api/events/:eventId/tickets', () => {
  it('adds a batch: 201 { batch, downloadUrl }, the CSV holds exactly that batch, and totals update', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 3 });
    const before = new Set(await ticketIds(ctx.app, headers, event.id));
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/tickets`,
      headers,
      payload: { count: 4 },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      batch: { id: expect.stringMatching(eventUuid), count: 4, createdAt: expect.stringMatching(isoUtc) },
      downloadUrl: expect.stringMatching(/^\/api\/events\//),
    });
    const added = (await ticketIds(ctx.app, headers, event.id)).filter((id) => !before.has(id));
    expect(added).toHaveLength(4);

    // Redeem one of the batch: the batch download still lists all of its tickets.
    await ctx.app.inject({ method: 'GET', url: `/redeem/${added[0]}` });
    const csv = await ctx.app.inject({ method: 'GET', url: body.downloadUrl, headers });
    expect(csv.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(csv.body);
    expect(header).toEqual(['ticket_id', 'status', 'created_at', 'redeemed_at']);
    expect(rows.map((r) => r[0]).sort()).toEqual([...added].sort());

    const got = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}`, headers });
    expect(got.json().event).toMatchObject({
      initialTickets: 3,
      additionalTickets: 4,
      totalTickets: 7,
      redeemedTickets: 1,
    });
    await ctx.app.inject({ method: 'POST', url: `/api/events/${event.id}/tickets`, headers, payload: { count: 10 } });
    const status = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers });
    expect(status.json()).toEqual({ totalTickets: 17, redeemedTickets: 1 });
    expect(await ticketIds(ctx.app, headers, event.id)).toHaveLength(17);
  });

  it('refuses an invalid count, naming it, and changes nothing', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const before = await dbSnapshot(ctx.app);
    const cases: [string, Record<string, unknown>][] = [
      ['count', { count: 0 }],
      ['count', { count: 1_000_001 }],
      ['count', { count: 1.5 }],
      ['count', { count: '5' }],
      ['count', { count: -1 }],
      ['count', {}],
      ['batch', { count: 1, batch: 'x' }],
    ];
    for (const [field, payload] of cases) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/events/${event.id}/tickets`, headers, payload });
      expectFieldError(res, field);
    }
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe('the name search index (migration 002)', () => {
  const names = async (store: Store, ownerId: string, q: string) => {
    const list = await searchEvents(store.db, ownerId, { q, sort: 'name' });
    expect(list.total, q).toBe(list.items.length);
    return list.items.map((e) => e.name);
  };
  // Rows written straight into the table, as the bench seeds them (bench/lib.ts) or an operator might.
  const insertEvent = (store: Store, ownerId: string, name: string) =>
    store.db
      .insertInto('events')
      .values({
        id: randomUUID(),
        owner_id: ownerId,
        name,
        name_key: name.toLowerCase(),
        date: '2026-06-01',
        initial_tickets: 1,
        additional_tickets: 0,
        created_at: new Date().toISOString(),
      })
      .execute();

  it('indexes the events that predate it and follows inserts, renames and deletes by any writer', async () => {
    const fresh = await freshDatabase();
    const store = openStore(fresh.url);
    try {
      // A database as the previous release left it: only 001 applied.
      const only001 = new Migrator({
        db: store.db,
        provider: { getMigrations: async () => ({ '001-initial': { up: (db) => m001.up(db, store.dialect) } }) },
      });
      expect((await only001.migrateToLatest()).error).toBeUndefined();
      const ownerId = randomUUID();
      const user = { id: ownerId, username: 'old', username_key: 'old', password_hash: 'x' };
      await store.db
        .insertInto('users')
        .values({ ...user, created_at: new Date().toISOString() })
        .execute();
      await insertEvent(store, ownerId, 'Summer Jazz Night');
      await insertEvent(store, ownerId, 'Winter Rock Gala');

      expect(await migrateToLatest(store.db as never, store.dialect)).toContain('002-event-search');
      expect(await names(store, ownerId, 'JAZZ')).toEqual(['Summer Jazz Night']);
      await insertEvent(store, ownerId, 'Jazz Brunch');
      expect(await names(store, ownerId, 'jazz')).toEqual(['Jazz Brunch', 'Summer Jazz Night']);
      await store.db
        .updateTable('events')
        .set({ name: 'Winter Jazz Gala', name_key: 'winter jazz gala' })
        .where('name', '=', 'Winter Rock Gala')
        .execute();
      await store.db.updateTable('events').set({ additional_tickets: 5 }).execute();
      expect(await names(store, ownerId, 'jazz')).toEqual(['Jazz Brunch', 'Summer Jazz Night', 'Winter Jazz Gala']);
      expect(await names(store, ownerId, 'rock')).toEqual([]);
      await store.db.deleteFrom('events').where('name', '=', 'Summer Jazz Night').execute();
      expect(await names(store, ownerId, 'jazz')).toEqual(['Jazz Brunch', 'Winter Jazz Gala']);
      if (store.dialect === 'postgres') {
        const { rows } = await sql`select 1 from pg_indexes where indexname = 'events_name_key_trgm_idx'`.execute(
          store.db,
        );
        expect(rows).toHaveLength(1);
      }
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });

  // On SQLite the number of matches picks the plan: pages sorted from a few index matches, the
  // index count with a scan for the page, or scans alone when too many names share the trigrams.
  it('answers alike whichever plan the number of matches picks', async () => {
    const fresh = await freshDatabase();
    const store = openStore(fresh.url);
    try {
      await migrateToLatest(store.db as never, store.dialect);
      const ownerId = randomUUID();
      const user = { id: ownerId, username: 'many', username_key: 'many', password_hash: 'x' };
      await store.db
        .insertInto('users')
        .values({ ...user, created_at: new Date().toISOString() })
        .execute();
      const words = { alpha: 1, bravo: 150, charlie: 250, delta: 16_000 };
      const rows = Object.entries(words).flatMap(([word, n]) =>
        Array.from({ length: n }, (_, i) => ({
          id: randomUUID(),
          owner_id: ownerId,
          name: `${word} ${i}`,
          name_key: `${word} ${i}`,
          date: new Date(Date.UTC(2026, 0, 1 + ((i * 7) % 365))).toISOString().slice(0, 10),
          initial_tickets: 1,
          additional_tickets: 0,
          created_at: new Date().toISOString(),
        })),
      );
      for (let i = 0; i < rows.length; i += 500)
        await store.db
          .insertInto('events')
          .values(rows.slice(i, i + 500))
          .execute();
      for (const word of Object.keys(words)) {
        const expected = rows
          .filter((r) => r.name.startsWith(word))
          .sort((a, b) => b.date.localeCompare(a.date) || (a.id < b.id ? 1 : -1))
          .map((r) => r.id);
        for (const page of [1, 3]) {
          const list = await searchEvents(store.db, ownerId, {
            q: word.toUpperCase(),
            sort: '-date',
            page,
            pageSize: 20,
          });
          expect(list.total, word).toBe(expected.length);
          expect(
            list.items.map((e) => e.id),
            `${word} page ${page}`,
          ).toEqual(expected.slice((page - 1) * 20, page * 20));
        }
      }
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });

  // PostgreSQL only (SQLite has no extensions): defined only where it runs, not reported as skipped.
  if (testStore === 'postgres') {
    it('migrates without the index where pg_trgm may not be created', async () => {
      const fresh = await freshPostgres();
      const role = `admit_limited_${randomUUID().slice(0, 8)}`;
      const admin = new pg.Client({ connectionString: fresh.url });
      await admin.connect();
      let store: Store | undefined;
      try {
        // Like a managed database: the app may create tables but not extensions.
        await admin.query(`create role ${role} login`);
        await admin.query(`grant create on schema public to ${role}`);
        const url = new URL(fresh.url);
        url.username = role;
        store = openStore(url.toString());
        expect(await migrateToLatest(store.db as never, store.dialect)).toContain('002-event-search');
        const { rows } = await admin.query(
          `select 1 from pg_indexes where tablename = 'events' and indexdef like '%gin%'`,
        );
        expect(rows).toHaveLength(0);
        const ownerId = randomUUID();
        const user = { id: ownerId, username: 'managed', username_key: 'managed', password_hash: 'x' };
        await store.db
          .insertInto('users')
          .values({ ...user, created_at: new Date().toISOString() })
          .execute();
        await insertEvent(store, ownerId, 'Summer Jazz Night');
        expect(await names(store, ownerId, 'jazz')).toEqual(['Summer Jazz Night']);
      } finally {
        await store?.close();
        await admin.end();
        await fresh.cleanup();
        const cleanup = new pg.Client({ connectionString: pgAdminUrl });
        await cleanup.connect();
        await cleanup.query(`drop role if exists ${role}`).finally(() => cleanup.end());
      }
    });
  }
});
