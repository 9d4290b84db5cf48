/**
 * The door rush of `npm run bench`, measured with wrk (a C load generator: autocannon, a Node.js
 * process on the same cores, capped the bare route near 20,000 req/s and so flattered every
 * ratio). On one compiled server with a fresh SQLite file or PostgreSQL database, each round runs,
 * in turns, for the same few seconds each:
 * - first scans: GET /redeem/:id, each request the next ticket never scanned before;
 * - the bare route: a constant answer of the same bytes, same Fastify, same process settings;
 * - the duplicate storm: GET /redeem/:id cycling over 100 redeemed tickets (every answer a 410);
 * - door scans: POST /api/door/scans as a door session, each the next fresh ticket of its event;
 * - SQLite: a bare route answering the real 410 problem, the duplicate storm's own ceiling;
 * - PostgreSQL: pgbench, one conditional UPDATE per transaction with as many clients as the rush
 *   has connections, and with as many as the server has pool connections: the commit ceiling.
 * SQLite also runs `wrk -t2 -c16`, the command the original Flask implementation was measured with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import { f, freshPgDatabase, n0, openDoorRemote, type Proc, sleep, startAdmit, startBare } from './lib.js';
import { type Bench, CONNECTIONS, DUPLICATE_TICKETS } from './options.js';
import { ensurePgbench, PgbenchCeiling } from './pgbench.js';
import type { FlaskCompare, Load, RushResult } from './results.js';
import { ensureWrk, type WrkMode, type WrkResult, wrkIds } from './wrk.js';

/** The server's PostgreSQL pool per process (DATABASE_POOL_SIZE) in the rush. */
export const RUSH_POOL_SIZE = 10;

function toLoad(r: WrkResult): Load {
  const ok = r.requests - r.non2xx;
  return {
    requests: r.requests,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    seconds: r.seconds,
    rps: r.rps,
    okPerSec: ok / r.seconds,
    p50: r.p50,
    p99: r.p99,
    issued: r.issued,
    exhausted: r.exhausted,
  };
}

async function eventStatus(url: string, headers: Record<string, string>, eventId: string) {
  const res = await fetch(`${url}/api/events/${eventId}/status`, { headers });
  if (!res.ok) throw new Error(`status answered ${res.status}`);
  return (await res.json()) as { totalTickets: number; redeemedTickets: number };
}

/** Hands out a list of fresh ids run by run: each run gets a window, and moves on by what it used. */
class FreshIds {
  private offset = 0;
  private issued = 0;
  constructor(
    readonly ids: readonly string[],
    private readonly window: number,
  ) {}
  next(): readonly string[] {
    return this.ids.slice(this.offset, this.offset + this.window);
  }
  /** Moves past every id the run handed out (with several wrk threads, some below that were not). */
  used(result: WrkResult): void {
    this.offset += Number.isFinite(result.next) ? result.next : result.requests;
    this.issued += Number.isFinite(result.issued) ? result.issued : result.requests;
  }
  /** Ids sent so far, each once. */
  get sent(): number {
    return this.issued;
  }
  /** Where the next run starts. */
  get position(): number {
    return this.offset;
  }
}

interface RushSpec {
  label: string;
  databaseUrl: string;
  store: 'sqlite' | 'postgres';
  workers: number;
  /** The highest first-scan rate a round may reach: each event holds enough tickets for it. */
  maxRate: number;
}

