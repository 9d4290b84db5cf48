/**
 * The organiser's view of the door at 1,000,000 scans, in process on a fresh database per store:
 * GET …/arrivals (the per-minute rollup plus the unfolded tail; a few new scans land between
 * samples, as during a rush), one page of the scan log filtered by a rare outcome, and the whole
 * log as scans.csv streamed (time and the process's RSS growth).
 * `npm run bench -- --only activity` runs it as a part of the bench (with ADMIT_BENCH_PG_URL for
 * PostgreSQL too); alone: npx tsx bench/activity.ts [--scans 1000000] [--pg postgres://…]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { nowIso } from '../server/domain/common.js';
import { getArrivals } from '../server/domain/scans/arrivals.js';
import { exportScans } from '../server/domain/scans/export-scans.js';
import { listScans } from '../server/domain/scans/scan-log.js';
import { f, freshPgDatabase, n0, percentile } from './lib.js';
import type { Bench } from './options.js';

export interface ActivityResult {
  store: 'sqlite' | 'postgres';
  scans: number;
  seedSeconds: number;
  /** The first arrivals answer, which folds the whole log into the rollup. */
  firstArrivalsMs: number;
  arrivalsP50: number;
  arrivalsP95: number;
  /** One page (50) of the log filtered by an outcome that is 1 scan in 100. */
  filteredPageP95: number;
  csvSeconds: number;
  csvMb: number;
  csvRssGrowthMb: number;
}

const SAMPLES = 200;
const WARMUP = 10;

/** An owner and an event with one ticket, written as the API writes them; the event's seq. */
async function seedOwnerEvent(store: Store) {
  const ownerId = randomUUID();
  const now = nowIso();
  await store.db
    .insertInto('users')
    .values({ id: ownerId, username: ownerId, username_key: ownerId, password_hash: 'x', created_at: now })
    .execute();
  const eventId = randomUUID();
  const event = await store.db
    .insertInto('events')
    .values({
      id: eventId,
      owner_id: ownerId,
      name: 'Activity bench',
      name_key: 'activity bench',
      date: '2026-11-27',
      initial_tickets: 1,
      additional_tickets: 0,
      created_at: now,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return { ownerId, eventId, eventSeq: Number(event.seq) };
}

/**
 * `count` scans in one INSERT…SELECT, spread over six hours of one evening: 70% admitted, 25%
 * already redeemed, 4% not found, 1% wrong event.
 */
async function seedScans(store: Store, eventSeq: number, count: number): Promise<void> {
  const outcome = (i: string) =>
    sql.raw(`case when ${i} % 100 < 70 then 'admitted' when ${i} % 100 < 95 then 'already_redeemed'
      when ${i} % 100 < 99 then 'not_found' else 'wrong_event' end`);
  if (store.dialect === 'sqlite') {
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
      insert into scans (id, event_seq, ticket_id, outcome, at)
      select printf('%08x-0000-7000-8000-%012x', i, i), ${eventSeq}, printf('%08x-0000-4000-8000-%012x', i, i),
        ${outcome('i')}, strftime('%Y-%m-%dT%H:%M:%S.000Z', '2026-11-27 18:00:00', '+' || (i * 21600 / ${count}) || ' seconds')
      from n`.execute(store.db);
  } else {
    await sql`insert into scans (id, event_seq, ticket_id, outcome, at)
      select lpad(to_hex(i), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(i), 12, '0'), ${eventSeq},
        lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'), ${outcome('i')},
        to_char(timestamp '2026-11-27 18:00:00' + (i::bigint * 21600 / ${count}) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      from generate_series(1, ${count}) as i`.execute(store.db);
    await sql`analyze scans`.execute(store.db);
  }
}

/** A few scans made now, as the door would log them between two reads of the chart. */
async function trickle(store: Store, eventSeq: number, count: number): Promise<void> {
  const at = nowIso();
  await store.db
    .insertInto('scans')
    .values(
      Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        event_seq: eventSeq,
        ticket_id: randomUUID(),
        outcome: i % 5 === 0 ? ('already_redeemed' as const) : ('admitted' as const),
        at,
      })),
    )
    .execute();
}

/** Measures one store at `scans` scans. */
export async function measureActivity(url: string, scans: number, log = console.log): Promise<ActivityResult> {
  const store = openStore(url);
  try {
    await migrateToLatest(store.db as never, store.dialect);
    const { ownerId, eventId, eventSeq } = await seedOwnerEvent(store);
    const seededFrom = performance.now();
    await seedScans(store, eventSeq, scans);
    const seedSeconds = (performance.now() - seededFrom) / 1000;
    log(`[activity] ${store.dialect}: seeded ${n0(scans)} scans in ${f(seedSeconds, 1)} s`);

    let t0 = performance.now();
    const first = await getArrivals(store, ownerId, eventId, '1m');
    const firstArrivalsMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      await trickle(store, eventSeq, 5);
      const bucket = (['1m', '5m', '15m', '1h'] as const)[i % 4];
      t0 = performance.now();
      await getArrivals(store, ownerId, eventId, bucket);
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
    log(
      `[activity] ${store.dialect}: arrivals first ${f(firstArrivalsMs, 0)} ms (folds the log, ${first.items.length} minutes), then p50 ${f(percentile(times, 50), 2)} ms, p95 ${f(percentile(times, 95), 2)} ms`,
    );

    const pages: number[] = [];
    for (let i = 0; i < WARMUP + 50; i++) {
      t0 = performance.now();
      await listScans(store.db, ownerId, eventId, { outcome: 'wrong_event', limit: 50 });
      if (i >= WARMUP) pages.push(performance.now() - t0);
    }

    const rssFrom = process.memoryUsage().rss;
    let rssPeak = rssFrom;
    let bytes = 0;
    t0 = performance.now();
    const { stream } = await exportScans(store.db, ownerId, eventId, {});
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const csvSeconds = (performance.now() - t0) / 1000;
    const result: ActivityResult = {
      store: store.dialect,
      scans,
      seedSeconds,
      firstArrivalsMs,
      arrivalsP50: percentile(times, 50),
      arrivalsP95: percentile(times, 95),
      filteredPageP95: percentile(pages, 95),
      csvSeconds,
      csvMb: bytes / 1e6,
      csvRssGrowthMb: (rssPeak - rssFrom) / 1e6,
    };
    log(
      `[activity] ${store.dialect}: filtered log page p95 ${f(result.filteredPageP95, 2)} ms; scans.csv ${f(result.csvMb, 1)} MB in ${f(csvSeconds, 1)} s, RSS growth ${f(result.csvRssGrowthMb, 1)} MB`,
    );
    return result;
  } finally {
    await store.close();
  }
}

/** The part as `npm run bench` runs it: SQLite, and PostgreSQL when a URL is given. */
export async function activityParts(bench: Bench, pgUrl: string | undefined, scans = 1_000_000) {
  const results: ActivityResult[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-activity-'));
  try {
    results.push(await measureActivity(`sqlite:${path.join(dir, 'admit.db')}`, scans, bench.clock.log));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (pgUrl && !bench.clock.late()) {
    const fresh = await freshPgDatabase(pgUrl);
    try {
      results.push(await measureActivity(fresh.url, scans, bench.clock.log));
    } finally {
      await fresh.cleanup();
    }
  }
  return results;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const scans = Number(arg('scans', '1000000'));
  const pg = arg('pg', '');
  const started = Date.now();
  const clock = {
    late: () => false,
    minutes: () => (Date.now() - started) / 60_000,
    log: (message: string) => console.log(message),
  };
  await activityParts({ clock } as unknown as Bench, pg || undefined, scans);
}
