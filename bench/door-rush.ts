/**
 * Parts 1 + 2 of `npm run bench`: the door rush against the bare-route ceiling, then the duplicate
 * storm, on one compiled server with a fresh SQLite file or PostgreSQL database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import {
  cannon,
  f,
  freshPgDatabase,
  idRequests,
  type Measured,
  n0,
  type Proc,
  sleep,
  startAdmit,
  startBare,
  statusCount,
} from './lib.js';
import { type Bench, CONNECTIONS, DUPLICATE_TICKETS } from './options.js';
import type { Load, RushResult } from './results.js';

function summarize({ result: r, seconds }: Measured): Load {
  const requests = r.requests.total;
  return {
    requests,
    ok: r['2xx'],
    status410: statusCount(r, 410),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    seconds,
    rps: requests / seconds,
    okPerSec: r['2xx'] / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

async function eventStatus(url: string, headers: Record<string, string>, eventId: string) {
  const res = await fetch(`${url}/api/events/${eventId}/status`, { headers });
  if (!res.ok) throw new Error(`status answered ${res.status}`);
  return (await res.json()) as { totalTickets: number; redeemedTickets: number };
}

/** `amount` scans with 64 connections cycling over `ids` (all redeemed already: every answer a 410). */
function duplicateLoad(url: string, ids: readonly string[], amount: number, maxSeconds: number) {
  return cannon({ url, connections: CONNECTIONS, amount, requests: idRequests(ids, true), timeout: 30 }, maxSeconds);
}

/** Redeems every id once with 64 connections (each request takes the next id). */
function rushLoad(url: string, ids: readonly string[], maxSeconds: number) {
  return cannon(
    { url, connections: CONNECTIONS, amount: ids.length, requests: idRequests(ids, false), timeout: 30 },
    maxSeconds,
  );
}

interface RushSpec {
  label: string;
  databaseUrl: string;
  store: 'sqlite' | 'postgres';
  workers: number;
  /** How many of the event's tickets the rounds redeem. */
  use: number;
}

