/**
 * Part of `npm run bench` (`--only live`): what live streams cost the door and how fast they are.
 * One event, door scans by wrk (POST /api/door/scans, tickets never scanned before) in
 * alternating rounds without and with 500 open streams of the same event
 * (GET /api/events/:eventId/live); the door's throughput in both, and the
 * latency from a scan to the first frame of each stream that covers it (a `scan` or `counters`
 * frame whose id is at or past the scan's place in the log), p50/p95 over a sample of scans and
 * streams. A scan's time is its `at`, taken as the door decides it, just before the commit: the
 * latency is counted from a little before the commit, never after.
 *
 * The 500 streams are read by a process of their own (bench/live-subscribers.ts, raw sockets, at
 * nice 19), not by this one: on 2 cores, 500 HTTP clients parsing every frame in the bench's own
 * process took the CPU the server needed and made the streams look 2-9 times as costly as they
 * are. Their CPU time is reported (clientCpuMs), and so is the server's CPU time per door scan
 * with and without the streams (its own cost, less sensitive to a loaded machine than rates).
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import { f, freshPgDatabase, median, n0, openDoorRemote, percentile, sleep, startAdmit } from './lib.js';
import type { Bench } from './options.js';
import { hasWrk, type WrkResult, wrkIds, wrkPath } from './wrk.js';

export interface LiveResult {
  label: string;
  subscribers: number;
  rounds: { without: WrkResult; with: WrkResult }[];
  /** Door scans a second, median of the rounds, without and with the streams. */
  without: number;
  with: number;
  /** The server's CPU time per door scan, µs, median of the rounds, without and with the streams. */
  serverCpuUs: { without: number; with: number };
  /** CPU the subscribers' process used while the door ran, ms per second (its cost on the same 2 cores). */
  clientCpuMsPerS: number;
  /** Latency from a scan to its stream frames, ms. */
  p50: number;
  p95: number;
  samples: number;
}

const SUBSCRIBERS = 500;
const CONNECTIONS = 64;

/** One sampled stream: the last id of each chunk received, as (id, time received). */
interface Stream {
  frames: [number, number][];
}

/** The subscribers' process: opens `count` streams of `url`, reports the sampled streams' frames and its CPU time. */
async function startSubscribers(url: string, token: string, count: number) {
  const child = spawn(
    'nice',
    ['-n', '19', process.execPath, '--import', 'tsx', path.join(import.meta.dirname, 'live-subscribers.ts')],
    {
      env: { ...process.env, LIVE_URL: url, LIVE_TOKEN: token, LIVE_COUNT: String(count) },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let out = '';
  let exited = false;
  child.once('exit', () => {
    exited = true;
    for (const w of waiters.splice(0)) w();
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    let cut = out.indexOf('\n');
    while (cut !== -1) {
      lines.push(out.slice(0, cut));
      out = out.slice(cut + 1);
      cut = out.indexOf('\n');
    }
    for (const w of waiters.splice(0)) w();
  });
  const line = async () => {
    while (lines.length === 0) {
      if (exited) throw new Error('the subscribers process ended early');
      await new Promise<void>((r) => waiters.push(r));
    }
    return lines.shift() as string;
  };
  if ((await line()) !== 'open') throw new Error('the subscribers did not open their streams');
  return {
    report: async () => {
      child.stdin.write('report\n');
      return JSON.parse(await line()) as { cpuMs: number; streams: [number, number][][] };
    },
    close: () => {
      if (!exited) child.stdin.write('close\n');
      setTimeout(() => child.kill(), 2000).unref();
    },
  };
}

/** CPU time (user + system) a process has used, ms, from /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The `at` of the event's scans after `after`, by seq. */
async function scanTimes(databaseUrl: string, eventId: string, after: number): Promise<Map<number, number>> {
  const query = `select s.seq, s.at from scans s join events e on e.seq = s.event_seq where e.id = $id and s.seq > $after`;
  const times = new Map<number, number>();
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new SqliteDatabase(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      const rows = db.prepare(query).all({ id: eventId, after }) as { seq: number; at: string }[];
      for (const r of rows) times.set(Number(r.seq), Date.parse(r.at));
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(query.replace('$id', '$1').replace('$after', '$2'), [eventId, after]);
      for (const r of rows as { seq: string; at: string }[]) times.set(Number(r.seq), Date.parse(r.at));
    } finally {
      await client.end();
    }
  }
  return times;
}

/** For a sample of scans and streams: from the scan's time to the first frame of the stream covering it. */
function latencies(times: Map<number, number>, streams: Stream[]): number[] {
  const seqs = [...times.keys()].sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(seqs.length / 200));
  const out: number[] = [];
  for (let i = 0; i < seqs.length; i += step) {
    const seq = seqs[i] as number;
    const at = times.get(seq) as number;
    for (const stream of streams) {
      // Ids only grow along a stream: the first frame at or past the scan.
      let lo = 0;
      let hi = stream.frames.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((stream.frames[mid] as [number, number])[0] >= seq) hi = mid;
        else lo = mid + 1;
      }
      const frame = stream.frames[lo];
      if (frame) out.push(Math.max(0, frame[1] - at));
    }
  }
  return out;
}

