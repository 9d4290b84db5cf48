import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { type FreshDatabase, freshDatabase, testStore } from './databases.js';
import { createEvent, createUser, doorScan, openDoor, ticketIds } from './helper.js';
import { baseUrl, dataOf, eventually, openStream } from './live-client.js';

/** An app as a server process builds it, on a given database (two of them share no memory but the file or server). */
function appOn(url: string, overrides: Parameters<typeof loadConfig>[1] = {}) {
  return buildApp(
    loadConfig({}, { databaseUrl: url, logLevel: 'silent', webRoot: null, registrationsPerHour: 1000, ...overrides }),
  );
}

/** Backends of the live news connection (PostgreSQL) on this database. */
async function liveBackends(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'admit live'`,
    );
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

describe(`live streams across processes (${testStore})`, () => {
  let db: FreshDatabase;
  let a: App;
  let b: App;

  beforeAll(async () => {
    db = await freshDatabase();
    a = await appOn(db.url);
    b = await appOn(db.url, { liveHeartbeatMs: 200 });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.cleanup();
  });

  it('a redemption through process A reaches a stream on process B within 1 s', async () => {
    const owner = await createUser(a);
    const event = await createEvent(a, owner.headers, { initialTickets: 4 });
    const ids = await ticketIds(a, owner.headers, event.id);
    const door = await openDoor(a, owner.headers, event.id, { label: 'West gate' });
    const s = await openStream(`${await baseUrl(b)}/api/events/${event.id}/live`, owner.headers);
    try {
      await s.next((e) => e.event === 'counters');
      for (const [i, route] of [
        [0, 'door'],
        [1, 'public'],
      ] as const) {
        const t0 = Date.now();
        if (route === 'door') expect((await doorScan(a, door.headers, ids[i] as string)).statusCode).toBe(200);
        else expect((await a.inject({ method: 'POST', url: `/api/tickets/${ids[i]}/redeem` })).statusCode).toBe(200);
        await s.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === i + 1, 1000);
        await s.next((e) => e.event === 'scan' && dataOf(e).ticketId === ids[i], 1000);
        expect(Date.now() - t0).toBeLessThan(1000);
      }
      const doors = s.events.filter((e) => e.event === 'scan').map((e) => dataOf(e).door);
      expect(doors).toEqual(['West gate', 'public link']);
    } finally {
      s.close();
    }
  });

  it('1,000 streams opened and closed leave no stream, timer, socket or database connection behind', async () => {
    const owner = await createUser(b);
    const event = await createEvent(b, owner.headers, { initialTickets: 1 });
    const url = `${await baseUrl(b)}/api/events/${event.id}/live`;
    const before = testStore === 'postgres' ? await liveBackends(db.url) : 0;
    for (let round = 0; round < 100; round++) {
      const streams = await Promise.all(Array.from({ length: 10 }, () => openStream(url, owner.headers)));
      await Promise.all(streams.map((s) => s.next((e) => e.event === 'counters')));
      for (const s of streams) s.close();
      await eventually(() => b.live.stats().subscribers === 0);
    }
    await eventually(() => b.live.stats().events === 0 && b.live.stats().credentials === 0);
    const stats = b.live.stats();
    // Nothing but, on PostgreSQL, the one news connection of the process, which closes after 10 s idle.
    expect(stats.subscribers).toBe(0);
    expect(stats.timers).toBeLessThanOrEqual(testStore === 'postgres' ? 1 : 0);
    expect(stats.connections).toBeLessThanOrEqual(1);
    await eventually(() => new Promise<boolean>((done) => b.server.getConnections((_e, n) => done(n === 0))), 2000);
    if (testStore === 'postgres') {
      expect(await liveBackends(db.url)).toBeLessThanOrEqual(Math.max(before, 2));
    }
  }, 60_000);

  it('keeps a silent stream open through a proxy that cuts connections idle for 1 s, and past the server timeouts', async () => {
    // The app closes keep-alive connections after 300 ms and wants a request within 500 ms; the
    // "proxy" drops a connection that carried nothing for 1 s. The heartbeat is every 200 ms.
    const c = await appOn(db.url, {
      liveHeartbeatMs: 200,
      keepAliveTimeoutMs: 300,
      requestTimeoutMs: 500,
      headersTimeoutMs: 500,
    });
    const target = new URL(await baseUrl(c));
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      const cut = () => {
        client.destroy();
        upstream.destroy();
      };
      client.setTimeout(1000, cut);
      upstream.setTimeout(1000, cut);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', cut);
      upstream.on('error', cut);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const { port } = proxy.address() as net.AddressInfo;
    try {
      const owner = await createUser(c);
      const event = await createEvent(c, owner.headers, { initialTickets: 2 });
      const s = await openStream(`http://127.0.0.1:${port}/api/events/${event.id}/live`, owner.headers);
      await s.next((e) => e.event === 'counters');
      await new Promise((r) => setTimeout(r, 3000));
      expect(s.isEnded()).toBe(false);
      expect(s.comments()).toBeGreaterThanOrEqual(10);
      // Still live: a change arrives.
      const [id] = await ticketIds(c, owner.headers, event.id);
      await c.inject({ method: 'POST', url: `/api/tickets/${id}/redeem` });
      await s.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === 1, 1000);
      s.close();
    } finally {
      proxy.close();
      await c.close();
    }
  });

  it('closing the app ends its open streams at once (shutdown does not wait on them)', async () => {
    const c = await appOn(db.url);
    const owner = await createUser(c);
    const event = await createEvent(c, owner.headers, { initialTickets: 1 });
    const url = `${await baseUrl(c)}/api/events/${event.id}/live`;
    const streams = await Promise.all([openStream(url, owner.headers), openStream(url, owner.headers)]);
    await Promise.all(streams.map((s) => s.next((e) => e.event === 'counters')));
    const t0 = Date.now();
    await c.close();
    await Promise.all(streams.map((s) => s.ended));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(c.live.stats()).toMatchObject({ subscribers: 0, events: 0, timers: 0, connections: 0 });
  });
});

