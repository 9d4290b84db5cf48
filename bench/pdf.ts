/**
 * Bench part `pdf` (issue 13): printable PDF tickets against the CSV of the same tickets, in the
 * same run, on the compiled server with a fresh SQLite file: tickets a second into each file
 * and the server's RSS (before, and its peak while downloading, sampled every 20 ms), for
 * 10,000 and 100,000 tickets (`--quick`: 2,000 and 10,000).
 * Run with the suite: npm run bench -- --only pdf; alone: npx tsx bench/pdf.ts [--quick]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureServerBuild, registerRemote } from '../test/processes.js';
import { createEventRemote, downloadCsv } from './export-csv.js';
import { f, rssMb, sampleRss, startAdmit } from './lib.js';

export interface PdfDownload {
  ms: number;
  firstByteMs: number;
  bytes: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

export interface PdfRow {
  tickets: number;
  pdf: PdfDownload;
  csv: { ms: number; bytes: number; rssBeforeMb: number; peakRssMb: number };
}

/** Downloads an event's PDF (all tickets, A4), counting bytes while sampling `pid`'s RSS every 20 ms. */
async function downloadPdf(url: string, headers: Record<string, string>, eventId: string, pid: number) {
  const rssBeforeMb = rssMb(pid);
  const sampler = sampleRss(pid, 20);
  const t0 = performance.now();
  const res = await fetch(`${url}/api/events/${eventId}/tickets.pdf?status=all&layout=a4`, { headers });
  if (!res.ok) throw new Error(`PDF download answered ${res.status}`);
  let bytes = 0;
  let firstByteMs = 0;
  let tail = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (bytes === 0) firstByteMs = performance.now() - t0;
    bytes += chunk.length;
    tail = (tail + Buffer.from(chunk).toString('latin1')).slice(-64);
  }
  const ms = performance.now() - t0;
  if (!tail.includes('%%EOF')) throw new Error('the PDF did not end with %%EOF');
  return { ms, firstByteMs, bytes, rssBeforeMb, peakRssMb: sampler.stop() };
}

/** Creates one event per size on a fresh server and downloads its CSV then its PDF. */
export async function measurePdf(quick: boolean): Promise<PdfRow[]> {
  const sizes = quick ? [2_000, 10_000] : [10_000, 100_000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-pdf-'));
  ensureServerBuild();
  const server = await startAdmit(`sqlite:${dir}/bench.db`);
  const rows: PdfRow[] = [];
  try {
    const headers = await registerRemote(server.url, 'benchpdf');
    // Fonts are read once per process: a first small document keeps that out of the figures.
    const warm = await createEventRemote(server.url, headers, 'Warm-up', 6);
    await downloadPdf(server.url, headers, warm.id, server.pid);
    for (const tickets of sizes) {
      const event = await createEventRemote(server.url, headers, `Print run of ${tickets}`, tickets);
      const csv = await downloadCsv(server.url, headers, event.id, server.pid);
      if (csv.rows !== tickets) throw new Error(`CSV had ${csv.rows} rows, expected ${tickets}`);
      const pdf = await downloadPdf(server.url, headers, event.id, server.pid);
      rows.push({ tickets, pdf, csv });
      console.log(
        `[bench] pdf ${tickets.toLocaleString('en-US')} tickets: PDF ${f(tickets / (pdf.ms / 1000), 0)} tickets/s ` +
          `(${f(pdf.ms / 1000, 1)} s, ${f(pdf.bytes / 1e6, 1)} MB, first bytes ${f(pdf.firstByteMs, 0)} ms, RSS ` +
          `${f(pdf.rssBeforeMb, 0)} → peak ${f(pdf.peakRssMb, 0)} MB); CSV ${f(tickets / (csv.ms / 1000), 0)} tickets/s ` +
          `(${f(csv.ms / 1000, 2)} s, RSS ${f(csv.rssBeforeMb, 0)} → peak ${f(csv.peakRssMb, 0)} MB)`,
      );
    }
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The figures as a Markdown table. */
export function pdfTable(rows: PdfRow[]): string {
  const lines = [
    '| tickets | PDF tickets/s | PDF size | PDF first bytes | server RSS during PDF | CSV tickets/s | server RSS during CSV |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { tickets, pdf, csv } of rows) {
    lines.push(
      `| ${tickets.toLocaleString('en-US')} | ${f(tickets / (pdf.ms / 1000), 0)} | ${f(pdf.bytes / 1e6, 1)} MB | ` +
        `${f(pdf.firstByteMs, 0)} ms | ${f(pdf.rssBeforeMb, 0)} → ${f(pdf.peakRssMb, 0)} MB | ` +
        `${f(tickets / (csv.ms / 1000), 0)} | ${f(csv.rssBeforeMb, 0)} → ${f(csv.peakRssMb, 0)} MB |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(pdfTable(await measurePdf(process.argv.includes('--quick'))));
}
