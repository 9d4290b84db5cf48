/**
 * The redeemer's hot path in process, without HTTP: first scans and a duplicate storm through the
 * public redeem, and first scans at a door, each with 64 scans in flight, in rounds on one
 * database. What a change to the scan log costs a door rush, measured without the noise of a
 * server and a load generator sharing two cores.
 * Run: npx tsx bench/hot-path.ts [--scans 20000] [--rounds 5] [--pg postgres://postgres@127.0.0.1:5432/test]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { nowIso } from '../server/domain/common.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { createRedeemer } from '../server/domain/redemption/create-redeemer.js';
import type { DoorScanPlace, Redeemer } from '../server/domain/redemption/redeemer.js';
import { timeOrderedScanId } from '../server/domain/redemption/scan-ids.js';
import { freshPgDatabase, median } from './lib.js';

const IN_FLIGHT = 64;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}

/** Runs `scan` over `inputs` with IN_FLIGHT at a time; microseconds per scan. */
async function timed<T>(inputs: readonly T[], scan: (input: T) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < inputs.length) await scan(inputs[next++] as T);
    }),
  );
  return ((performance.now() - t0) * 1000) / inputs.length;
}

/** An owner, an event of `tickets` tickets, and its ticket ids in creation order. */
export async function seedEvent(store: Store, tickets: number) {
  const ownerId = randomUUID();
  await store.db
    .insertInto('users')
    .values({ id: ownerId, username: ownerId, username_key: ownerId, password_hash: 'x', created_at: nowIso() })
    .execute();
  const event = await createEvent(store.db, ownerId, { name: 'Bench', date: '2026-12-31', initialTickets: tickets });
  const row = await store.db.selectFrom('events').select('seq').where('id', '=', event.id).executeTakeFirstOrThrow();
  const eventSeq = Number(row.seq);
  const ids = (
    await store.db.selectFrom('tickets').select('id').where('event_seq', '=', eventSeq).orderBy('seq').execute()
  ).map((r) => r.id);
  return { ownerId, event, eventSeq, ids };
}

/** A door link and a device of an event, written as the door routes write them. */
async function seedDoor(store: Store, eventSeq: number): Promise<DoorScanPlace> {
  const now = nowIso();
  const link = await store.db
    .insertInto('door_links')
    .values({
      id: randomUUID(),
      event_seq: eventSeq,
      label: 'North gate',
      secret_hash: randomUUID(),
      created_at: now,
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      revoked_at: null,
      last_used_at: null,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  const session = await store.db
    .insertInto('door_sessions')
    .values({ token_hash: randomUUID(), link_seq: link.seq, device: 'Phone 1', created_at: now, expires_at: now })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return { eventSeq, linkSeq: Number(link.seq), sessionSeq: Number(session.seq), device: 'Phone 1' };
}

export interface HotPath {
  store: string;
  scans: number;
  rounds: number;
  /** Median microseconds per scan, 64 in flight. */
  firstUs: number;
  duplicateUs: number;
  doorUs: number;
}

/** Rounds of the three loads on one store; each round uses fresh tickets. */
export async function measureHotPath(store: Store, label: string, scans: number, rounds: number): Promise<HotPath> {
  const redeemer: Redeemer = createRedeemer(store);
  const publicEvent = await seedEvent(store, scans * rounds + 100);
  const doorEvent = await seedEvent(store, scans * rounds);
  const door = await seedDoor(store, doorEvent.eventSeq);
  const hot = publicEvent.ids.slice(scans * rounds);
  for (const ticketId of hot) await redeemer.redeem({ ticketId });
  const first: number[] = [];
  const duplicate: number[] = [];
  const doorScans: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const slice = (ids: string[]) => ids.slice(round * scans, (round + 1) * scans);
    first.push(await timed(slice(publicEvent.ids), (ticketId) => redeemer.redeem({ ticketId })));
    const storm = Array.from({ length: scans }, (_, i) => hot[i % hot.length] as string);
    duplicate.push(await timed(storm, (ticketId) => redeemer.redeem({ ticketId })));
    doorScans.push(
      await timed(slice(doorEvent.ids), (ticketId) =>
        redeemer.scanAtDoor({ scanId: timeOrderedScanId(), ticketId, door }),
      ),
    );
    console.log(
      `[hot-path] ${label} round ${round + 1}: first ${first.at(-1)?.toFixed(1)} us, duplicate ${duplicate.at(-1)?.toFixed(1)} us, door ${doorScans.at(-1)?.toFixed(1)} us`,
    );
  }
  return {
    store: label,
    scans,
    rounds,
    firstUs: median(first),
    duplicateUs: median(duplicate),
    doorUs: median(doorScans),
  };
}

async function main() {
  const scans = Number(arg('scans', '20000'));
  const rounds = Number(arg('rounds', '5'));
  const pgUrl = arg('pg', '');
  const results: HotPath[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-hot-path-'));
  try {
    // As the app opens it with one process (WORKERS=1): checkpoints in a worker thread.
    const store = openStore(`sqlite:${dir}/bench.db`, { sqliteBackgroundCheckpoints: true });
    await migrateToLatest(store.db as never, store.dialect);
    results.push(await measureHotPath(store, 'SQLite', scans, rounds));
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (pgUrl) {
    const fresh = await freshPgDatabase(pgUrl);
    try {
      const store = openStore(fresh.url);
      await migrateToLatest(store.db as never, store.dialect);
      results.push(await measureHotPath(store, 'PostgreSQL', scans, rounds));
      await store.close();
    } finally {
      await fresh.cleanup();
    }
  }
  console.log('store       scans x rounds   first scan   duplicate   door scan   (median us per scan, 64 in flight)');
  for (const r of results) {
    console.log(
      `${r.store.padEnd(11)} ${`${r.scans} x ${r.rounds}`.padEnd(16)} ${r.firstUs.toFixed(1).padStart(10)} ${r.duplicateUs.toFixed(1).padStart(11)} ${r.doorUs.toFixed(1).padStart(11)}`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
