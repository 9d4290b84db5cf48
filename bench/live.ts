/**
 * Part of `npm run bench` (`--only live`): what live streams cost the door and how fast they are.
 * One event, door scans by wrk (POST /api/door/scans, tickets never scanned before) in
 * alternating rounds without and with 500 open streams of the same event
 * (GET /api/events/:eventId/live, read by this process); the door's throughput in both, and the
 * latency from a scan to the first frame of each stream that covers it (a `scan` or `counters`
 * frame whose id is at or past the scan's place in the log), p50/p95 over a sample of scans and
 * streams. A scan's time is its `at`, taken as the door decides it, just before the commit: the
 * latency is counted from a little before the commit, never after.
 */
import fs from 'node:fs';
import http from 'node:http';
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
  /** Latency from a scan to its stream frames, ms. */
  p50: number;
  p95: number;
  samples: number;
}

const SUBSCRIBERS = 500;
const CONNECTIONS = 64;

/** One stream: the frames with an id, as (id, time received). */
interface Stream {
  frames: { id: number; at: number }[];
  close: () => void;
}

function openStream(url: string, token: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const frames: { id: number; at: number }[] = [];
    const req = http.get(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`live stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      let opened = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = Date.now();
        buffer += chunk;
        const cut = buffer.lastIndexOf('\n\n');
        if (cut === -1) return;
        const whole = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const match of whole.matchAll(/^id: (\d+)$/gm)) frames.push({ id: Number(match[1]), at: now });
        if (!opened) {
          opened = true;
          resolve({ frames, close: () => req.destroy() });
        }
      });
    });
    req.on('error', (err) => reject(err));
  });
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
  const sampled = streams.filter((_s, i) => i % 10 === 0);
  const out: number[] = [];
  for (let i = 0; i < seqs.length; i += step) {
    const seq = seqs[i] as number;
    const at = times.get(seq) as number;
    for (const stream of sampled) {
      // Ids only grow along a stream: the first frame at or past the scan.
      let lo = 0;
      let hi = stream.frames.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((stream.frames[mid] as { id: number }).id >= seq) hi = mid;
        else lo = mid + 1;
      }
      const frame = stream.frames[lo];
      if (frame) out.push(Math.max(0, frame.at - at));
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
  const streams: Stream[] = [];
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
      return wrkIds({ url: server.url, ids: slice, mode: 'door', token, connections: CONNECTIONS, seconds });
    };
    await door(); // warm-up
    const result: LiveResult = {
      label,
      subscribers: SUBSCRIBERS,
      rounds: [],
      without: 0,
      with: 0,
      p50: 0,
      p95: 0,
      samples: 0,
    };
    const all: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const measured: Partial<Record<'without' | 'with', WrkResult>> = {};
      for (const mode of round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        if (mode === 'without') {
          measured.without = await door();
          continue;
        }
        for (let i = 0; i < SUBSCRIBERS; i += 50) {
          streams.push(...(await Promise.all(Array.from({ length: 50 }, () => openStream(liveUrl, ownerToken)))));
        }
        await sleep(500);
        let after = 0;
        for (const seq of (await scanTimes(databaseUrl, event.id, 0)).keys()) after = Math.max(after, seq);
        measured.with = await door();
        await sleep(1500);
        const times = await scanTimes(databaseUrl, event.id, after);
        all.push(...latencies(times, streams));
        for (const s of streams.splice(0)) s.close();
        await sleep(300);
      }
      const { without, with: withStreams } = measured as Record<'without' | 'with', WrkResult>;
      result.rounds.push({ without, with: withStreams });
      clock.log(
        `live ${label} round ${round}/${rounds}: door ${n0(without.rps)}/s without streams, ${n0(withStreams.rps)}/s with ${SUBSCRIBERS} (${f(withStreams.rps / without.rps, 2)}×)`,
      );
    }
    result.without = median(result.rounds.map((r) => r.without.rps));
    result.with = median(result.rounds.map((r) => r.with.rps));
    result.p50 = percentile(all, 50);
    result.p95 = percentile(all, 95);
    result.samples = all.length;
    clock.log(
      `live ${label}: door ${n0(result.without)}/s → ${n0(result.with)}/s with ${SUBSCRIBERS} streams (${f(result.with / result.without, 2)}×, target ≥ 0.90); scan to stream p50 ${f(result.p50, 0)} ms, p95 ${f(result.p95, 0)} ms (${n0(all.length)} samples)`,
    );
    return result;
  } finally {
    for (const s of streams) s.close();
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
