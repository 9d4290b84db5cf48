/**
 * Creation benchmark: an event with 1,000,000 tickets through the domain function, against a
 * raw bulk insert of the same rows through the same driver (the ceiling), each on a fresh
 * SQLite file opened with the same pragmas as the server. Runs alternate raw / Admit.
 * Run: npm run bench:create [-- --tickets 1000000 --runs 3 --json]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openStore } from '../server/db/database.js';
import { ROWS_PER_STATEMENT, TICKET_CHUNK } from '../server/db/insert-tickets.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { sortedTicketIds } from '../server/db/ticket-ids.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { COUNTER_SLOTS } from '../server/domain/events/event-counters.js';
import { median } from './lib.js';

/** The pragmas the server sets, read back from a store opened by the server's own openStore. */
const PRAGMAS = ['journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout', 'cache_size', 'temp_store'] as const;
/** Rows per raw INSERT: as many as Admit's statements carry (fewer calls into SQLite than one row a statement). */
const RAW_ROWS = ROWS_PER_STATEMENT;

async function freshStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-'));
  const file = path.join(dir, 'bench.db');
  const store = openStore(`sqlite:${file}`);
  await migrateToLatest(store.db as never, store.dialect);
  const userId = randomUUID();
  await store.db
    .insertInto('users')
    .values({
      id: userId,
      username: 'bench',
      username_key: 'bench',
      password_hash: 'x',
      created_at: new Date().toISOString(),
    })
    .execute();
  return { store, file, userId, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The ceiling: the same rows (event, counter slots, batch, tickets with random v4 ids from the
 * server's own generator, in the same ascending order), with the same indexes and pragmas,
 * inserted with one prepared statement of RAW_ROWS rows in one transaction straight through
 * better-sqlite3.
 */
async function rawInsert(tickets: number): Promise<number> {
  const raw = await freshStore();
  const pragmas: Record<string, unknown> = {};
  for (const name of PRAGMAS) {
    const { rows } = await sql.raw(`pragma ${name}`).execute(raw.store.db);
    pragmas[name] = Object.values(rows[0] as object)[0];
  }
  await raw.store.close();
  const direct = new Database(raw.file);
  for (const name of PRAGMAS) direct.pragma(`${name} = ${pragmas[name]}`);
  for (const name of PRAGMAS) {
    const now = direct.pragma(name, { simple: true });
    if (String(now) !== String(pragmas[name])) throw new Error(`pragma ${name}: ${now} != ${pragmas[name]}`);
  }
  const t0 = performance.now();
  const now = new Date().toISOString();
  direct.transaction(() => {
    const eventSeq = direct
      .prepare(
        'insert into events (id, owner_id, name, name_key, date, initial_tickets, additional_tickets, created_at) values (?, ?, ?, ?, ?, ?, 0, ?) returning seq',
      )
      .pluck()
      .get(randomUUID(), raw.userId, 'Bench', 'bench', '2026-12-31', tickets, now);
    const counter = direct.prepare('insert into event_counters (event_seq, slot, redeemed) values (?, ?, 0)');
    for (let slot = 0; slot < COUNTER_SLOTS; slot++) counter.run(eventSeq, slot);
    const batchSeq = direct
      .prepare('insert into ticket_batches (id, event_seq, count, created_at) values (?, ?, ?, ?) returning seq')
      .pluck()
      .get(randomUUID(), eventSeq, tickets, now);
    const insertMany = (rows: number) =>
      direct.prepare(
        `insert into tickets (id, event_seq, batch_seq) values ${Array(rows).fill('(?, ?, ?)').join(', ')}`,
      );
    const insert = insertMany(RAW_ROWS);
    const params: unknown[] = new Array(RAW_ROWS * 3);
    for (const ids of sortedTicketIds(tickets, TICKET_CHUNK)) {
      let i = 0;
      for (; i + RAW_ROWS <= ids.length; i += RAW_ROWS) {
        for (let j = 0; j < RAW_ROWS; j++) {
          params[j * 3] = ids[i + j];
          params[j * 3 + 1] = eventSeq;
          params[j * 3 + 2] = batchSeq;
        }
        insert.run(params);
      }
      if (i < ids.length) insertMany(ids.length - i).run(ids.slice(i).flatMap((id) => [id, eventSeq, batchSeq]));
    }
  })();
  const ms = performance.now() - t0;
  const count = direct.prepare('select count(*) from tickets').pluck().get();
  direct.close();
  raw.cleanup();
  if (count !== tickets) throw new Error(`raw insert wrote ${count} tickets, expected ${tickets}`);
  return ms;
}

/** Admit's own path: the createEvent domain function on a store opened by openStore. */
async function domainCreate(tickets: number): Promise<number> {
  const fresh = await freshStore();
  const t0 = performance.now();
  await createEvent(fresh.store.db, fresh.userId, { name: 'Bench', date: '2026-12-31', initialTickets: tickets });
  const ms = performance.now() - t0;
  const { n } = await fresh.store.db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await fresh.store.close();
  fresh.cleanup();
  if (Number(n) !== tickets) throw new Error(`createEvent wrote ${n} tickets, expected ${tickets}`);
  return ms;
}

export interface CreationResult {
  tickets: number;
  rawMs: number[];
  adminMs: number[];
}

export async function measureCreation(tickets: number, runs: number): Promise<CreationResult> {
  const result: CreationResult = { tickets, rawMs: [], adminMs: [] };
  for (let i = 0; i < runs; i++) {
    result.rawMs.push(await rawInsert(tickets));
    result.adminMs.push(await domainCreate(tickets));
  }
  return result;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const tickets = option('--tickets', 1_000_000);
  const runs = option('--runs', 1);
  const result = await measureCreation(tickets, runs);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    const row = (label: string, ms: number) =>
      `${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(tickets / (ms / 1000))
        .toLocaleString('en-US')
        .padStart(12)} rows/s`;
    console.log(`Creating an event with ${tickets.toLocaleString('en-US')} tickets (SQLite, median of ${runs})`);
    console.log(row('raw bulk insert (ceiling)', median(result.rawMs)));
    console.log(row('Admit createEvent', median(result.adminMs)));
    console.log(`ratio Admit / raw: ${(median(result.adminMs) / median(result.rawMs)).toFixed(2)}x`);
  }
}
