/**
 * Part of `npm run bench`: does a big write stop the server? A watcher redeems fresh tickets of
 * another event and calls /healthz every 20 ms (open loop: a stalled server shows as latency of
 * every request in flight) while, through the API, a 1,000,000-ticket event is created, and while
 * 500,000 tickets are added to an event that already has 2,000,000 (seeded unwatched first). The
 * same watcher also runs for a few seconds with nothing else going on, as the same run's reference.
 * SQLite, then PostgreSQL when a server is given.
 * Run alone: npm run bench:watch [-- --quick] [-- --no-pg]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureServerBuild, registerRemote, remoteTicketIds } from '../test/processes.js';
import { createEventRemote } from './export-csv.js';
import { f, freshPgDatabase, n0, type Proc, percentile, sleep, startAdmit } from './lib.js';
import { type Bench, parseOptions, startClock, targets } from './options.js';

/** Latencies of one kind of request during one watched period. */
export interface Latencies {
  count: number;
  /** Requests that failed or answered an unexpected status. */
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

export interface WatchedWrite {
  /** What ran while watching, e.g. "creating a 1,000,000-ticket event". */
  what: string;
  tickets: number;
  /** Tickets the event already had (0 for a new event). */
  existing: number;
  /** How long the write took, from its request to its answer. */
  seconds: number;
  redeem: Latencies;
  healthz: Latencies;
}

export interface WatchResult {
  label: string;
  store: 'sqlite' | 'postgres';
  /** The watcher with nothing else running, for reference. */
  idle: { redeem: Latencies; healthz: Latencies };
  writes: WatchedWrite[];
}

/** The watcher's period between two rounds (a redeem and a /healthz each). */
export const WATCH_EVERY_MS = 20;
/** Seconds of the idle reference. */
const IDLE_SECONDS = 3;
/** How the report names the idle reference's length. */
export const IDLE_LABEL = `${IDLE_SECONDS} s`;

function summarize(samples: { ms: number; ok: boolean }[]): Latencies {
  const ms = samples.map((s) => s.ms);
  return {
    count: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length ? Math.max(...ms) : Number.NaN,
  };
}

/** Starts the watcher: every WATCH_EVERY_MS, GET /redeem of the next fresh ticket and GET /healthz. */
function startWatcher(url: string, ids: string[], from: number) {
  const samples = { redeem: [] as { ms: number; ok: boolean }[], healthz: [] as { ms: number; ok: boolean }[] };
  const inFlight = new Set<Promise<void>>();
  let next = from;
  const timed = (kind: 'redeem' | 'healthz', path: string, ok: (status: number) => boolean) => {
    const t0 = performance.now();
    const request: Promise<void> = fetch(`${url}${path}`)
      .then(async (res) => {
        await res.arrayBuffer();
        samples[kind].push({ ms: performance.now() - t0, ok: ok(res.status) });
      })
      .catch(() => {
        samples[kind].push({ ms: performance.now() - t0, ok: false });
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const timer = setInterval(() => {
    // A fresh ticket while there are any (200), then the same ones again (410): both are answers.
    timed('redeem', `/redeem/${ids[next++ % ids.length]}`, (s) => s === 200 || s === 410);
    timed('healthz', '/healthz', (s) => s === 200);
  }, WATCH_EVERY_MS);
  return {
    /** Stops sending, waits for every answer, and returns the summaries and where the next watcher starts. */
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return { redeem: summarize(samples.redeem), healthz: summarize(samples.healthz), next };
    },
  };
}

async function postJson(url: string, headers: Record<string, string>, body: object) {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return { json: JSON.parse(text) as { event?: { id: string } }, seconds: (performance.now() - t0) / 1000 };
}

async function measureOn(
  bench: Bench,
  label: string,
  store: 'sqlite' | 'postgres',
  databaseUrl: string,
): Promise<WatchResult> {
  const { clock, running, options } = bench;
  const { watchCreate, watchExisting, watchAdd, watchTickets } = options.sizes;
  // The bench makes more tickets than one account may in an hour by default: no quota here.
  const server: Proc = await startAdmit(databaseUrl, { TICKETS_PER_HOUR: '0' });
  running.add(server);
  try {
    const headers = await registerRemote(server.url, 'watch');
    const door = await createEventRemote(server.url, headers, 'Door', watchTickets);
    const ids = await remoteTicketIds(server.url, headers, door.id);
    let next = 0;
    const watched = async <T>(during: () => Promise<T>) => {
      const watcher = startWatcher(server.url, ids, next);
      await sleep(200);
      const value = await during();
      await sleep(200);
      const seen = await watcher.stop();
      next = seen.next;
      return { value, redeem: seen.redeem, healthz: seen.healthz };
    };

    const idle = await watched(() => sleep(IDLE_SECONDS * 1000));
    clock.log(`watch ${label}: idle redeem p99 ${f(idle.redeem.p99)} ms, max ${f(idle.redeem.max)} ms`);
    const result: WatchResult = { label, store, idle: { redeem: idle.redeem, healthz: idle.healthz }, writes: [] };

    const created = await watched(() =>
      postJson(`${server.url}/api/events`, headers, { name: 'Huge', date: '2026-12-31', initialTickets: watchCreate }),
    );
    result.writes.push({
      what: `creating a ${n0(watchCreate)}-ticket event`,
      tickets: watchCreate,
      existing: 0,
      seconds: created.value.seconds,
      redeem: created.redeem,
      healthz: created.healthz,
    });
    clock.log(
      `watch ${label}: ${n0(watchCreate)} created in ${f(created.value.seconds, 1)} s; redeem p99 ${f(created.redeem.p99)} / max ${f(created.redeem.max)} ms, healthz p99 ${f(created.healthz.p99)} / max ${f(created.healthz.max)} ms`,
    );

    // The event that already has watchExisting tickets, written unwatched.
    const first = Math.min(watchExisting, 1_000_000);
    const big = await createEventRemote(server.url, headers, 'Big', first);
    for (let have = first; have < watchExisting; have += 1_000_000) {
      const count = Math.min(1_000_000, watchExisting - have);
      await postJson(`${server.url}/api/events/${big.id}/tickets`, headers, { count });
    }
    clock.log(`watch ${label}: an event of ${n0(watchExisting)} tickets ready`);
    const added = await watched(() =>
      postJson(`${server.url}/api/events/${big.id}/tickets`, headers, { count: watchAdd }),
    );
    result.writes.push({
      what: `adding ${n0(watchAdd)} tickets to an event of ${n0(watchExisting)}`,
      tickets: watchAdd,
      existing: watchExisting,
      seconds: added.value.seconds,
      redeem: added.redeem,
      healthz: added.healthz,
    });
    clock.log(
      `watch ${label}: ${n0(watchAdd)} added in ${f(added.value.seconds, 1)} s; redeem p99 ${f(added.redeem.p99)} / max ${f(added.redeem.max)} ms, healthz p99 ${f(added.healthz.p99)} / max ${f(added.healthz.max)} ms`,
    );
    return result;
  } finally {
    await server.stop();
    running.delete(server);
  }
}

/** The watch on a fresh SQLite file, then on a fresh PostgreSQL database when the run has one. */
export async function measureWatch(bench: Bench): Promise<WatchResult[]> {
  const out: WatchResult[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  try {
    out.push(await measureOn(bench, 'SQLite', 'sqlite', `sqlite:${path.join(dir, 'admit.db')}`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const { pgUrl } = bench.options;
  if (pgUrl && !bench.clock.late()) {
    const db = await freshPgDatabase(pgUrl);
    try {
      out.push(await measureOn(bench, 'PostgreSQL', 'postgres', db.url));
    } finally {
      await db.cleanup();
    }
  }
  return out;
}

/** Whether a watched write met the targets: every request answered, p99 and max within bounds. */
export function watchMet(write: WatchedWrite): boolean {
  return [write.redeem, write.healthz].every(
    (l) => l.failed === 0 && l.p99 <= targets.watchP99Ms && l.max <= targets.watchMaxMs,
  );
}

async function main() {
  const options = parseOptions(process.argv.slice(2), process.env);
  const bench: Bench = { options, clock: startClock(60), running: new Set<Proc>() };
  process.on('SIGINT', () => {
    for (const p of bench.running) p.child.kill('SIGKILL');
    process.exit(130);
  });
  ensureServerBuild();
  const results = await measureWatch(bench);
  console.log('');
  for (const r of results) {
    const line = (what: string, l: Latencies) =>
      `  ${what.padEnd(10)} ${n0(l.count).padStart(6)} answers, ${l.failed} failed; p50 ${f(l.p50).padStart(6)} ms, p99 ${f(l.p99).padStart(6)} ms, max ${f(l.max).padStart(6)} ms`;
    console.log(`${r.label}, idle:`);
    console.log(line('redeem', r.idle.redeem));
    console.log(line('/healthz', r.idle.healthz));
    for (const w of r.writes) {
      console.log(`${r.label}, while ${w.what} (${f(w.seconds, 1)} s): ${watchMet(w) ? 'PASS' : 'MISS'}`);
      console.log(line('redeem', w.redeem));
      console.log(line('/healthz', w.healthz));
    }
  }
  console.log(`targets: p99 ≤ ${targets.watchP99Ms} ms, max ≤ ${targets.watchMaxMs} ms, every request answered`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
