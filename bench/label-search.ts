/**
 * Label search at scale (issue 15): an event of 1,000,000 tickets, every one labelled, searched
 * through the owner's ticket pages (`GET /api/events/:id/tickets?q=`, the domain function behind
 * it), for queries that match one ticket, a few hundred, every ticket, none, and two characters.
 * Median and p95 of 20 runs each, on SQLite and PostgreSQL.
 *
 *   npx tsx bench/label-search.ts [--tickets 1000000] [--pg postgres://postgres@127.0.0.1:5432/test]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { openStore, type Store } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { nowIso } from '../server/domain/common.js';
import { createEvent } from '../server/domain/events/create-event.js';
import { importLabels } from '../server/domain/tickets/labels-csv.js';
import { listTickets } from '../server/domain/tickets/list-tickets.js';
import { f, freshPgDatabase, median, n0, percentile } from './lib.js';

const surnames = ['Martin', 'Dupont', 'Smith', 'Nguyen', 'Garcia', 'Muller', 'Rossi', 'Kowalski', 'Silva', 'Jensen'];

/** Labels every ticket of the event `Guest <n> <surname>` (ASCII: SQL's lower() folds them as labelKey does). */
async function labelAll(store: Store, eventSeq: number, tickets: number): Promise<void> {
  const chunk = 50_000;
  // The same label on both stores: a CASE on the seq picks the surname.
  const surname = sql.raw(`case seq % 10 ${surnames.map((name, i) => `when ${i} then '${name}'`).join(' ')} end`);
  const labelOf = sql`'Guest ' || seq || ' ' || ${surname}`;
  for (let from = 0; from < tickets; from += chunk) {
    await sql`update tickets set label = ${labelOf}, label_key = lower(${labelOf})
      where seq in (select seq from tickets where event_seq = ${eventSeq} and label is null limit ${chunk})`.execute(
      store.db,
    );
  }
  if (store.dialect === 'postgres') await sql`analyze tickets`.execute(store.db);
}

async function measure(label: string, store: Store, tickets: number) {
  const ownerId = randomUUID();
  await store.db
    .insertInto('users')
    .values({ id: ownerId, username: ownerId, username_key: ownerId, password_hash: 'x', created_at: nowIso() })
    .execute();
  const event = await createEvent(store.db, ownerId, { name: 'Bench', date: '2026-12-31', initialTickets: tickets });
  const row = await store.db.selectFrom('events').select('seq').where('id', '=', event.id).executeTakeFirstOrThrow();
  let t0 = performance.now();
  await labelAll(store, Number(row.seq), tickets);
  console.log(`[labels] ${label}: ${n0(tickets)} tickets labelled in ${f((performance.now() - t0) / 1000)} s`);
  const rare = await store.db
    .selectFrom('tickets')
    .select('label')
    .where('event_seq', '=', row.seq)
    .limit(1)
    .offset(tickets / 2)
    .executeTakeFirstOrThrow();
  const queries = [
    ['one ticket', rare.label as string],
    ['~1,100 tickets', 'guest 123'],
    ['every ticket (first page)', 'guest'],
    ['a tenth (first page)', 'kowalski'],
    ['none', 'zebra'],
    ['one table (first page)', 'table 399 '],
    ['2 characters', 'xz'],
  ] as const;
  for (const [what, q] of queries) {
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < 20; i++) {
      t0 = performance.now();
      const page = await listTickets(store.db, ownerId, event.id, { q, limit: 50 });
      times.push(performance.now() - t0);
      found = page.items.length;
    }
    console.log(
      `[labels] ${label} q=${JSON.stringify(q)} (${what}): ${found} on the page, median ${f(median(times), 2)} ms, p95 ${f(percentile(times, 95), 2)} ms`,
    );
  }
  // A label CSV of 50,000 rows (the most one upload takes): checked, then applied 1,000 rows a transaction.
  const ids = await store.db
    .selectFrom('tickets')
    .select('id')
    .where('event_seq', '=', row.seq)
    .orderBy('seq')
    .limit(50_000)
    .execute();
  const csv = `ticket_id,label\n${ids.map((r, i) => `${r.id},Table ${i % 400} seat ${i}`).join('\n')}\n`;
  t0 = performance.now();
  const summary = await importLabels(store.db, ownerId, event.id, Readable.from([Buffer.from(csv)]));
  console.log(
    `[labels] ${label}: a ${f(csv.length / 1024 / 1024)} MB CSV of ${n0(summary.rows)} rows checked and applied in ${f((performance.now() - t0) / 1000, 2)} s`,
  );
}

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const tickets = Number(arg('tickets') ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-labels-'));
try {
  const store = openStore(`sqlite:${dir}/bench.db`);
  await migrateToLatest(store.db as never, store.dialect);
  await measure('SQLite', store, tickets);
  await store.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const pg = arg('pg');
if (pg) {
  const fresh = await freshPgDatabase(pg);
  try {
    const store = openStore(fresh.url);
    await migrateToLatest(store.db as never, store.dialect);
    await measure('PostgreSQL', store, tickets);
    await store.close();
  } finally {
    await fresh.cleanup();
  }
}
