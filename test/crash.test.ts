import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../server/db/database.js';
import { ABANDONED_AFTER_MS, countPending } from '../server/db/pending-batches.js';
import { type FreshDatabase, freshDatabase, testStore } from './databases.js';
import { registerRemote, remoteTicketIds, type ServerProcess, startServer } from './processes.js';

// SIGKILL is a crash of the server process: nothing is flushed, no handler runs.
describe(`crash durability (${testStore})`, () => {
  let db: FreshDatabase;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    db = await freshDatabase();
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.cleanup();
  });

  it('every redemption answered 200 before a SIGKILL is still redeemed after restart, and counters agree', async () => {
    server = await startServer(db.url);
    const headers = await registerRemote(server.url, 'crashtest');
    const created = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Crash', date: '2026-12-31', initialTickets: 3000 }),
    });
    const { event } = (await created.json()) as { event: { id: string } };
    const ids = await remoteTicketIds(server.url, headers, event.id);

    const acknowledged: string[] = [];
    let next = 0;
    const url = server.url;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        try {
          const res = await fetch(`${url}/redeem/${id}`);
          await res.arrayBuffer();
          if (res.status === 200) acknowledged.push(id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Kill once a good number of redemptions have been acknowledged, mid-stream.
    while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
    await server.stop('SIGKILL');
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(acknowledged.length).toBeLessThan(ids.length);

    server = await startServer(db.url);
    const redeemed = new Set(await remoteTicketIds(server.url, headers, event.id, 'redeemed'));
    for (const id of acknowledged) expect(redeemed.has(id), id).toBe(true);
    const status = await fetch(`${server.url}/api/events/${event.id}/status`, { headers });
    expect(await status.json()).toEqual({ totalTickets: 3000, redeemedTickets: redeemed.size });
    await server.stop();
    server = undefined;
  }, 180_000);

  it('a SIGKILL in the middle of creating a 1,000,000-ticket event leaves the whole event or nothing, and the leftovers are removed', async () => {
    server = await startServer(db.url);
    const headers = await registerRemote(server.url, 'crashcreate');
    const creating = fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Huge', date: '2026-12-31', initialTickets: 1_000_000 }),
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    const answer = await creating;

    // The chunks committed before the kill are still in the database, unseen (a pending batch).
    // The sweep removes a pending batch once its writer has been silent for minutes: age its
    // heartbeat as if the server had stayed down that long, so the restart removes it.
    const direct = openStore(db.url);
    try {
      const left = await countPending(direct.db);
      if (answer?.status !== 201) {
        expect(left).toMatchObject({ batches: 1, events: 1 });
        expect(left.tickets).toBeGreaterThan(0);
      }
      await direct.db
        .updateTable('ticket_batches')
        .set({ heartbeat_at: new Date(Date.now() - ABANDONED_AFTER_MS - 60_000).toISOString() })
        .where('heartbeat_at', 'is not', null)
        .execute();
    } finally {
      await direct.close();
    }

    server = await startServer(db.url);
    const list = await fetch(`${server.url}/api/events?q=Huge`, { headers });
    const { items } = (await list.json()) as { items: { id: string; totalTickets: number }[] };
    if (answer?.status === 201) {
      // It finished before the kill: then all of it must be there.
      expect(items).toHaveLength(1);
      expect(items[0]?.totalTickets).toBe(1_000_000);
    } else {
      expect(items).toEqual([]);
    }
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // The sweep at start removes the leftovers, chunk by chunk, while the server answers.
    const after = openStore(db.url);
    try {
      const deadline = Date.now() + 60_000;
      let left = await countPending(after.db);
      while (left.batches > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        left = await countPending(after.db);
      }
      expect(left).toEqual({ batches: 0, tickets: 0, events: 0 });
    } finally {
      await after.close();
    }
    await server.stop();
    server = undefined;
  }, 180_000);
});
