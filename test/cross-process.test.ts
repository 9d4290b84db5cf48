import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase, testStore } from './databases.js';
import { registerRemote, remoteTicketIds, type ServerProcess, startServer } from './processes.js';

// Four real server processes on one database, started at the same instant on an empty database
// (so their migrations race too), all redeeming the same tickets.
describe(`cross-process exactly once (${testStore})`, () => {
  let db: FreshDatabase;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    servers = await Promise.all([1, 2, 3, 4].map(() => startServer(db.url)));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.cleanup();
  });

  it('4 processes, 200 tickets, 50 concurrent redeems each over both routes: exactly one 200 per ticket', async () => {
    const [first] = servers as [ServerProcess];
    const headers = await registerRemote(first.url, 'crossproc');
    const created = await fetch(`${first.url}/api/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Stadium', date: '2026-12-31', initialTickets: 200 }),
    });
    expect(created.status).toBe(201);
    const { event } = (await created.json()) as { event: { id: string } };
    const ids = await remoteTicketIds(first.url, headers, event.id);
    expect(ids).toHaveLength(200);

    // Every ticket's 50 redeems are in flight at the same instant; tickets go 4 at a time
    // (200 requests in flight) so the load generator itself is not the bottleneck.
    const statuses = new Map<string, number[]>(ids.map((id) => [id, []]));
    const redeem = async (i: number, round: number, id: string) => {
      const server = servers[(i + round) % servers.length] as ServerProcess;
      const viaPost = (i + round) % 2 === 0;
      const res = await fetch(viaPost ? `${server.url}/api/tickets/${id}/redeem` : `${server.url}/redeem/${id}`, {
        method: viaPost ? 'POST' : 'GET',
      });
      await res.arrayBuffer();
      statuses.get(id)?.push(res.status);
    };
    for (let start = 0; start < ids.length; start += 4) {
      const group = ids.slice(start, start + 4);
      await Promise.all(
        group.flatMap((id, j) => Array.from({ length: 50 }, (_, round) => redeem(start + j, round, id))),
      );
    }

    const histogram: Record<number, number> = {};
    for (const codes of statuses.values()) for (const c of codes) histogram[c] = (histogram[c] ?? 0) + 1;
    expect(
      histogram,
      servers
        .map((s) => s.output())
        .join('\n')
        .slice(0, 2000),
    ).toEqual({ 200: 200, 410: 9800 });
    let oks = 0;
    for (const [id, codes] of statuses) {
      expect(codes, id).toHaveLength(50);
      expect(
        codes.filter((c) => c === 200),
        id,
      ).toHaveLength(1);
      expect(
        codes.filter((c) => c === 410),
        id,
      ).toHaveLength(49);
      oks += 1;
    }
    for (const server of servers) {
      const status = await fetch(`${server.url}/api/events/${event.id}/status`, { headers });
      expect(await status.json()).toEqual({ totalTickets: 200, redeemedTickets: oks });
    }

    // No transaction waited on another in a cycle: PostgreSQL breaks a deadlock after a second's
    // wait by failing one side, so even when a retry hides it, the door stalls for that second.
    if (testStore === 'postgres') {
      await Promise.all(servers.map((s) => s.stop()));
      expect(await deadlocks(db.url)).toBe(0);
    }
  }, 240_000);
});

/**
 * The deadlocks PostgreSQL counted in the database, once the servers' connections are gone (a
 * backend hands its counts to the statistics as it exits).
 */
async function deadlocks(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query(
        'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query(
      'select deadlocks::int as n from pg_stat_database where datname = current_database()',
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}
