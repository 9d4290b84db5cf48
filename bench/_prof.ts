import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { openStore } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { createEvent } from '../server/domain/create-event.js';
fs.rmSync('/tmp/prof.db', { force: true });
fs.rmSync('/tmp/prof.db-wal', { force: true });
const store = openStore('sqlite:/tmp/prof.db');
await migrateToLatest(store.db as never, 'sqlite');
const uid = randomUUID();
await store.db
  .insertInto('users')
  .values({ id: uid, username: 'b', username_key: 'b', password_hash: 'x', created_at: 'x' })
  .execute();
const t0 = performance.now();
await createEvent(store.db, uid, { name: 'x', date: '2026-01-01', initialTickets: 1_000_000 });
console.log('create ms', (performance.now() - t0).toFixed(0));
