/**
 * Deleting an event (issue 15): how long removing 1,000,000 tickets takes, and whether redeems of
 * another event keep answering meanwhile (their latency before and during the removal, max and
 * p99). In process, without HTTP: the removal and the redeems share one event loop and one
 * database, as in a server, so any long transaction or long synchronous stretch shows up as a
 * redeem's latency. Also what the trigger of migration 010 (updates of a deleted event's tickets
 * skipped) costs a first scan: the same redeems with and without it, in alternating rounds.
 *
 *   npm run bench -- --only delete              1,000,000 tickets on SQLite (and PostgreSQL if configured)
 *   npx tsx bench/delete-event.ts [--tickets 1000000] [--pg postgres://…]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { deleteEvent, removeDeletedEvents } from '../server/domain/events/delete-event.js';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import type { Redeemer } from '../server/domain/redemption/redeemer.js';
import { f, freshPgDatabase, median, n0, newOwner, percentile, sleep } from './lib.js';

export interface DeleteResult {
  store: string;
  tickets: number;
  seconds: number;
  /** Redeems of another event answered during the removal, and their latency (ms). */
  redeemsDuring: number;
  during: { p99: number; max: number };
  /** The same redeems before the deletion, for comparison. */
  before: { p99: number; max: number };
  /** A first scan's median microseconds (64 in flight) with the trigger, and with it dropped. */
  triggerUs: { with: number; without: number };
}

/** An event of `tickets` tickets (written as the API writes them) and its ticket ids when asked for. */
async function seed(store: Store, ownerId: string, tickets: number, withIds: boolean) {
  const event = await createEvent(store.db, ownerId, { name: 'Bench', date: '2026-12-31', initialTickets: tickets });
  if (!withIds) return { event, ids: [] as string[] };
  const row = await store.db.selectFrom('events').select('seq').where('id', '=', event.id).executeTakeFirstOrThrow();
  const ids = await store.db
    .selectFrom('tickets')
    .select('id')
    .where('event_seq', '=', row.seq)
    .orderBy('seq')
    .execute();
  return { event, ids: ids.map((r) => r.id) };
}

/** Redeems `ids` one after another (4 in flight, as a few doors would) until `stop()`; each latency in ms. */
async function redeemWhile(redeemer: Redeemer, ids: string[], stop: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!stop() && next < ids.length) {
        const ticketId = ids[next++] as string;
        const t0 = performance.now();
        await redeemer.redeem({ ticketId });
        latencies.push(performance.now() - t0);
        await sleep(2);
      }
    }),
  );
  return latencies;
}

/** Microseconds per first scan, 64 in flight. */
async function firstScans(redeemer: Redeemer, ids: string[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < ids.length) await redeemer.redeem({ ticketId: ids[next++] as string });
    }),
  );
  return ((performance.now() - t0) * 1000) / ids.length;
}

/** The trigger's cost: rounds of first scans on two databases, one with the trigger dropped. */
async function triggerCost(open: () => Promise<{ store: Store; close: () => Promise<void> }>, scans: number) {
  const rounds = 5;
  const sides = [];
  for (const drop of [false, true]) {
    const { store, close } = await open();
    if (drop)
      await sql`drop trigger tickets_of_deleted_events${sql.raw(store.dialect === 'postgres' ? ' on tickets' : '')}`.execute(
        store.db,
      );
    const { ids } = await seed(store, await newOwner(store), scans * rounds, true);
    sides.push({ store, close, ids, redeemer: createRedeemer(store), us: [] as number[] });
  }
  for (let round = 0; round < rounds; round++) {
    for (const side of sides)
      side.us.push(await firstScans(side.redeemer, side.ids.slice(round * scans, (round + 1) * scans)));
  }
  for (const side of sides) await side.close();
  return { with: median(sides[0]?.us ?? []), without: median(sides[1]?.us ?? []) };
}

/** One store: the deletion of a `tickets`-ticket event while another event's tickets are redeemed. */
export async function measureDelete(
  label: string,
  open: () => Promise<{ store: Store; close: () => Promise<void> }>,
  tickets: number,
): Promise<DeleteResult> {
  const { store, close } = await open();
  try {
    const owner = await newOwner(store);
    const t0 = performance.now();
    const big = await seed(store, owner, tickets, false);
    console.log(`[delete] ${label}: ${n0(tickets)} tickets written in ${f((performance.now() - t0) / 1000)} s`);
    const other = await seed(store, owner, 40_000, true);
    const redeemer = createRedeemer(store);
    let stopBefore = false;
    const beforeRun = redeemWhile(redeemer, other.ids.slice(0, 20_000), () => stopBefore);
    await sleep(3000);
    stopBefore = true;
    const before = await beforeRun;

    let done = false;
    const during = redeemWhile(redeemer, other.ids.slice(20_000), () => done);
    const start = performance.now();
    await deleteEvent(store.db, owner, big.event.id);
    const removed = await removeDeletedEvents(store.db);
    const seconds = (performance.now() - start) / 1000;
    done = true;
    const latencies = await during;
    if (removed.tickets !== tickets) throw new Error(`removed ${removed.tickets} tickets, expected ${tickets}`);
    const result = {
      store: label,
      tickets,
      seconds,
      redeemsDuring: latencies.length,
      during: { p99: percentile(latencies, 99), max: Math.max(...latencies) },
      before: { p99: percentile(before, 99), max: Math.max(...before) },
      triggerUs: await triggerCost(open, 5000),
    };
    console.log(
      `[delete] ${label}: removed in ${f(seconds)} s (${n0(tickets / seconds)} tickets/s); ${n0(latencies.length)} redeems meanwhile, p99 ${f(result.during.p99)} ms, max ${f(result.during.max)} ms (before: p99 ${f(result.before.p99)} ms, max ${f(result.before.max)} ms); first scan ${f(result.triggerUs.with)} us with the trigger, ${f(result.triggerUs.without)} us without`,
    );
    return result;
  } finally {
    await close();
  }
}

/** A fresh SQLite file per call. */
function sqliteOpener() {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-delete-'));
    const store = openStore(`sqlite:${dir}/bench.db`);
    await migrateToLatest(store.db as never, store.dialect);
    return {
      store,
      close: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

/** A fresh PostgreSQL database per call. */
function postgresOpener(pgUrl: string) {
  return async () => {
    const fresh = await freshPgDatabase(pgUrl);
    const store = openStore(fresh.url);
    await migrateToLatest(store.db as never, store.dialect);
    return {
      store,
      close: async () => {
        await store.close();
        await fresh.cleanup();
      },
    };
  };
}

/** The part as `npm run bench -- --only delete` runs it: SQLite, then PostgreSQL when configured. */
export async function deleteOnStores(tickets: number, pgUrl?: string): Promise<DeleteResult[]> {
  const results = [await measureDelete('SQLite', sqliteOpener(), tickets)];
  if (pgUrl) results.push(await measureDelete('PostgreSQL', postgresOpener(pgUrl), tickets));
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  await deleteOnStores(Number(arg('tickets') ?? 1_000_000), arg('pg'));
}