async function measureLive(bench: Bench, label: string, databaseUrl: string, maxRate: number) {
  const { clock, running, options } = bench;
  if (!hasWrk()) {
    clock.log(`live: no wrk at ${wrkPath}; left out`);
    return undefined;
  }
  const { doorRounds: rounds, doorSeconds: seconds } = options.sizes;
  const perRound = maxRate * seconds;
  const tickets = perRound * (2 * rounds + 1);
  const server = await startAdmit(databaseUrl, { LIVE_STREAMS_PER_SESSION: String(SUBSCRIBERS * 2) });
  running.add(server);
  let subscribers: Awaited<ReturnType<typeof startSubscribers>> | undefined;
  try {
    const headers = await registerRemote(server.url, 'live');
    const event = await createEventRemote(server.url, headers, 'Live', tickets);
    const ids = await remoteTicketIds(server.url, headers, event.id);
    const token = await openDoorRemote(server.url, headers, event.id);
    const ownerToken = (headers.authorization as string).slice('Bearer '.length);
    const liveUrl = `${server.url}/api/events/${event.id}/live`;
    clock.log(`live ${label}: ${n0(tickets)} tickets ready`);
    let next = 0;
    const door = async () => {
      const slice = ids.slice(next, next + perRound);
      next += perRound;
      const before = cpuMs(server.pid);
      const run = await wrkIds({ url: server.url, ids: slice, mode: 'door', token, connections: CONNECTIONS, seconds });
      return { run, cpuUs: ((cpuMs(server.pid) - before) * 1000) / Math.max(1, run.requests) };
    };
    await door(); // warm-up
    const result: LiveResult = {
      label,
      subscribers: SUBSCRIBERS,
      rounds: [],
      without: 0,
      with: 0,
      serverCpuUs: { without: 0, with: 0 },
      clientCpuMsPerS: 0,
      p50: 0,
      p95: 0,
      samples: 0,
    };
    const all: number[] = [];
    const cpu = { without: [] as number[], with: [] as number[], client: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      const measured: Partial<Record<'without' | 'with', WrkResult>> = {};
      for (const mode of round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        if (mode === 'without') {
          const { run, cpuUs } = await door();
          measured.without = run;
          cpu.without.push(cpuUs);
          continue;
        }
        subscribers = await startSubscribers(liveUrl, ownerToken, SUBSCRIBERS);
        await sleep(500);
        let after = 0;
        for (const seq of (await scanTimes(databaseUrl, event.id, 0)).keys()) after = Math.max(after, seq);
        const clientBefore = (await subscribers.report()).cpuMs;
        const { run, cpuUs } = await door();
        measured.with = run;
        cpu.with.push(cpuUs);
        await sleep(1500);
        const report = await subscribers.report();
        cpu.client.push((report.cpuMs - clientBefore) / (run.seconds + 1.5));
        const times = await scanTimes(databaseUrl, event.id, after);
        all.push(
          ...latencies(
            times,
            report.streams.map((frames) => ({ frames })),
          ),
        );
        subscribers.close();
        subscribers = undefined;
        await sleep(300);
      }
      const { without, with: withStreams } = measured as Record<'without' | 'with', WrkResult>;
      result.rounds.push({ without, with: withStreams });
      clock.log(
        `live ${label} round ${round}/${rounds}: door ${n0(without.rps)}/s without streams, ${n0(withStreams.rps)}/s with ${SUBSCRIBERS} (${f(withStreams.rps / without.rps, 2)}×); server CPU a scan ${f(cpu.without.at(-1) ?? 0, 0)} → ${f(cpu.with.at(-1) ?? 0, 0)} µs; subscribers ${f(cpu.client.at(-1) ?? 0, 0)} ms CPU/s`,
      );
    }
    result.without = median(result.rounds.map((r) => r.without.rps));
    result.with = median(result.rounds.map((r) => r.with.rps));
    result.serverCpuUs = { without: median(cpu.without), with: median(cpu.with) };
    result.clientCpuMsPerS = median(cpu.client);
    result.p50 = percentile(all, 50);
    result.p95 = percentile(all, 95);
    result.samples = all.length;
    clock.log(
      `live ${label}: door ${n0(result.without)}/s → ${n0(result.with)}/s with ${SUBSCRIBERS} streams (${f(result.with / result.without, 2)}×, target ≥ 0.90); server CPU a scan ${f(result.serverCpuUs.without, 0)} µs → ${f(result.serverCpuUs.with, 0)} µs; the subscribers' own process ${f(result.clientCpuMsPerS, 0)} ms CPU a second; scan to stream p50 ${f(result.p50, 0)} ms, p95 ${f(result.p95, 0)} ms (${n0(all.length)} samples)`,
    );
    return result;
  } finally {
    subscribers?.close();
    await server.stop();
    running.delete(server);
  }
}

/** On a fresh SQLite file. */
export async function liveOnSqlite(bench: Bench): Promise<LiveResult | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  try {
    return await measureLive(bench, 'SQLite, 1 process', `sqlite:${path.join(dir, 'admit.db')}`, 15_000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** On a fresh PostgreSQL database, WORKERS=1. */
export async function liveOnPostgres(bench: Bench, pgUrl: string): Promise<LiveResult | undefined> {
  const db = await freshPgDatabase(pgUrl);
  try {
    return await measureLive(bench, 'PostgreSQL, WORKERS=1', db.url, 5_000);
  } finally {
    await db.cleanup();
  }
}