/** Runs the door rush and the duplicate storm in rounds on a fresh server; stops every process it started. */
async function measureDoorRush({ options, clock, running }: Bench, spec: RushSpec): Promise<RushResult> {
  const { label, store, workers } = spec;
  const { sizes } = options;
  const maxSeconds = sizes.roundMaxSeconds;
  clock.log(`door rush ${label}: starting server`);
  const server = await startAdmit(spec.databaseUrl, { WORKERS: String(workers) });
  running.add(server);
  let bare: Proc | undefined;
  let bare410: Proc | undefined;
  try {
    if (workers > 1) await sleep(1500); // every worker listening, not just the first
    const headers = await registerRemote(server.url, `bench${workers}`);
    const warm = await createEventRemote(server.url, headers, 'Warm-up', sizes.warmupTickets);
    const warmIds = await remoteTicketIds(server.url, headers, warm.id);
    const created = await createEventRemote(server.url, headers, 'Door rush', sizes.rushTickets);
    const ids = await remoteTicketIds(server.url, headers, created.id);
    if (ids.length !== sizes.rushTickets) throw new Error(`CSV gave ${ids.length} ids`);
    clock.log(`door rush ${label}: ${n0(ids.length)} tickets created in ${f(created.ms / 1000, 2)} s`);

    // The ceiling answers exactly the body of a real redeem 200.
    const probe = await fetch(`${server.url}/redeem/${warmIds[0]}`);
    const body = await probe.text();
    if (probe.status !== 200) throw new Error(`probe redeem answered ${probe.status}: ${body}`);
    bare = await startBare(body, workers);
    running.add(bare);
    if (workers > 1) await sleep(1500);

    // Warm-up (JIT, connections, caches), not counted.
    await rushLoad(server.url, warmIds.slice(1), maxSeconds);
    await rushLoad(bare.url, warmIds.slice(1), maxSeconds);
    // SQLite: the duplicate storm's own ceiling, a bare route answering the real 410 problem (a
    // bigger body than the 200), shows what the HTTP answer alone costs against the 200's.
    const gone = await fetch(`${server.url}/redeem/${warmIds[0]}`);
    const goneBody = await gone.text();
    if (gone.status !== 410) throw new Error(`second probe answered ${gone.status}: ${goneBody}`);
    if (store === 'sqlite') {
      bare410 = await startBare(goneBody, workers, 410, gone.headers.get('content-type') ?? 'application/json');
      running.add(bare410);
      await rushLoad(bare410.url, warmIds.slice(1), maxSeconds);
    }

    const result: RushResult = {
      label,
      store,
      workers,
      tickets: ids.length,
      used: Math.min(spec.use, ids.length),
      createMs: created.ms,
      bodyBytes: Buffer.byteLength(body),
      body410Bytes: Buffer.byteLength(goneBody),
      rounds: [],
      redeemedTickets: 0,
    };
    // Duplicate storm: 100 tickets of the warm-up event, all redeemed by now, scanned over and over.
    const dupIds = warmIds.slice(1, 1 + DUPLICATE_TICKETS);
    const per = Math.ceil(result.used / sizes.rushRounds);
    let sent = 0;
    for (let round = 0; round < sizes.rushRounds; round++) {
      // The report notes the rounds left out (fewer rounds than planned).
      if (round > 0 && clock.late()) break;
      const slice = ids.slice(round * per, Math.min(result.used, (round + 1) * per));
      // The first scans, the bare route and the duplicate storm (as many requests, cycling over
      // the redeemed tickets) take turns at going first, so drift on a busy machine favours none.
      const loads: Record<string, () => Promise<Load>> = {
        admit: async () => summarize(await rushLoad(server.url, slice, maxSeconds)),
        bare: async () => summarize(await rushLoad(bare?.url as string, slice, maxSeconds)),
        duplicate: async () => summarize(await duplicateLoad(server.url, dupIds, slice.length, maxSeconds)),
      };
      const ceiling410 = bare410?.url;
      if (ceiling410) loads.bare410 = async () => summarize(await rushLoad(ceiling410, slice, maxSeconds));
      const names = Object.keys(loads);
      const measured: Record<string, Load> = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length] as string;
        measured[name] = await (loads[name] as () => Promise<Load>)();
      }
      const { admit, bare: ceiling, duplicate } = measured as Record<'admit' | 'bare' | 'duplicate', Load>;
      result.rounds.push({ admit, bare: ceiling, duplicate, bare410: measured.bare410 });
      sent += slice.length;
      clock.log(
        `door rush ${label} round ${round + 1}/${sizes.rushRounds}: ${n0(admit.okPerSec)} redeems/s (p50 ${admit.p50} ms, p99 ${admit.p99} ms, non-2xx ${admit.non2xx}) vs bare ${n0(ceiling.rps)} req/s; duplicates ${n0(duplicate.status410 / duplicate.seconds)} 410s/s`,
      );
    }
    result.used = sent;
    result.redeemedTickets = (await eventStatus(server.url, headers, created.id)).redeemedTickets;
    return result;
  } finally {
    for (const proc of [bare, bare410]) {
      if (!proc) continue;
      await proc.stop();
      running.delete(proc);
    }
    await server.stop();
    running.delete(server);
  }
}

/** The door rush on one SQLite server process, in a temporary folder removed after. */
export async function rushOnSqlite(bench: Bench): Promise<RushResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  try {
    const databaseUrl = `sqlite:${path.join(dir, 'admit.db')}`;
    const use = bench.options.sizes.rushTickets;
    return await measureDoorRush(bench, { label: 'SQLite, 1 process', databaseUrl, store: 'sqlite', workers: 1, use });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The door rush on PostgreSQL with `workers` server processes, in a fresh database dropped after. */
export async function rushOnPostgres(bench: Bench, pgUrl: string, workers: number): Promise<RushResult> {
  const db = await freshPgDatabase(pgUrl);
  try {
    const label = `PostgreSQL, WORKERS=${workers}`;
    const use = bench.options.sizes.pgRushTickets;
    return await measureDoorRush(bench, { label, databaseUrl: db.url, store: 'postgres', workers, use });
  } finally {
    await db.cleanup();
  }
}
