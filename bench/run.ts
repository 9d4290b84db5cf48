/**
 * `npm run bench`: the whole performance suite of issue 5, measured against the machine's own
 * ceilings in the same run, printed as a table and written to docs/performance.md.
 *
 *   npm run bench                      full run (8-13 minutes on 2 cores with PostgreSQL), writes docs/performance.md
 *   npm run bench -- --quick           smoke run with small sizes (under 2 minutes), writes to the temp folder
 *   ADMIT_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *                                      adds the PostgreSQL door rush (WORKERS=1 and 2) in a fresh database
 * Options: --only rush,create,scale  --no-pg  --out <file>
 *
 * Every server is the compiled one (`npm start`'s dist/node) on a fresh database, and all load
 * goes to 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COUNTER_SLOTS } from '../server/domain/event-counters.js';
import { TICKET_CHUNK } from '../server/domain/insert-tickets.js';
import { ensureServerBuild, registerRemote, remoteTicketIds } from '../test/processes.js';
import type { CreationResult } from './create-event.js';
import { type CsvDownload, createEventRemote, downloadCsv } from './export-csv.js';
import {
  cannon,
  f,
  freshPgDatabase,
  idRequests,
  type Measured,
  median,
  n0,
  type Proc,
  percentile,
  root,
  seedEvents,
  sleep,
  startAdmit,
  startBare,
  statusCount,
  timeGets,
} from './lib.js';

// ---------------------------------------------------------------------------------------------
// Options and sizes

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const optionValue = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = optionValue('--only')?.split(',');
const wants = (section: 'rush' | 'create' | 'scale') => !only || only.includes(section);
const pgUrl = argv.includes('--no-pg') ? undefined : (process.env.ADMIT_BENCH_PG_URL ?? process.env.ADMIT_TEST_PG_URL);

const sizes = quick
  ? {
      rushTickets: 20_000,
      pgRushTickets: 5_000,
      rushRounds: 1,
      roundMaxSeconds: 60,
      warmupTickets: 1_000,
      createTickets: 100_000,
      createRuns: 1,
      exportTickets: 100_000,
      exportRuns: 1,
      events: 10_000,
      readSamples: 200,
      readRuns: 1,
      walkMaxSeconds: 20,
    }
  : {
      rushTickets: 200_000,
      pgRushTickets: 60_000,
      rushRounds: 5,
      roundMaxSeconds: 180,
      warmupTickets: 5_000,
      createTickets: 1_000_000,
      createRuns: 3,
      exportTickets: 1_000_000,
      exportRuns: 3,
      events: 100_000,
      readSamples: 200,
      readRuns: 3,
      walkMaxSeconds: 90,
    };
const CONNECTIONS = 64;
const DUPLICATE_TICKETS = 100;
/** The deep page starts after this share of the event's tickets (900,000 of 1,000,000). */
const DEEP_SHARE = 0.9;
const PAGE_LIMIT = 500;
const SEARCH_COMMON = 'jazz';

const targets = {
  rushRatio: 0.5,
  duplicateRatio: 1,
  createSeconds: 5,
  createRatio: 2,
  csvSeconds: 5,
  csvRssMb: 200,
  p95Ms: 20,
};

const running = new Set<Proc>();
const started = Date.now();
/**
 * The whole run must end within 15 minutes (2 for --quick) even on a loaded machine: past this
 * many minutes, repeats beyond the first are skipped and PostgreSQL configurations not yet
 * started are left out (and the report says so).
 */
