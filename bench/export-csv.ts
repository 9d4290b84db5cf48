/**
 * Export benchmark: starts a real server process on a fresh SQLite file, creates an event of
 * 1,000,000 tickets through the API, downloads its CSV and samples the server's RSS throughout.
 * Run: npm run bench:export [-- --tickets 1000000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureServerBuild, registerRemote } from '../test/processes.js';
import { rssMb, sampleRss, startAdmit } from './lib.js';

export interface CsvDownload {
  ms: number;
  bytes: number;
  rows: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/** Downloads an event's CSV (all tickets), counting bytes and rows while sampling `pid`'s RSS every 20 ms. */
export async function downloadCsv(
  url: string,
  headers: Record<string, string>,
  eventId: string,
  pid: number,
): Promise<CsvDownload> {
  const rssBeforeMb = rssMb(pid);
  const sampler = sampleRss(pid, 20);
  const t0 = performance.now();
  const res = await fetch(`${url}/api/events/${eventId}/tickets.csv?status=all`, { headers });
  if (!res.ok) throw new Error(`CSV export answered ${res.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  }
  const ms = performance.now() - t0;
  return { ms, bytes, rows: lines - 1, rssBeforeMb, peakRssMb: sampler.stop() };
}

/** Creates an event through the API and returns its id and the time the POST took. */
export async function createEventRemote(url: string, headers: Record<string, string>, name: string, tickets: number) {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name, date: '2026-12-31', initialTickets: tickets }),
  });
  if (res.status !== 201) throw new Error(`create event answered ${res.status}: ${await res.text()}`);
  const { event } = (await res.json()) as { event: { id: string } };
  return { id: event.id, ms: performance.now() - t0 };
}

async function main() {
  const arg = process.argv.indexOf('--tickets');
  const tickets = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  // Measure the server as `npm start` runs it: compiled JavaScript.
  ensureServerBuild();
  const server = await startAdmit(`sqlite:${dir}/bench.db`);
  try {
    const headers = await registerRemote(server.url, 'bench');
    const created = await createEventRemote(server.url, headers, 'Bench', tickets);
    const csv = await downloadCsv(server.url, headers, created.id, server.pid);
    console.log(`Export of an event with ${tickets.toLocaleString('en-US')} tickets (SQLite, one server process)`);
    console.log(`create via API        ${(created.ms / 1000).toFixed(2)} s`);
    console.log(
      `CSV download          ${(csv.ms / 1000).toFixed(2)} s, ${(csv.bytes / 1e6).toFixed(1)} MB, ${(csv.bytes / 1e6 / (csv.ms / 1000)).toFixed(1)} MB/s, ${csv.rows} rows`,
    );
    console.log(
      `server RSS            ${csv.rssBeforeMb.toFixed(0)} MB before export, peak ${csv.peakRssMb.toFixed(0)} MB during export`,
    );
    if (csv.rows !== tickets) throw new Error(`expected ${tickets} rows, got ${csv.rows}`);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
