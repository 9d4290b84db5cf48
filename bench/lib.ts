/**
 * Helpers shared by the benchmarks: server processes, PostgreSQL databases, autocannon runs,
 * /proc sampling, statistics, and the events seeded for the read benchmarks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import type { Store } from '../server/db/database.js';
import { nowIso } from '../server/domain/common.js';
import { COUNTER_SLOTS } from '../server/domain/events/event-counters.js';
import { freshPostgres } from '../test/databases.js';
import { freePort, listeningWorkers } from '../test/processes.js';

export const root = path.resolve(import.meta.dirname, '..');

export interface Proc {
  url: string;
  pid: number;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Spawns a Node process listening on PORT and waits until `healthPath` answers 200. */
async function spawnListening(
  nodeArgs: string[],
  env: Record<string, string>,
  healthPath: string,
  label: string,
): Promise<Proc> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, nodeArgs, {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${label} exited during start:\n${output}`);
    try {
      const res = await fetch(`${url}${healthPath}`);
      await res.arrayBuffer();
      if (res.ok) return { url, pid: child.pid as number, child, output: () => output, stop };
    } catch {}
    await sleep(100);
  }
  await stop('SIGKILL');
  throw new Error(`${label} did not become healthy:\n${output}`);
}

/**
 * The compiled Admit server as `npm start` runs it (scripts/start-server.mjs: MALLOC_ARENA_MAX=2
 * unless set), API only, warn logging.
 */
export async function startAdmit(databaseUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
  const server = await spawnListening(
    [...nodeArgs, path.join(root, 'dist', 'node', 'server', 'server.js')],
    {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      WEB_ROOT: '',
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      ...env,
    },
    '/healthz',
    'Admit server',
  );
  // With WORKERS > 1, /healthz answers once the first worker listens.
  const workers = Number(env.WORKERS ?? 1);
  if (workers > 1) {
    await listeningWorkers(server, workers, 30_000).catch(async (err) => {
      await server.stop('SIGKILL');
      throw err;
    });
  }
  return server;
}

/** The ceiling: a bare Fastify route answering `body` (JSON) on GET /redeem/:id, in `workers` processes. */
export function startBare(body: string, workers = 1, status = 200, type = 'application/json') {
  return spawnListening(
    ['--import', 'tsx', path.join(root, 'bench', 'bare-server.ts')],
    {
      BARE_BODY: body,
      WORKERS: String(workers),
      BARE_STATUS: String(status),
      BARE_TYPE: type,
      // The process settings the bench gives Admit (startAdmit).
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      LOG_LEVEL: 'warn',
    },
    '/ready',
    'bare server',
  );
}

export function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident set size of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(pid: number, everyMs = 20) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssMb(pid));
    },
  };
}

/** A freshly created PostgreSQL database (`admit_bench_<random>`), dropped by cleanup. */
export function freshPgDatabase(adminUrl: string): Promise<{ url: string; cleanup: () => Promise<void> }> {
  return freshPostgres(adminUrl, 'admit_bench');
}

export interface Measured {
  result: autocannon.Result;
  /** From the start to the last response, measured here: autocannon's own duration is rounded up to its 1 s sampling tick. */
  seconds: number;
}

/** Runs autocannon and resolves with its result; `maxSeconds` stops a run that would not end by itself. */
export function cannon(opts: autocannon.Options, maxSeconds: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const t0 = performance.now();
    let last = t0;
    const instance = autocannon(opts, (err, result) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve({ result, seconds: (last - t0) / 1000 });
    });
    instance.on('response', () => {
      last = performance.now();
    });
    timer = setTimeout(() => instance.stop(), maxSeconds * 1000);
  });
}

/** A request list whose single entry takes the next id of `ids` each time a request is built. */
export function idRequests(ids: readonly string[], cycle: boolean): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'GET',
      setupRequest: (req) => {
        const id = ids[cycle ? next % ids.length : Math.min(next, ids.length - 1)];
        next++;
        req.path = `/redeem/${id}`;
        return req;
      },
    },
  ];
}

/** Count of responses with this status code in an autocannon result. */
/** A time-ordered UUID (v7), as the door page draws its scan ids: the scan log's index then grows at its end. */
export function uuidv7(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Door scans of `ids`, one POST /api/door/scans each with a fresh scanId (v7, as the door page draws them), as a door session with
 * this token sends them (each request takes the next id).
 */
export function doorScanRequests(ids: readonly string[], token: string): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/api/door/scans',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      setupRequest: (req) => {
        const id = ids[Math.min(next, ids.length - 1)];
        next++;
        req.body = JSON.stringify({ code: id, scanId: uuidv7() });
        return req;
      },
    },
  ];
}

/** A door link of the event and a door session opened with it: the session's bearer token. */
export async function openDoorRemote(url: string, headers: Record<string, string>, eventId: string): Promise<string> {
  const link = await fetch(`${url}/api/events/${eventId}/door-links`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Bench gate' }),
  });
  if (link.status !== 201) throw new Error(`door link answered ${link.status}`);
  const { secret } = (await link.json()) as { secret: string };
  const session = await fetch(`${url}/api/door/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret, deviceName: 'bench' }),
  });
  if (session.status !== 201) throw new Error(`door session answered ${session.status}`);
  return ((await session.json()) as { token: string }).token;
}

