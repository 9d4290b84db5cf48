/**
 * The offline door's local verifier (issue 16): its size and the time of an offline decision at
 * 1,000,000 tickets, and the time the server takes to build the download for 100,000 and
 * 1,000,000 tickets. In process, without HTTP.
 *
 * - Format: 1,000,000 random ticket ids hashed and encoded (shared/verifier.ts); each decision is
 *   what a device does per scan: HMAC-SHA-256 through Web Crypto, then the binary search, timed
 *   one by one (median and p99); the binary search alone is timed in batches.
 * - Download: an event of N tickets (written as the API writes them) on a fresh database, then
 *   `buildVerifier`, what GET /api/door/verifier sends (median of a few runs).
 *
 *   npm run bench -- --only verifier          (also part of the full run)
 *   npx tsx bench/verifier.ts [--quick] [--pg postgres://…]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { createDoorLink } from '../server/domain/doors/door-links.js';
import { startDoorSession } from '../server/domain/doors/door-sessions.js';
import { buildVerifier, ticketHash } from '../server/domain/doors/verifier.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import { encodeVerifier, importVerifierKey, parseVerifier, verifierHash } from '../shared/verifier.js';
import { f, freshPgDatabase, median, n0, newOwner, percentile } from './lib.js';

export interface VerifierFormatResult {
  tickets: number;
  bytes: number;
  /** Server side: hashing every ticket (node:crypto) and encoding (sorting), ms. */
  hashMs: number;
  encodeMs: number;
  /** Per offline decision (Web Crypto HMAC + binary search), µs. */
  decisionUs: { p50: number; p99: number };
  /** The binary search alone, µs per lookup. */
  searchUs: number;
}

export interface VerifierDownloadResult {
  store: string;
  tickets: number;
  bytes: number;
  /** buildVerifier, ms: median of the runs, and each run. */
  ms: number;
  runs: number[];
  /** The longest the event loop was held during the builds, ms (other requests wait that long). */
  maxStallMs: number;
}

/** A queue of offline scans uploaded one after another, in order, as a reconnecting device does. */
export interface UploadResult {
  store: string;
  scans: number;
  ms: number;
}

export interface VerifierResult {
  format: VerifierFormatResult;
  downloads: VerifierDownloadResult[];
  uploads: UploadResult[];
}

/** The format and the per-scan decision at `tickets` tickets. */
export async function measureFormat(tickets: number, samples = 2_000): Promise<VerifierFormatResult> {
  const keyHex = randomBytes(32).toString('hex');
  const key = Buffer.from(keyHex, 'hex');
  const ids = Array.from({ length: tickets }, () => randomUUID());
  const hashes = new Uint8Array(tickets * 8);
  const states = new Uint8Array(tickets);
  let t0 = performance.now();
  for (let i = 0; i < tickets; i++) {
    hashes.set(ticketHash(key, ids[i] as string), i * 8);
    states[i] = i % 3 === 0 ? 1 : 0;
  }
  const hashMs = performance.now() - t0;
  t0 = performance.now();
  const bytes = encodeVerifier(hashes, states, 1);
  const encodeMs = performance.now() - t0;
  const verifier = parseVerifier(bytes.buffer);

  const webKey = await importVerifierKey(keyHex);
  const decisions: number[] = [];
  for (let i = 0; i < samples; i++) {
    // Half known tickets, half unknown codes.
    const id = i % 2 === 0 ? (ids[(i * 7919) % tickets] as string) : randomUUID();
    const start = performance.now();
    const index = verifier.lookup(await verifierHash(webKey, id));
    const state = index >= 0 ? verifier.state(index) : -1;
    decisions.push((performance.now() - start) * 1000);
    if (i % 2 === 0 && state < 0) throw new Error('a known ticket was not found');
  }
  const probes = Array.from({ length: 100_000 }, (_, i) => hashes.subarray((i % tickets) * 8, (i % tickets) * 8 + 8));
  t0 = performance.now();
  let found = 0;
  for (const probe of probes) if (verifier.lookup(probe) >= 0) found++;
  const searchUs = ((performance.now() - t0) * 1000) / probes.length;
  if (found !== probes.length) throw new Error('the binary search missed a ticket');
  return {
    tickets,
    bytes: bytes.byteLength,
    hashMs,
    encodeMs,
    decisionUs: { p50: median(decisions), p99: percentile(decisions, 99) },
    searchUs,
  };
}

/**
 * `scans` offline admissions uploaded one after another through the redeemer (the per-scan path
 * POST /api/door/scans takes with `offline`), without HTTP: the server's share of the time from
 * reconnecting to an empty queue. Half the tickets were admitted elsewhere meanwhile, so half
 * the uploads are offline_double_entry.
 */