const SOFT_DEADLINE_MIN = quick ? 1.5 : 12.5;
const late = () => (Date.now() - started) / 60_000 > SOFT_DEADLINE_MIN;
const log = (message: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

// ---------------------------------------------------------------------------------------------
// Results

interface Load {
  requests: number;
  ok: number;
  status410: number;
  non2xx: number;
  errors: number;
  seconds: number;
  rps: number;
  okPerSec: number;
  p50: number;
  p99: number;
}

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

interface RushResult {
  label: string;
  store: 'sqlite' | 'postgres';
  workers: number;
  /** Tickets in the event. */
  tickets: number;
  /** Distinct tickets the rounds redeemed (all of them, or a subset where a full pass is too slow). */
  used: number;
  createMs: number;
  bodyBytes: number;
  body410Bytes: number;
  rounds: { admit: Load; bare: Load; duplicate: Load; bare410?: Load }[];
  redeemedTickets: number;
}

interface ScaleResult {
  tickets: number;
  createMs: number;
  csv: CsvDownload[];
  events: number;
  seedMs: number;
  searchMatches: number;
  searchP95: number[];
  searchRare: string;
  searchRareMatches: number;
  searchRareP95: number[];
  statusP95: number[];
  deepWalk: { pages: number; ms: number; startsAt: number; target: number };
  deepP95: number[];
}

const results: {
  rush: RushResult[];
  creation?: CreationResult;
  scale?: ScaleResult;
  errors: string[];
  notes: string[];
} = { rush: [], errors: [], notes: [] };

// ---------------------------------------------------------------------------------------------
// 1 + 2: door rush against the bare-route ceiling, then the duplicate storm

async function meJson(url: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/api/auth/me`, { headers });
  return ((await res.json()) as { user: { id: string } }).user;
}

async function eventStatus(url: string, headers: Record<string, string>, eventId: string) {
  const res = await fetch(`${url}/api/events/${eventId}/status`, { headers });
  if (!res.ok) throw new Error(`status answered ${res.status}`);
  return (await res.json()) as { totalTickets: number; redeemedTickets: number };
}

/** `amount` scans with 64 connections cycling over `ids` (all redeemed already: every answer a 410). */
function duplicateLoad(url: string, ids: readonly string[], amount: number) {
  return cannon(
    { url, connections: CONNECTIONS, amount, requests: idRequests(ids, true), timeout: 30 },
    sizes.roundMaxSeconds,
  );
}

/** Redeems every id once with 64 connections (each request takes the next id). */
function rushLoad(url: string, ids: readonly string[]) {
  return cannon(
    { url, connections: CONNECTIONS, amount: ids.length, requests: idRequests(ids, false), timeout: 30 },
    sizes.roundMaxSeconds,
  );
}

async function doorRush(
  label: string,
  databaseUrl: string,
  store: 'sqlite' | 'postgres',
  workers: number,
  use: number,
) {
  log(`door rush ${label}: starting server`);
  const server = await startAdmit(databaseUrl, { WORKERS: String(workers) });
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
    log(`door rush ${label}: ${n0(ids.length)} tickets created in ${f(created.ms / 1000, 2)} s`);

    // The ceiling answers exactly the body of a real redeem 200.
    const probe = await fetch(`${server.url}/redeem/${warmIds[0]}`);
    const body = await probe.text();
    if (probe.status !== 200) throw new Error(`probe redeem answered ${probe.status}: ${body}`);
    bare = await startBare(body, workers);
    running.add(bare);
    if (workers > 1) await sleep(1500);

    // Warm-up (JIT, connections, caches), not counted.
    await rushLoad(server.url, warmIds.slice(1));
    await rushLoad(bare.url, warmIds.slice(1));
    // SQLite: the duplicate storm's own ceiling, a bare route answering the real 410 problem (a
    // bigger body than the 200), shows what the HTTP answer alone costs against the 200's.
    const gone = await fetch(`${server.url}/redeem/${warmIds[0]}`);
    const goneBody = await gone.text();
    if (gone.status !== 410) throw new Error(`second probe answered ${gone.status}: ${goneBody}`);
    if (store === 'sqlite') {
      bare410 = await startBare(goneBody, workers, 410, gone.headers.get('content-type') ?? 'application/json');
      running.add(bare410);
      await rushLoad(bare410.url, warmIds.slice(1));
    }

    const result: RushResult = {
      label,
      store,
      workers,
      tickets: ids.length,
      used: Math.min(use, ids.length),
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
      if (round > 0 && late()) {
        results.notes.push(`${label}: ${round} of ${sizes.rushRounds} door-rush rounds run (time budget).`);
        break;
      }
      const slice = ids.slice(round * per, Math.min(result.used, (round + 1) * per));
      // The first scans, the bare route and the duplicate storm (as many requests, cycling over
      // the redeemed tickets) take turns at going first, so drift on a busy machine favours none.
      const loads: Record<string, () => Promise<Load>> = {
        admit: async () => summarize(await rushLoad(server.url, slice)),
        bare: async () => summarize(await rushLoad(bare?.url as string, slice)),
        duplicate: async () => summarize(await duplicateLoad(server.url, dupIds, slice.length)),
      };
      const ceiling410 = bare410?.url;
      if (ceiling410) loads.bare410 = async () => summarize(await rushLoad(ceiling410, slice));
      const names = Object.keys(loads);
      const measured: Record<string, Load> = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length] as string;
        measured[name] = await (loads[name] as () => Promise<Load>)();
      }
      const { admit, bare: ceiling, duplicate } = measured as Record<'admit' | 'bare' | 'duplicate', Load>;
      result.rounds.push({ admit, bare: ceiling, duplicate, bare410: measured.bare410 });
      sent += slice.length;
      log(
        `door rush ${label} round ${round + 1}/${sizes.rushRounds}: ${n0(admit.okPerSec)} redeems/s (p50 ${admit.p50} ms, p99 ${admit.p99} ms, non-2xx ${admit.non2xx}) vs bare ${n0(ceiling.rps)} req/s; duplicates ${n0(duplicate.status410 / duplicate.seconds)} 410s/s`,
      );
    }
    result.used = sent;
    result.redeemedTickets = (await eventStatus(server.url, headers, created.id)).redeemedTickets;
    results.rush.push(result);
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

// ---------------------------------------------------------------------------------------------
// 3: creation, in a child process of its own (its million ids and heap stay out of this one)

function creation() {
  log(`creation: ${n0(sizes.createTickets)} tickets, ${sizes.createRuns} runs of raw insert and createEvent`);
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'bench', 'create-event.ts'),
      '--tickets',
      String(sizes.createTickets),
      '--runs',
      String(sizes.createRuns),
      '--json',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 10 * 1024 * 1024, timeout: 600_000 },
  );
  const last = out.trim().split('\n').pop() ?? '{}';
  results.creation = JSON.parse(last) as CreationResult;
  const c = results.creation;
  log(`creation: raw ${f(median(c.rawMs) / 1000, 2)} s, createEvent ${f(median(c.adminMs) / 1000, 2)} s`);
}

// ---------------------------------------------------------------------------------------------
// 4 + 5: export and reads at scale, on one SQLite server

async function atScale() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  const file = path.join(dir, 'admit.db');
  log('export and reads: starting a SQLite server');
  const server = await startAdmit(`sqlite:${file}`);
  running.add(server);
  try {
    const headers = await registerRemote(server.url, 'scale');
    const user = await meJson(server.url, headers);
    const created = await createEventRemote(server.url, headers, 'Million', sizes.exportTickets);
    log(`export: ${n0(sizes.exportTickets)} tickets created through the API in ${f(created.ms / 1000, 2)} s`);
    await sleep(1000); // let the server settle (GC after the big transaction) before the RSS baseline
    const csv: CsvDownload[] = [];
    // Repeated where cheap: no further download once they have taken 20 s in all.
    const exportStart = performance.now();
    for (let run = 0; run < sizes.exportRuns && performance.now() - exportStart < 20_000; run++) {
      if (run > 0 && late()) break;
      const d = await downloadCsv(server.url, headers, created.id, server.pid);
      if (d.rows !== sizes.exportTickets) throw new Error(`CSV had ${d.rows} rows, expected ${sizes.exportTickets}`);
      csv.push(d);
      log(
        `export run ${run + 1}/${sizes.exportRuns}: ${f(d.ms / 1000, 2)} s, ${f(d.bytes / 1e6 / (d.ms / 1000))} MB/s, RSS ${f(d.rssBeforeMb, 0)} → peak ${f(d.peakRssMb, 0)} MB`,
      );
    }

    const seedMs = seedEvents(file, user.id, sizes.events);
    log(`reads: seeded ${n0(sizes.events)} events in ${f(seedMs / 1000, 2)} s`);
    const listUrl = (q: string) => `${server.url}/api/events?q=${encodeURIComponent(q)}&page=1&pageSize=20`;
    const matches = (await (await fetch(listUrl(SEARCH_COMMON), { headers })).json()) as { total: number };
    const rare = `${Math.floor(sizes.events / 2) + 7}`; // a number in one event's name
    const rareMatches = (await (await fetch(listUrl(rare), { headers })).json()) as { total: number };
    // Repeated runs where cheap: a query whose first run took over 10 s is not repeated.
    const p95s = async (url: () => string) => {
      const out: number[] = [];
      for (let run = 0; run < sizes.readRuns; run++) {
        if (run > 0 && late()) break;
        const t0 = performance.now();
        out.push(percentile(await timeGets(url, headers, sizes.readSamples), 95));
        if (performance.now() - t0 > 10_000) break;
      }
      return out;
    };
    const searchP95 = await p95s(() => listUrl(SEARCH_COMMON));
    const searchRareP95 = await p95s(() => listUrl(rare));
    const statusP95 = await p95s(() => `${server.url}/api/events/${created.id}/status`);
    log(
      `reads: search p95 ${f(median(searchP95))} ms (${n0(matches.total)} matches), rare ${f(median(searchRareP95))} ms, status p95 ${f(median(statusP95))} ms`,
    );

    // Walk the cursor to ticket ~900,000, then time that deep page over and over.
    const target = Math.floor(sizes.exportTickets * DEEP_SHARE);
    const ticketsUrl = (cursor: string | null) =>
      `${server.url}/api/events/${created.id}/tickets?limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    let cursor: string | null = null;
    let seen = 0;
    let pages = 0;
    const walkStart = performance.now();
    // Bounded by count and by time: if deep pages get slow the walk stops where it got to.
    while (seen < target && pages < 10_000 && performance.now() - walkStart < sizes.walkMaxSeconds * 1000) {
      const res = await fetch(ticketsUrl(cursor), { headers });
      const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
      if (!res.ok || !page.nextCursor) throw new Error(`tickets page ${pages} answered ${res.status}`);
      seen += page.items.length;
      cursor = page.nextCursor;
      pages++;
    }
    const walkMs = performance.now() - walkStart;
    const deepCursor = cursor;
    const deepP95 = await p95s(() => ticketsUrl(deepCursor));
    log(
      `reads: walked ${n0(pages)} pages to ticket ${n0(seen)} (${f(walkMs / pages)} ms a page), deep page p95 ${f(median(deepP95))} ms`,
    );
    results.scale = {
      tickets: sizes.exportTickets,
      createMs: created.ms,
      csv,
      events: sizes.events,
      seedMs,
      searchMatches: matches.total,
      searchP95,
      searchRare: rare,
      searchRareMatches: rareMatches.total,
      searchRareP95,
      statusP95,
      deepWalk: { pages, ms: walkMs, startsAt: seen, target },
      deepP95,
    };
  } finally {
    await server.stop();
    running.delete(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

type Verdict = 'PASS' | 'MISS' | 'FAIL' | '';
interface Row {
  measure: string;
  admit: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

const verdict = (ok: boolean): Verdict => (ok ? 'PASS' : 'MISS');

function rows(): Row[] {
  const out: Row[] = [];
  for (const r of results.rush) {
    const okPerSec = median(r.rounds.map((x) => x.admit.okPerSec));
    const bareRps = median(r.rounds.map((x) => x.bare.rps));
    // Each round pairs Admit with the bare route seconds apart; the median of the paired ratios
    // cancels most of the drift of a busy machine.
    const ratio = median(r.rounds.map((x) => x.admit.okPerSec / x.bare.rps));
    const ok = r.rounds.reduce((s, x) => s + x.admit.ok, 0);
    const non2xx = r.rounds.reduce((s, x) => s + x.admit.non2xx, 0);
    const errors = r.rounds.reduce((s, x) => s + x.admit.errors, 0);
    out.push({
      measure: `Door rush, ${r.label}: redeems/s (${r.used === r.tickets ? '' : `${n0(r.used)} of `}${n0(r.tickets)} tickets, ${CONNECTIONS} conns)`,
      admit: n0(okPerSec),
      reference: `bare route ${n0(bareRps)} req/s`,
      ratio: `${f(ratio * 100, 0)}%`,
      target: r.store === 'sqlite' ? `≥ ${targets.rushRatio * 100}% of bare` : 'report',
      verdict: r.store === 'sqlite' ? verdict(ratio >= targets.rushRatio) : '',
    });
    out.push({
      measure: `Door rush, ${r.label}: p50 / p99 latency`,
      admit: `${f(median(r.rounds.map((x) => x.admit.p50)), 0)} / ${f(median(r.rounds.map((x) => x.admit.p99)), 0)} ms`,
      reference: `bare ${f(median(r.rounds.map((x) => x.bare.p50)), 0)} / ${f(median(r.rounds.map((x) => x.bare.p99)), 0)} ms`,
      ratio: '',
      target: '',
      verdict: '',
    });
    out.push({
      measure: `Door rush, ${r.label}: non-2xx / errors; event's redeemedTickets = 200s`,
      admit: `${n0(non2xx)} / ${n0(errors)}; ${n0(r.redeemedTickets)} = ${n0(ok)}`,
      reference: `${n0(r.used)} distinct tickets sent`,
      ratio: '',
      target: '0 non-2xx, counts equal',
      verdict: non2xx === 0 && errors === 0 && r.redeemedTickets === ok && ok === r.used ? 'PASS' : 'FAIL',
    });
    const dup = median(r.rounds.map((x) => x.duplicate.status410 / x.duplicate.seconds));
    const dupRatio = median(r.rounds.map((x) => x.duplicate.status410 / x.duplicate.seconds / x.admit.okPerSec));
    const dupOther = r.rounds.reduce((s, x) => s + x.duplicate.requests - x.duplicate.status410, 0);
    const bareRounds = r.rounds.filter((x) => x.bare410);
    const bare410Ratio = bareRounds.length
      ? median(bareRounds.map((x) => (x.bare410 as Load).rps / x.bare.rps))
      : undefined;
    out.push({
      measure: `Duplicate storm, ${r.label}: 410s/s (${DUPLICATE_TICKETS} redeemed tickets)`,
      admit: `${n0(dup)}${dupOther ? ` (${n0(dupOther)} not 410)` : ''}`,
      reference: `first scans ${n0(okPerSec)} 200s/s${bare410Ratio === undefined ? '' : `; bare route with the 410 body: ${f(bare410Ratio, 2)}× its 200 rate`}`,
      // Rounded down, so a ratio shown as 1.00× really is at least 1.
      ratio: `${f(Math.floor(dupRatio * 100) / 100, 2)}×`,
      target: '≥ 1× first scans',
      verdict: verdict(dupRatio >= targets.duplicateRatio && dupOther === 0),
    });
  }
  const c = results.creation;
  if (c) {
    const admit = median(c.adminMs) / 1000;
    const raw = median(c.rawMs) / 1000;
    out.push({
      measure: `Creation: ${n0(c.tickets)} tickets, seconds (rows/s)`,
      admit: `${f(admit, 2)} s (${n0(c.tickets / admit)}/s)`,
      reference: `raw insert ${f(raw, 2)} s (${n0(c.tickets / raw)}/s)`,
      ratio: `${f(admit / raw, 2)}×`,
      target: `≤ ${targets.createSeconds} s and ≤ ${targets.createRatio}× raw`,
      verdict: verdict(admit <= targets.createSeconds && admit / raw <= targets.createRatio),
    });
  }
  const s = results.scale;
  if (s) {
    const seconds = median(s.csv.map((d) => d.ms)) / 1000;
    const mbps = median(s.csv.map((d) => d.bytes / 1e6 / (d.ms / 1000)));
    const peak = Math.max(...s.csv.map((d) => d.peakRssMb));
    const before = s.csv[0]?.rssBeforeMb ?? Number.NaN;
    out.push({
      measure: `Export: CSV of ${n0(s.tickets)} tickets (${f((s.csv[0]?.bytes ?? 0) / 1e6)} MB)`,
      admit: `${f(seconds, 2)} s, ${f(mbps)} MB/s`,
      reference: '',
      ratio: '',
      target: `≤ ${targets.csvSeconds} s`,
      verdict: verdict(seconds <= targets.csvSeconds),
    });
    out.push({
      measure: 'Export: server RSS before / peak during download',
      admit: `${f(before, 0)} / ${f(peak, 0)} MB`,
      reference: '',
      ratio: '',
      target: `< ${targets.csvRssMb} MB`,
      verdict: verdict(peak < targets.csvRssMb),
    });
    const p95Row = (measure: string, values: number[], reference = ''): Row => ({
      measure,
      admit: `${f(median(values))} ms`,
      reference,
      ratio: '',
      target: `≤ ${targets.p95Ms} ms`,
      verdict: verdict(median(values) <= targets.p95Ms),
    });
    out.push(
      p95Row(
        `Reads: event search p95, ${n0(s.events)} events, q=${SEARCH_COMMON}`,
        s.searchP95,
        `${n0(s.searchMatches)} matches`,
      ),
    );
    out.push(
      p95Row(
        `Reads: event search p95, ${n0(s.events)} events, q=${s.searchRare}`,
        s.searchRareP95,
        `${n0(s.searchRareMatches)} match${s.searchRareMatches === 1 ? '' : 'es'}`,
      ),
    );
    out.push(p95Row(`Reads: event status p95, ${n0(s.tickets)}-ticket event`, s.statusP95));
    out.push(
      p95Row(
        `Reads: tickets page p95 after ticket ${n0(s.deepWalk.startsAt)} (limit ${PAGE_LIMIT})`,
        s.deepP95,
        `walk ${f(s.deepWalk.ms / s.deepWalk.pages)} ms/page${s.deepWalk.startsAt < s.deepWalk.target ? `; walk stopped by its ${sizes.walkMaxSeconds} s budget before ${n0(s.deepWalk.target)}` : ''}`,
      ),
    );
  }
  for (const e of results.errors) {
    out.push({ measure: 'ERROR', admit: e.slice(0, 200), reference: '', ratio: '', target: '', verdict: 'FAIL' });
  }
  return out;
}

function textTable(table: Row[]): string {
  const header: Row = {
    measure: 'Measure',
    admit: 'Admit',
    reference: 'Reference (same run)',
    ratio: 'Ratio',
    target: 'Target',
    verdict: '' as Verdict,
  };
  const all = [header, ...table];
  const keys = ['measure', 'admit', 'reference', 'ratio', 'target', 'verdict'] as const;
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  return all
    .map((r, i) => {
      const line = keys.map((k, j) => r[k].padEnd(widths[j] as number)).join('  ');
      return i === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
    })
    .join('\n');
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}`,
    memory: `${f(os.totalmem() / 1024 ** 3, 1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
  };
}

function markdown(table: Row[], minutes: number, startLoad: string): string {
  const m = machine();
  const md = (v: string) => v.replace(/\|/g, '\\|');
  const lines: string[] = [];
  lines.push('# Performance');
  lines.push('');
  lines.push(
    `Generated by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${f(minutes, 1)} minutes${quick ? ' (**quick smoke run: small sizes, not the real figures**)' : ''}. Every comparison below was measured in the same run, on the same machine, seconds to minutes apart, so the ratios mean more than the absolute numbers on a shared machine.`,
  );
  lines.push('');
  lines.push('## Machine');
  lines.push('');
  lines.push(`- CPU: ${m.cpu}`);
  lines.push(`- Memory: ${m.memory}`);
  lines.push(`- Node.js: ${m.node}; OS: ${m.os}`);
  lines.push(`- Load average at start / end: ${startLoad} / ${m.load} (the machine is shared; see the ratios)`);
  lines.push(
    `- Load generator: autocannon in one Node.js thread on the same machine, ${CONNECTIONS} connections, no pipelining; servers are the compiled \`dist/node\` build with the environment \`npm start\` gives it (\`MALLOC_ARENA_MAX=2\`), \`LOG_LEVEL=warn\`, API only`,
  );
  lines.push('');
  lines.push('## Results');
  lines.push('');
  lines.push('| Measure | Admit | Reference (same run) | Ratio | Target | Result |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of table) {
    lines.push(
      `| ${md(r.measure)} | ${md(r.admit)} | ${md(r.reference)} | ${md(r.ratio)} | ${md(r.target)} | ${r.verdict ? `**${r.verdict}**` : ''} |`,
    );
  }
  lines.push('');
  lines.push('## Details');
  lines.push('');
  for (const r of results.rush) {
    lines.push(`### Door rush and duplicate storm: ${r.label}`);
    lines.push('');
    lines.push(
      `One event of ${n0(r.tickets)} tickets created with one POST (${f(r.createMs / 1000, 2)} s), ids read back from its CSV, then ${r.used === r.tickets ? 'all of them' : `the first ${n0(r.used)} of them (a full pass of every configuration would not fit the 15-minute budget on this machine)`} redeemed in ${r.rounds.length} round${r.rounds.length > 1 ? 's' : ''} of about ${n0(r.used / r.rounds.length)} distinct tickets each (each ticket exactly once, ${CONNECTIONS} connections, each request taking the next id). Each round is paired with the same number of requests to a bare Fastify route in a separate process (${r.workers} process${r.workers > 1 ? 'es' : ''}) answering a constant ${r.bodyBytes}-byte JSON body (the real redeem 200 body), and with a duplicate storm of as many requests: ${CONNECTIONS} connections cycling over ${DUPLICATE_TICKETS} already redeemed tickets (of the warm-up event), every answer a 410.${r.rounds.some((x) => x.bare410) ? ` A second bare route answers the real ${r.body410Bytes}-byte 410 problem with its status and content type: the duplicate storm's own ceiling.` : ''} They take turns at going first; each ratio in the table is the median of the per-round ratios. A warm-up of ${n0(sizes.warmupTickets - 1)} redemptions on another event and the same against the bare route come first and are not counted.`,
    );
    lines.push('');
    const with410 = r.rounds.some((x) => x.bare410);
    lines.push(
      `| Round | Admit 200s/s | p50 / p99 ms | non-2xx | Bare req/s | p50 / p99 ms | Admit / bare | Duplicate 410s/s | p50 / p99 ms | Duplicate / first |${with410 ? ' Bare 410 req/s | Bare 410 / bare 200 |' : ''}`,
    );
    lines.push(`|---|---|---|---|---|---|---|---|---|---|${with410 ? '---|---|' : ''}`);
    r.rounds.forEach((x, i) => {
      const d = x.duplicate;
      const b = x.bare410;
      lines.push(
        `| ${i + 1} | ${n0(x.admit.okPerSec)} | ${x.admit.p50} / ${x.admit.p99} | ${x.admit.non2xx} | ${n0(x.bare.rps)} | ${x.bare.p50} / ${x.bare.p99} | ${f((x.admit.okPerSec / x.bare.rps) * 100, 0)}% | ${n0(d.status410 / d.seconds)} | ${d.p50} / ${d.p99} | ${f(d.status410 / d.seconds / x.admit.okPerSec, 2)}× |${b ? ` ${n0(b.rps)} | ${f(b.rps / x.bare.rps, 2)}× |` : ''}`,
      );
    });
    lines.push('');
    lines.push(
      `Afterwards the event's \`redeemedTickets\` was ${n0(r.redeemedTickets)}; the rounds received ${n0(r.rounds.reduce((s, x) => s + x.admit.ok, 0))} 200s.`,
    );
    lines.push('');
  }
  const c = results.creation;
  if (c) {
    lines.push('### Creation');
    lines.push('');
    lines.push(
      `An event with ${n0(c.tickets)} tickets on a fresh SQLite file, in a separate process. Admit: the \`createEvent\` domain function (the same code as \`POST /api/events\`, without HTTP). Raw: the same rows (event, ${COUNTER_SLOTS} counter slots, batch, tickets with random v4 ids from the server's own generator, \`sortedTicketIds\`, in the same ascending order; generating them is timed in both) with the same schema, indexes and pragmas (read back from a store opened by the server's \`openStore\`), inserted by one prepared ${n0(TICKET_CHUNK)}-row INSERT statement (as many rows as Admit's) in one better-sqlite3 transaction, without Kysely. Runs alternate raw / Admit; median of ${c.rawMs.length}.`,
    );
    lines.push('');
    lines.push(`- raw: ${c.rawMs.map((ms) => `${f(ms / 1000, 2)} s`).join(', ')}`);
    lines.push(`- createEvent: ${c.adminMs.map((ms) => `${f(ms / 1000, 2)} s`).join(', ')}`);
    lines.push('');
  }
  const s = results.scale;
  if (s) {
    lines.push('### Export and reads at scale');
    lines.push('');
    lines.push(
      `One SQLite server process. An event of ${n0(s.tickets)} tickets created with one POST (${f(s.createMs / 1000, 2)} s), then its CSV (\`status=all\`) downloaded ${s.csv.length} time${s.csv.length > 1 ? 's' : ''} (up to ${sizes.exportRuns}, no further download once they have taken 20 s in all) while the server's VmRSS was sampled every 20 ms from /proc: ${s.csv.map((d) => `${f(d.ms / 1000, 2)} s, RSS ${f(d.rssBeforeMb, 0)} → ${f(d.peakRssMb, 0)} MB`).join('; ')}.`,
    );
    lines.push('');
    lines.push(
      `Then ${n0(s.events)} more events of the same user were inserted straight into the database file (${f(s.seedMs / 1000, 2)} s; rows as \`createEvent\` makes them, ${COUNTER_SLOTS} counter slots and one batch and ticket each). Each p95 is over ${sizes.readSamples} sequential requests after 10 untimed ones, median of up to ${sizes.readRuns} runs (one run when a run takes over 10 s); per run: search \`GET /api/events?q=${SEARCH_COMMON}&page=1&pageSize=20\` (${n0(s.searchMatches)} matches) ${s.searchP95.map((v) => f(v)).join(', ')} ms; a rare query (\`q=${s.searchRare}\`, ${n0(s.searchRareMatches)} match${s.searchRareMatches === 1 ? '' : 'es'}) ${s.searchRareP95.map((v) => f(v)).join(', ')} ms; \`GET /api/events/:id/status\` ${s.statusP95.map((v) => f(v)).join(', ')} ms. The deep page: ${n0(s.deepWalk.pages)} pages of ${PAGE_LIMIT} followed through \`nextCursor\` to ticket ${n0(s.deepWalk.startsAt)} (${f(s.deepWalk.ms / 1000, 1)} s, ${f(s.deepWalk.ms / s.deepWalk.pages)} ms a page${s.deepWalk.startsAt < s.deepWalk.target ? `; the walk is bounded to ${sizes.walkMaxSeconds} s and stopped before ticket ${n0(s.deepWalk.target)} because pages get slower the deeper they are` : ''}), then that page fetched again and again: ${s.deepP95.map((v) => f(v)).join(', ')} ms.`,
    );
    lines.push('');
  }
  if (!results.rush.some((r) => r.store === 'postgres')) {
    lines.push(
      'PostgreSQL was not measured in this run: set `ADMIT_BENCH_PG_URL` (or `ADMIT_TEST_PG_URL`) to a server where the user may create databases.',
    );
    lines.push('');
  }
  for (const note of results.notes) {
    lines.push(`Note: ${note}`);
    lines.push('');
  }
  lines.push('## How to reproduce');
  lines.push('');
  lines.push('```sh');
  lines.push('npm install');
  lines.push('npm run bench                 # SQLite parts, 4-8 minutes on 2 cores; writes docs/performance.md');
  lines.push('ADMIT_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench');
  lines.push(
    '                              # adds PostgreSQL (WORKERS=1 and 2, about 4 minutes more) in a fresh admit_bench_* database, dropped after',
  );
  lines.push('npm run bench -- --quick      # smoke run with small sizes, under 2 minutes, writes to the temp folder');
  lines.push('npm run bench -- --only rush  # one part: rush, create or scale (export and reads)');
  lines.push('npm run bench:profile         # CPU profile of the SQLite door-rush server, top self-time functions');
  lines.push('npm run bench:create          # creation alone: createEvent against the raw insert');
  lines.push('npm run bench:export          # one 1,000,000-ticket CSV download with the server RSS');
  lines.push('npm run bench:search          # events-list search plans, in process, 100,000 events');
  lines.push('```');
  lines.push('');
  lines.push(
    'The bench compiles the server (`scripts/ensure-server-build.mjs`), starts every server itself on a fresh database with `HOST=127.0.0.1`, and sends load only to 127.0.0.1. The PostgreSQL user must be allowed to create databases. Absolute numbers depend on the machine and on what else runs on it; compare the ratios.',
  );
  lines.push('');
  lines.push(
    'What was profiled and fixed to reach these figures, with the figures before and after each fix: [performance-history.md](performance-history.md).',
  );
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function section(name: string, run: () => Promise<void> | void) {
  try {
    await run();
  } catch (err) {
    const message = `${name}: ${(err as Error).message}`;
    results.errors.push(message);
    console.error(`[bench] ${message}`);
  }
}

async function main() {
  const startLoad = machine().load;
  process.on('SIGINT', () => {
    for (const p of running) p.child.kill('SIGKILL');
    process.exit(130);
  });
  ensureServerBuild();
  log(`${quick ? 'quick' : 'full'} run on ${machine().cpu}, load ${startLoad}${pgUrl ? ', with PostgreSQL' : ''}`);

  if (wants('create')) await section('creation', creation);
  if (wants('rush')) {
    await section('door rush SQLite', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
      try {
        await doorRush('SQLite, 1 process', `sqlite:${path.join(dir, 'admit.db')}`, 'sqlite', 1, sizes.rushTickets);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  if (wants('scale')) await section('export and reads', atScale);
  if (wants('rush') && pgUrl) {
    for (const workers of [1, 2]) {
      if (late()) {
        results.notes.push(
          `PostgreSQL WORKERS=${workers} was left out: the run had used its ${SOFT_DEADLINE_MIN}-minute budget.`,
        );
        continue;
      }
      await section(`door rush PostgreSQL WORKERS=${workers}`, async () => {
        const db = await freshPgDatabase(pgUrl);
        try {
          await doorRush(`PostgreSQL, WORKERS=${workers}`, db.url, 'postgres', workers, sizes.pgRushTickets);
        } finally {
          await db.cleanup();
        }
      });
    }
  }

  const minutes = (Date.now() - started) / 60_000;
  const table = rows();
  console.log('');
  console.log(textTable(table));
  console.log('');
  for (const note of results.notes) console.log(`note: ${note}`);
  const outArg = optionValue('--out');
  const out = outArg
    ? path.resolve(outArg)
    : quick || only
      ? path.join(os.tmpdir(), 'admit-performance.md')
      : path.join(root, 'docs', 'performance.md');
  fs.writeFileSync(out, markdown(table, minutes, startLoad));
  console.log(`wrote ${path.relative(process.cwd(), out) || out} (${f(minutes, 1)} minutes)`);
  process.exitCode = results.errors.length > 0 ? 1 : 0;
}

await main();