// Defined on PostgreSQL only (SQLite's writers take turns: its seqs commit in order).
if (testStore === 'postgres')
  describe('live streams on PostgreSQL, where seqs commit out of order', () => {
    let db: FreshDatabase;
    let app: App;
    beforeAll(async () => {
      db = await freshDatabase();
      app = await appOn(db.url);
    });
    afterAll(async () => {
      await app?.close();
      await db?.cleanup();
    });

    it('a scan with a lower seq committed after a higher one is still sent, and in log order', async () => {
      const owner = await createUser(app);
      const event = await createEvent(app, owner.headers, { initialTickets: 3 });
      const ids = await ticketIds(app, owner.headers, event.id);
      const door = await openDoor(app, owner.headers, event.id);
      const s = await openStream(`${await baseUrl(app)}/api/events/${event.id}/live`, owner.headers);
      const slow = new pg.Client({ connectionString: db.url });
      await slow.connect();
      try {
        await s.next((e) => e.event === 'counters');
        const { rows } = await slow.query('select seq from events where id = $1', [event.id]);
        const eventSeq = Number(rows[0].seq);
        // A writer draws the lower seq and holds its transaction open...
        await slow.query('begin');
        const drawn = await slow.query(
          `insert into scans (id, event_seq, ticket_id, outcome, at) values (gen_random_uuid()::text, $1, null, 'unreadable', $2) returning seq`,
          [eventSeq, new Date().toISOString()],
        );
        const lower = Number(drawn.rows[0].seq);
        // ...while a door scan draws a higher one and commits.
        await doorScan(app, door.headers, ids[0] as string);
        await s.next((e) => e.event === 'counters' && dataOf(e).redeemedTickets === 1, 1000);
        await new Promise((r) => setTimeout(r, 500));
        expect(s.events.filter((e) => e.event === 'scan')).toEqual([]);
        await slow.query('commit');
        app.changes.touched(eventSeq);
        await s.next((e) => e.event === 'scan' && dataOf(e).outcome === 'admitted', 1000);
        const scans = s.events.filter((e) => e.event === 'scan');
        expect(scans.map((e) => dataOf(e).outcome)).toEqual(['unreadable', 'admitted']);
        expect(Number(scans[0]?.id)).toBe(lower);
        expect(Number(scans[1]?.id)).toBeGreaterThan(lower);
      } finally {
        s.close();
        await slow.end();
      }
    });
  });
