/**
 * Parts 4 + 5 of `npm run bench`: the CSV export of a big event with the server's RSS, then reads
 * at scale (event search, event status, a deep tickets page), all on one SQLite server process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerRemote } from '../test/processes.js';
import { type CsvDownload, createEventRemote, downloadCsv } from './export-csv.js';
import { f, median, n0, percentile, seedEvents, sleep, startAdmit, timeGets } from './lib.js';
import { type Bench, DEEP_SHARE, PAGE_LIMIT, SEARCH_COMMON } from './options.js';
import type { ScaleResult } from './results.js';

async function meJson(url: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/api/auth/me`, { headers });
  return ((await res.json()) as { user: { id: string } }).user;
}

/** Measures the export and the reads on a fresh SQLite server; the events are seeded straight into its file. */
export async function measureAtScale({ options, clock, running }: Bench): Promise<ScaleResult> {
  const { sizes } = options;
  const { log, late } = clock;
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
    return {
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
