/**
 * Part of `npm run bench`: door scans (POST /api/door/scans as one door session) against first
 * scans of GET /redeem on the same server, in alternating wrk rounds. Both take tickets never
 * scanned before, from events big enough that no round runs out of them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import { f, freshPgDatabase, n0, openDoorRemote, startAdmit } from './lib.js';
import type { Bench } from './options.js';
import { hasWrk, type WrkResult, wrkIds, wrkPath } from './wrk.js';

export interface DoorScansResult {
  label: string;
  tickets: number;
  connections: number;
  seconds: number;
  rounds: { redeem: WrkResult; door: WrkResult }[];
  /** The door event's redeemed counter at the end: every door scan an admission. */
  admitted: number;
}

const CONNECTIONS = 64;

async function measureDoorScans(
  bench: Bench,
  label: string,
  databaseUrl: string,
  maxRate: number,
): Promise<DoorScansResult | undefined> {
  const { clock, running, options } = bench;
  if (!hasWrk()) {
    clock.log(`door scans: no wrk at ${wrkPath} (apt-get install wrk, or set WRK_PATH); left out`);
    return undefined;
  }
  const { doorRounds: rounds, doorSeconds: seconds } = options.sizes;
  // Enough tickets that no round outlasts its ids at `maxRate` requests a second.
  const perRound = maxRate * seconds;
  const tickets = perRound * (rounds + 1);
  const server = await startAdmit(databaseUrl);
  running.add(server);
  try {
    const headers = await registerRemote(server.url, 'door-scans');
    const redeemEvent = await createEventRemote(server.url, headers, 'Redeem', tickets);
    const doorEvent = await createEventRemote(server.url, headers, 'Door', tickets);
    const redeemIds = await remoteTicketIds(server.url, headers, redeemEvent.id);
    const doorIds = await remoteTicketIds(server.url, headers, doorEvent.id);
    const token = await openDoorRemote(server.url, headers, doorEvent.id);
    clock.log(`door scans ${label}: 2 × ${n0(tickets)} tickets ready`);
    const load = (mode: 'redeem' | 'door', ids: string[]) =>
      wrkIds({ url: server.url, ids, mode, token, connections: CONNECTIONS, seconds });
    // Warm-up (JIT, caches, connections) on the first slice, not counted.
    await load('redeem', redeemIds.slice(0, perRound));
    await load('door', doorIds.slice(0, perRound));
    const result: DoorScansResult = { label, tickets, connections: CONNECTIONS, seconds, rounds: [], admitted: 0 };
    for (let round = 1; round <= rounds; round++) {
      const slice = (ids: string[]) => ids.slice(round * perRound, (round + 1) * perRound);
      const order: ('redeem' | 'door')[] = round % 2 ? ['door', 'redeem'] : ['redeem', 'door'];
      const measured: Partial<Record<'redeem' | 'door', WrkResult>> = {};
      for (const mode of order) measured[mode] = await load(mode, slice(mode === 'door' ? doorIds : redeemIds));
      const { redeem, door } = measured as Record<'redeem' | 'door', WrkResult>;
      result.rounds.push({ redeem, door });
      clock.log(
        `door scans ${label} round ${round}/${rounds}: door ${n0(door.rps)}/s (p50 ${f(door.p50, 1)} ms, p99 ${f(door.p99, 1)} ms) vs GET /redeem ${n0(redeem.rps)}/s (p50 ${f(redeem.p50, 1)} ms, p99 ${f(redeem.p99, 1)} ms): ${f(door.rps / redeem.rps, 2)}×`,
      );
    }
    const me = await fetch(`${server.url}/api/door/me`, { headers: { authorization: `Bearer ${token}` } });
    result.admitted = ((await me.json()) as { redeemedTickets: number }).redeemedTickets;
    return result;
  } finally {
    await server.stop();
    running.delete(server);
  }
}

/** On a fresh SQLite file in a temporary folder. */
export async function doorScansOnSqlite(bench: Bench): Promise<DoorScansResult | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  try {
    return await measureDoorScans(bench, 'SQLite, 1 process', `sqlite:${path.join(dir, 'admit.db')}`, 30_000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** On a fresh PostgreSQL database, WORKERS=1. */
export async function doorScansOnPostgres(bench: Bench, pgUrl: string): Promise<DoorScansResult | undefined> {
  const db = await freshPgDatabase(pgUrl);
  try {
    return await measureDoorScans(bench, 'PostgreSQL, WORKERS=1', db.url, 4_000);
  } finally {
    await db.cleanup();
  }
}