async function measureUploads(label: string, store: Store, scans: number): Promise<UploadResult> {
  const owner = await newOwner(store);
  const event = await createEvent(store.db, owner, { name: 'Upload', date: '2026-12-31', initialTickets: scans });
  const ids = (
    await store.db
      .selectFrom('tickets')
      .innerJoin('events', 'events.seq', 'tickets.event_seq')
      .select('tickets.id')
      .where('events.id', '=', event.id)
      .orderBy('tickets.seq')
      .execute()
  ).map((r) => r.id);
  const redeemer = createRedeemer(store);
  const openDoor = async (label: string) => {
    const { secret } = await createDoorLink(store.db, owner, event.id, { label });
    const session = await startDoorSession(store.db, { secret, deviceName: label });
    return { eventSeq: session.event.seq, linkSeq: session.doorLink.seq, sessionSeq: session.seq, device: label };
  };
  const other = await openDoor('Online gate');
  for (let i = 0; i < scans; i += 2) {
    await redeemer.scanAtDoor({ scanId: randomUUID(), ticketId: ids[i] as string, door: other });
  }
  const door = await openDoor('Offline gate');
  const at = new Date(Date.now() - 60_000).toISOString();
  const t0 = performance.now();
  for (const id of ids) {
    await redeemer.scanAtDoor({ scanId: randomUUID(), ticketId: id, door, offline: { at, decided: 'admitted' } });
  }
  const ms = performance.now() - t0;
  console.log(`[bench] verifier ${label}: ${n0(scans)} offline scans uploaded in order in ${f(ms, 0)} ms`);
  return { store: label, scans, ms };
}

/** buildVerifier for events of each size, on one fresh database. */
async function measureDownloads(
  label: string,
  store: Store,
  sizes: number[],
  runs: number,
): Promise<VerifierDownloadResult[]> {
  await migrateToLatest(store.db as never, store.dialect);
  const owner = await newOwner(store);
  const out: VerifierDownloadResult[] = [];
  for (const tickets of sizes) {
    const event = await createEvent(store.db, owner, { name: 'Bench', date: '2026-12-31', initialTickets: tickets });
    const { seq } = await store.db
      .selectFrom('events')
      .select('seq')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    const times: number[] = [];
    let bytes = 0;
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const { body } = await buildVerifier(store, seq);
      times.push(performance.now() - t0);
      bytes = body.byteLength;
    }
    stalls.disable();
    const maxStallMs = stalls.max / 1e6;
    out.push({ store: label, tickets, bytes, ms: median(times), runs: times, maxStallMs });
    console.log(
      `[bench] verifier ${label} ${n0(tickets)} tickets: ${n0(bytes)} bytes in ${f(median(times), 0)} ms (event loop held at most ${f(maxStallMs, 0)} ms)`,
    );
  }
  return out;
}

/** The whole part: the format at 1,000,000 (100,000 quick), downloads on SQLite and PostgreSQL if given. */
export async function measureVerifier(quick: boolean, pgUrl?: string): Promise<VerifierResult> {
  const format = await measureFormat(quick ? 100_000 : 1_000_000);
  console.log(`[bench] verifier format: ${verifierFormatLine(format)}`);
  const sizes = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const runs = quick ? 1 : 3;
  const downloads: VerifierDownloadResult[] = [];
  const uploads: UploadResult[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-verifier-'));
  const sqlite = openStore(`sqlite:${dir}/bench.db`);
  try {
    downloads.push(...(await measureDownloads('SQLite', sqlite, sizes, runs)));
    uploads.push(await measureUploads('SQLite', sqlite, 1_000));
  } finally {
    await sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (pgUrl) {
    const fresh = await freshPgDatabase(pgUrl);
    const pg = openStore(fresh.url);
    try {
      downloads.push(...(await measureDownloads('PostgreSQL', pg, sizes, runs)));
      uploads.push(await measureUploads('PostgreSQL', pg, 1_000));
    } finally {
      await pg.close();
      await fresh.cleanup();
    }
  }
  return { format, downloads, uploads };
}

function verifierFormatLine(r: VerifierFormatResult): string {
  return `${n0(r.tickets)} tickets = ${n0(r.bytes)} bytes (${f(r.bytes / 1e6, 2)} MB); hashing ${f(r.hashMs, 0)} ms, sorting/encoding ${f(r.encodeMs, 0)} ms; offline decision (Web Crypto HMAC + binary search) p50 ${f(r.decisionUs.p50, 1)} µs, p99 ${f(r.decisionUs.p99, 1)} µs; binary search alone ${f(r.searchUs, 2)} µs`;
}

/** The part as a text table (console) or Markdown lines (the report). */
export function verifierLines(r: VerifierResult): string[] {
  const lines = [
    `Offline verifier: ${verifierFormatLine(r.format)}.`,
    '',
    '| Store | Tickets | Download bytes | Build (median) | Runs | Event loop held at most |',
    '|---|---|---|---|---|---|',
  ];
  for (const d of r.downloads) {
    lines.push(
      `| ${d.store} | ${n0(d.tickets)} | ${n0(d.bytes)} | ${f(d.ms, 0)} ms | ${d.runs.map((x) => f(x, 0)).join(', ')} ms | ${f(d.maxStallMs, 0)} ms |`,
    );
  }
  lines.push('');
  for (const u of r.uploads) {
    lines.push(
      `Offline queue, ${u.store}: ${n0(u.scans)} offline admissions (half of them double entries) uploaded one after another through the redeemer, without HTTP: ${f(u.ms, 0)} ms.`,
    );
  }
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const argv = process.argv.slice(2);
  const pgAt = argv.indexOf('--pg');
  const result = await measureVerifier(argv.includes('--quick'), pgAt >= 0 ? argv[pgAt + 1] : undefined);
  console.log(`\n${verifierLines(result).join('\n')}\n`);
}