/** Runs the door rush rounds on a fresh server; stops every process it started. */
async function measureDoorRush({ options, clock, running }: Bench, spec: RushSpec): Promise<RushResult> {
  const { label, store, workers } = spec;
  const { sizes } = options;
  const seconds = sizes.rushSeconds;
  const missing = ensureWrk((m) => clock.log(m));
  if (missing) throw new Error(`the door rush is measured with wrk: ${missing}`);
  const window = spec.maxRate * seconds;
  const tickets = window * sizes.rushRounds + (store === 'sqlite' ? spec.maxRate * sizes.flaskSeconds : 0);
  clock.log(`door rush ${label}: starting server`);
  const env: Record<string, string> = { WORKERS: String(workers) };
  if (store === 'postgres') env.DATABASE_POOL_SIZE = String(RUSH_POOL_SIZE);
  const server = await startAdmit(spec.databaseUrl, env);
  running.add(server);
  const extra: Proc[] = [];
  let ceiling: PgbenchCeiling | undefined;
  try {
    const headers = await registerRemote(server.url, `bench${workers}`);
    const warm = await createEventRemote(server.url, headers, 'Warm-up', sizes.warmupTickets);
    const warmIds = await remoteTicketIds(server.url, headers, warm.id);
    const created = await createEventRemote(server.url, headers, 'Door rush', tickets);
    const rushIds = await remoteTicketIds(server.url, headers, created.id);
    if (rushIds.length !== tickets) throw new Error(`CSV gave ${rushIds.length} ids`);
    const doorEvent = await createEventRemote(server.url, headers, 'Door', window * (sizes.rushRounds + 1));
    const doorIds = await remoteTicketIds(server.url, headers, doorEvent.id);
    const token = await openDoorRemote(server.url, headers, doorEvent.id);
    clock.log(`door rush ${label}: ${n0(tickets)} + ${n0(doorIds.length)} tickets created`);

    // The ceiling answers exactly the body of a real redeem 200.
    const probe = await fetch(`${server.url}/redeem/${warmIds[0]}`);
    const body = await probe.text();
    if (probe.status !== 200) throw new Error(`probe redeem answered ${probe.status}: ${body}`);
    const bare = await startBare(body, workers);
    extra.push(bare);
    running.add(bare);
    const gone = await fetch(`${server.url}/redeem/${warmIds[0]}`);
    const goneBody = await gone.text();
    if (gone.status !== 410) throw new Error(`second probe answered ${gone.status}: ${goneBody}`);
    let bare410: Proc | undefined;
    if (store === 'sqlite') {
      bare410 = await startBare(goneBody, workers, 410, gone.headers.get('content-type') ?? 'application/json');
      extra.push(bare410);
      running.add(bare410);
    }
    if (workers > 1) await sleep(1500);
    if (store === 'postgres') {
      const pgbench = ensurePgbench((m) => clock.log(m));
      if (!pgbench.path) throw new Error(`the PostgreSQL ceiling is measured with pgbench: ${pgbench.why}`);
      const dbUrl = spec.databaseUrl;
      // Fresh rows for every run at up to 15,000 transactions a second.
      ceiling = await PgbenchCeiling.create(
        pgbench.path,
        dbUrl,
        15_000 * seconds * (2 * sizes.rushRounds + 1) + 10_000,
      );
    }

    const wrk = (url: string, ids: readonly string[], mode: WrkMode) =>
      wrkIds({ url, ids, mode, token, connections: CONNECTIONS, seconds });
    const rush = new FreshIds(rushIds, window);
    const door = new FreshIds(doorIds, window);
    // Warm-up (JIT, connections, caches), not counted: the warm-up event's tickets (the first
    // 100 after the probe become the duplicate storm's), the bare routes, door scans.
    const warmUp = await wrk(server.url, warmIds.slice(1), 'redeem');
    if (warmUp.next < 1 + DUPLICATE_TICKETS) throw new Error(`the warm-up redeemed only ${warmUp.next} tickets`);
    await wrk(bare.url, warmIds.slice(1), 'cycle');
    if (bare410) await wrk(bare410.url, warmIds.slice(1), 'cycle');
    const doorWarm = await wrk(server.url, door.next(), 'door');
    door.used(doorWarm);
    if (ceiling) await ceiling.measure(CONNECTIONS, 1);
    const dupIds = warmIds.slice(1, 1 + DUPLICATE_TICKETS);
    // wrk may hand an id to a connection that never sends it: make sure every storm ticket is
    // redeemed, so that every answer of the storm is a 410.
    for (const id of dupIds) await (await fetch(`${server.url}/redeem/${id}`)).arrayBuffer();

    const result: RushResult = {
      label,
      store,
      workers,
      tickets,
      used: 0,
      seconds,
      poolSize: store === 'postgres' ? RUSH_POOL_SIZE : undefined,
      createMs: created.ms,
      bodyBytes: Buffer.byteLength(body),
      body410Bytes: Buffer.byteLength(goneBody),
      rounds: [],
      redeemedTickets: 0,
      doorAdmitted: 0,
    };
    const doorSentBefore = door.sent;
    const doorMe = async () => {
      await sleep(300); // the requests wrk left in flight are answered
      const me = await fetch(`${server.url}/api/door/me`, { headers: { authorization: `Bearer ${token}` } });
      return ((await me.json()) as { redeemedTickets: number }).redeemedTickets;
    };
    const doorBefore = await doorMe();
    for (let round = 0; round < sizes.rushRounds; round++) {
      // The report notes the rounds left out (fewer rounds than planned).
      if (round > 0 && clock.late()) break;
      const loads: Record<string, () => Promise<unknown>> = {
        admit: async () => {
          const r = await wrk(server.url, rush.next(), 'redeem');
          rush.used(r);
          return toLoad(r);
        },
        bare: async () => toLoad(await wrk(bare.url, rushIds, 'cycle')),
        duplicate: async () => toLoad(await wrk(server.url, dupIds, 'cycle')),
        door: async () => {
          const r = await wrk(server.url, door.next(), 'door');
          door.used(r);
          return toLoad(r);
        },
      };
      if (bare410) {
        const url = bare410.url;
        loads.bare410 = async () => toLoad(await wrk(url, rushIds, 'cycle'));
      }
      const db = ceiling;
      if (db) {
        // pgbench's 64 connections come on top of the server's pools and whatever else uses this
        // PostgreSQL: a run refused for want of connections is tried once more, then left out.
        const tolerant = (clients: number) => async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              return await db.measure(clients, seconds);
            } catch (error) {
              if (attempt > 0) {
                clock.log(
                  `pgbench with ${clients} clients failed, left out of this round: ${String(error).slice(0, 200)}`,
                );
                return undefined;
              }
              await sleep(2000);
            }
          }
        };
        loads.pgbench = tolerant(CONNECTIONS);
        loads.pgbenchPool = tolerant(RUSH_POOL_SIZE * workers);
      }
      // Each load takes its turn at going first, so drift on a busy machine favours none.
      const names = Object.keys(loads);
      const measured: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length] as string;
        measured[name] = await (loads[name] as () => Promise<unknown>)();
      }
      const m = measured as unknown as RushResult['rounds'][number];
      result.rounds.push(m);
      clock.log(
        `door rush ${label} round ${round + 1}/${sizes.rushRounds}: ${n0(m.admit.okPerSec)} redeems/s (p50 ${f(m.admit.p50)} ms, p99 ${f(m.admit.p99)} ms, non-2xx ${m.admit.non2xx}) vs bare ${n0(m.bare.rps)} req/s (${f(m.admit.okPerSec / m.bare.rps, 2)}); duplicates ${n0(m.duplicate.non2xx / m.duplicate.seconds)} 410s/s; door ${n0(m.door.okPerSec)}/s${m.pgbench ? `; pgbench ${n0(m.pgbench.tps)} tps (${m.pgbench.clients} clients), ${n0(m.pgbenchPool?.tps ?? Number.NaN)} tps (${m.pgbenchPool?.clients} clients)` : ''}`,
      );
    }
    if (store === 'sqlite' && !clock.late()) {
      // The command the original Flask implementation was measured with (about 300 redeems/s).
      const ids = rushIds.slice(rush.position);
      const r = await wrkIds({
        url: server.url,
        ids,
        mode: 'redeem',
        connections: 16,
        threads: 2,
        seconds: sizes.flaskSeconds,
      });
      rush.used(r);
      const compare: FlaskCompare = { threads: 2, connections: 16, seconds: sizes.flaskSeconds, load: toLoad(r) };
      result.flask = compare;
      clock.log(
        `door rush ${label}: wrk -t2 -c16 -d${sizes.flaskSeconds}s ${n0(compare.load.okPerSec)} redeems/s (p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, non-2xx ${r.non2xx})`,
      );
    }
    result.used = rush.sent;
    await sleep(300);
    result.redeemedTickets = (await eventStatus(server.url, headers, created.id)).redeemedTickets;
    result.doorSent = door.sent - doorSentBefore;
    result.doorAdmitted = (await doorMe()) - doorBefore;
    return result;
  } finally {
    ceiling?.dispose();
    for (const proc of extra) {
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
    const maxRate = bench.options.sizes.rushMaxRate;
    return await measureDoorRush(bench, {
      label: 'SQLite, 1 process',
      databaseUrl,
      store: 'sqlite',
      workers: 1,
      maxRate,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The door rush on PostgreSQL with `workers` server processes, in a fresh database dropped after. */
export async function rushOnPostgres(bench: Bench, pgUrl: string, workers: number): Promise<RushResult> {
  const db = await freshPgDatabase(pgUrl);
  try {
    const label = `PostgreSQL, WORKERS=${workers}`;
    const maxRate = bench.options.sizes.pgRushMaxRate;
    return await measureDoorRush(bench, { label, databaseUrl: db.url, store: 'postgres', workers, maxRate });
  } finally {
    await db.cleanup();
  }
}
