/**
 * `npm run bench`: the whole performance suite of issue 5, measured against the machine's own
 * ceilings in the same run, printed as a table and written to docs/performance.md.
 *
 *   npm run bench                      full run (8-13 minutes on 2 cores with PostgreSQL), writes docs/performance.md
 *   npm run bench -- --quick           smoke run with small sizes (under 2 minutes), writes to the temp folder
 *   ADMIT_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *                                      adds the PostgreSQL door rush (WORKERS=1 and 2) in a fresh database
 * Options: --only rush,create,scale,door,page,watch,live,delete,verifier  --no-pg  --out <file> (live: the cost of 500 live streams to the door;
 *          delete: removing a 1,000,000-ticket event while redeems go on;
 *          pdf: printable tickets against the CSV at 10,000 and 100,000;
 *          verifier: the offline door's verifier at 100,000 and 1,000,000 tickets)
 *
 * Every server is the compiled one (`npm start`'s dist/node) on a fresh database, and all load
 * goes to 127.0.0.1. Each part lives in its own module and returns what it measured; this file
 * runs them in order, collects their results and writes the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensureServerBuild } from '../test/processes.js';
import { activityParts } from './activity.js';
import { measureAtScale } from './at-scale.js';
import { runCreation } from './creation.js';
import { deleteOnStores } from './delete-event.js';
import { measureDoorPage } from './door-page.js';
import { rushOnPostgres, rushOnSqlite } from './door-rush.js';
import { doorScansOnPostgres, doorScansOnSqlite } from './door-scans.js';
import { f, type Proc } from './lib.js';
import { liveOnPostgres, liveOnSqlite } from './live.js';
import { type Bench, parseOptions, startClock, wants } from './options.js';
import { measurePdf, pdfTable } from './pdf.js';
import { buildRows, formatTextTable, listNotes } from './report.js';
import { describeMachine, renderMarkdown } from './report-markdown.js';
import type { Results } from './results.js';
import { measureVerifier, verifierLines } from './verifier.js';
import { measureWatch } from './watch.js';

/** Runs one part; a failure is recorded in `errors` and the run goes on with the next part. */
async function runPart<T>(errors: string[], name: string, run: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const message = `${name}: ${(err as Error).message}`;
    errors.push(message);
    console.error(`[bench] ${message}`);
    return undefined;
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2), process.env);
  const bench: Bench = { options, clock: startClock(options.softDeadlineMin), running: new Set<Proc>() };
  const { clock, running } = bench;
  const { quick, pgUrl } = options;
  const results: Results = { rush: [], pgLeftOut: [], errors: [], doorScans: [] };
  const startLoad = describeMachine().load;
  process.on('SIGINT', () => {
    for (const p of running) p.child.kill('SIGKILL');
    process.exit(130);
  });
  ensureServerBuild();
  clock.log(
    `${quick ? 'quick' : 'full'} run on ${describeMachine().cpu}, load ${startLoad}${pgUrl ? ', with PostgreSQL' : ''}`,
  );

  if (wants(options, 'create')) results.creation = await runPart(results.errors, 'creation', () => runCreation(bench));
  if (wants(options, 'rush')) {
    const rush = await runPart(results.errors, 'door rush SQLite', () => rushOnSqlite(bench));
    if (rush) results.rush.push(rush);
  }
  if (wants(options, 'scale')) {
    results.scale = await runPart(results.errors, 'export and reads', () => measureAtScale(bench));
  }
  // Door scans are measured in every door-rush round; this separate part (door scans against
  // GET /redeem on their own server) runs only when asked for with --only door.
  if (options.only?.includes('door')) {
    const door = await runPart(results.errors, 'door scans SQLite', () => doorScansOnSqlite(bench));
    if (door) results.doorScans.push(door);
    if (pgUrl && !clock.late()) {
      const pg = await runPart(results.errors, 'door scans PostgreSQL', () => doorScansOnPostgres(bench, pgUrl));
      if (pg) results.doorScans.push(pg);
    }
  }
  // Live streams against the door (issue 12): only when asked for with --only live.
  if (options.only?.includes('live')) {
    await runPart(results.errors, 'live SQLite', () => liveOnSqlite(bench));
    if (pgUrl && !clock.late()) await runPart(results.errors, 'live PostgreSQL', () => liveOnPostgres(bench, pgUrl));
  }
  // The organiser's view of the door at 1,000,000 scans (issue 12): arrivals, a filtered page of
  // the log, scans.csv, in process: only with --only activity.
  if (options.only?.includes('activity')) {
    const scans = quick ? 100_000 : 1_000_000;
    await runPart(results.errors, 'activity', () => activityParts(bench, clock.late() ? undefined : pgUrl, scans));
  }
  // Deleting a 1,000,000-ticket event while another event's redeems go on (issue 15): only with --only delete.
  if (options.only?.includes('delete')) {
    const tickets = quick ? 50_000 : 1_000_000;
    await runPart(results.errors, 'delete', () => deleteOnStores(tickets, clock.late() ? undefined : pgUrl));
  }
  // Printable PDF tickets beside the CSV of the same tickets, 10,000 and 100,000 (issue 13): only with --only pdf.
  if (options.only?.includes('pdf')) {
    const rows = await runPart(results.errors, 'pdf', () => measurePdf(quick));
    if (rows) console.log(`\n${pdfTable(rows)}\n`);
  }
  if (wants(options, 'page')) {
    const guests = options.sizes.doorPageGuests;
    results.doorPage = await runPart(results.errors, 'door page', () => measureDoorPage(bench, guests));
  }
  if (wants(options, 'watch')) results.watch = await runPart(results.errors, 'watch', () => measureWatch(bench));
  // The offline door's verifier (issue 16): in process, size, per-scan decision and download build.
  if (wants(options, 'verifier')) {
    const verifierPg = clock.late() ? undefined : pgUrl;
    results.verifier = await runPart(results.errors, 'verifier', () => measureVerifier(quick, verifierPg));
    if (results.verifier) console.log(`\n${verifierLines(results.verifier).join('\n')}\n`);
  }
  if (wants(options, 'rush') && pgUrl) {
    for (const workers of [1, 2]) {
      if (clock.late()) {
        results.pgLeftOut.push(workers);
        continue;
      }
      const name = `door rush PostgreSQL WORKERS=${workers}`;
      const rush = await runPart(results.errors, name, () => rushOnPostgres(bench, pgUrl, workers));
      if (rush) results.rush.push(rush);
    }
  }

  const minutes = clock.minutes();
  const table = buildRows(results, options);
  const notes = listNotes(results, options);
  console.log('');
  console.log(formatTextTable(table));
  console.log('');
  for (const note of notes) console.log(`note: ${note}`);
  fs.writeFileSync(options.out, renderMarkdown({ results, table, notes, options, minutes, startLoad }));
  console.log(`wrote ${path.relative(process.cwd(), options.out) || options.out} (${f(minutes, 1)} minutes)`);
  process.exitCode = results.errors.length > 0 ? 1 : 0;
}

await main();