export function statusCount(result: autocannon.Result, code: number): number {
  return result.statusCodeStats?.[`${code}` as `${number}`]?.count ?? 0;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Times `count` sequential GETs (after `warmup` untimed ones); returns latencies in ms. */
export async function timeGets(
  url: () => string,
  headers: Record<string, string>,
  count: number,
  warmup = 10,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const t0 = performance.now();
    const res = await fetch(url(), { headers });
    await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`GET ${url()} answered ${res.status}`);
    if (i >= warmup) times.push(ms);
  }
  return times;
}

/** Thousands separators. */
export function n0(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function f(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

const adjectives = ['Summer', 'Winter', 'Midnight', 'Grand', 'Little', 'Open', 'Royal', 'Electric'];
const genres = ['Jazz', 'Rock', 'Folk', 'Techno', 'Opera', 'Comedy', 'Poetry', 'Film', 'Food', 'Dance'];
const nouns = ['Night', 'Festival', 'Session', 'Gala', 'Market', 'Marathon', 'Evening', 'Weekend'];

/** Inserts `count` events of one owner straight into the SQLite file, rows shaped as createEvent makes them. */
export function seedEvents(file: string, ownerId: string, count: number): number {
  const t0 = performance.now();
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  const insertEvent = db.prepare(
    'insert into events (id, owner_id, name, name_key, date, initial_tickets, additional_tickets, created_at) values (?, ?, ?, ?, ?, 1, 0, ?)',
  );
  const insertCounter = db.prepare('insert into event_counters (event_seq, slot, redeemed) values (?, ?, 0)');
  const insertBatch = db.prepare('insert into ticket_batches (id, event_seq, count, created_at) values (?, ?, 1, ?)');
  const insertTicket = db.prepare('insert into tickets (id, event_seq, batch_seq) values (?, ?, ?)');
  const base = Date.UTC(2026, 0, 1);
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const name = `${adjectives[i % 8]} ${genres[Math.floor(i / 8) % 10]} ${nouns[Math.floor(i / 80) % 8]} ${i}`;
      const date = new Date(base + (i % 730) * 86_400_000).toISOString().slice(0, 10);
      const createdAt = new Date(base - (count - i) * 1000).toISOString();
      const eventSeq = insertEvent.run(
        randomUUID(),
        ownerId,
        name,
        name.toLowerCase(),
        date,
        createdAt,
      ).lastInsertRowid;
      for (let slot = 0; slot < COUNTER_SLOTS; slot++) insertCounter.run(eventSeq, slot);
      const batchSeq = insertBatch.run(randomUUID(), eventSeq, createdAt).lastInsertRowid;
      insertTicket.run(randomUUID(), eventSeq, batchSeq);
    }
  })();
  db.close();
  return performance.now() - t0;
}

/** A user to own a bench's events, written straight into the store (no password to check). */
export async function newOwner(store: Store): Promise<string> {
  const id = randomUUID();
  await store.db
    .insertInto('users')
    .values({ id, username: id, username_key: id, password_hash: 'x', created_at: nowIso() })
    .execute();
  return id;
}
