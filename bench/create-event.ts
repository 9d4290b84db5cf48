/**
 * Creation benchmark: an event with 1,000,000 tickets through the domain function, against a
 * raw bulk insert of the same rows through the same driver (the ceiling), on a fresh SQLite file.
 * Run: npm run bench:create [-- --tickets 1000000]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { createEvent } from '../server/domain/create-event.js';

const arg = process.argv.indexOf('--tickets');
const tickets = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;

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

async function main() {
  // Baseline: the same rows with the same indexes, inserted with prepared statements straight
  // through better-sqlite3 in one transaction: what the hardware and SQLite allow.
  const raw = await freshStore();
  await raw.store.close();
  const direct = new Database(raw.file);
  direct.pragma('journal_mode = WAL');
  direct.pragma('synchronous = NORMAL');
  direct.pragma('cache_size = -65536');
  const now = new Date().toISOString();
  const eventSeq = direct
    .prepare(
      'insert into events (id, owner_id, name, name_key, date, initial_tickets, created_at) values (?, ?, ?, ?, ?, ?, ?) returning seq',
    )
    .pluck()
    .get(randomUUID(), raw.userId, 'raw', 'raw', '2026-12-31', tickets, now);
  const batchSeq = direct
    .prepare('insert into ticket_batches (id, event_seq, count, created_at) values (?, ?, ?, ?) returning seq')
    .pluck()
    .get(randomUUID(), eventSeq, tickets, now);
  const insert = direct.prepare('insert into tickets (id, event_seq, batch_seq) values (?, ?, ?)');
  let t0 = performance.now();
  direct.transaction(() => {
    for (let i = 0; i < tickets; i++) insert.run(randomUUID(), eventSeq, batchSeq);
  })();
  const rawMs = performance.now() - t0;
  direct.close();
  raw.cleanup();

  const fresh = await freshStore();
  t0 = performance.now();
  await createEvent(fresh.store.db, fresh.userId, { name: 'Bench', date: '2026-12-31', initialTickets: tickets });
  const adminMs = performance.now() - t0;
  await fresh.store.close();
  fresh.cleanup();

  const row = (label: string, ms: number) =>
    `${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(tickets / (ms / 1000))
      .toLocaleString('en-US')
      .padStart(12)} rows/s`;
  console.log(`Creating an event with ${tickets.toLocaleString('en-US')} tickets (SQLite, ${os.cpus().length} cores)`);
  console.log(row('raw bulk insert (ceiling)', rawMs));
  console.log(row('Admit createEvent', adminMs));
  console.log(`ratio Admit / raw: ${(adminMs / rawMs).toFixed(2)}x`);
}

await main();
