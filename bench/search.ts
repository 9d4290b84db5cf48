/**
 * Events-list search benchmark: one user owning 100,000 events on a fresh SQLite file (migrated
 * by the server's own code, rows seeded straight into the file as `npm run bench` does), then
 * listEvents timed in-process for a few queries.
 * Run: npm run bench:search [-- --events 100000 --samples 200]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { listEvents } from '../server/domain/events/list-events.js';
import { f, n0, percentile, seedEvents } from './lib.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 100_000);
const SAMPLES = arg('samples', 200);
const WARMUP = 10;
// Common (10%), rare (one event, as bench/at-scale.ts picks it), in 23% of names, two letters, no
// match, and two with matches spread over the table (every 8th and every 80th event).
const QUERIES = ['jazz', `${Math.floor(EVENTS / 2) + 7}`, 'night', 'ja', 'x', 'royal', 'summer jazz'];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-bench-search-'));
  const file = path.join(dir, 'admit.db');
  const store = openStore(`sqlite:${file}`);
  try {
    await migrateToLatest(store.db as never, store.dialect);
    const ownerId = randomUUID();
    const user = { id: ownerId, username: 'bench', username_key: 'bench', password_hash: 'x' };
    await store.db
      .insertInto('users')
      .values({ ...user, created_at: new Date().toISOString() })
      .execute();
    const seedMs = seedEvents(file, ownerId, EVENTS);
    console.log(`seeded ${n0(EVENTS)} events in ${f(seedMs / 1000, 2)} s; ${SAMPLES} samples after ${WARMUP} warm-ups`);
    console.log('q             matches    p50 ms   p95 ms');
    for (const q of QUERIES) {
      const run = () => listEvents(store.db, ownerId, { q, page: 1, pageSize: 20, sort: '-date' });
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < WARMUP + SAMPLES; i++) {
        const t0 = performance.now();
        total = (await run()).total;
        if (i >= WARMUP) times.push(performance.now() - t0);
      }
      console.log(
        `${q.padEnd(13)} ${n0(total).padStart(7)} ${f(percentile(times, 50), 2).padStart(9)} ${f(percentile(times, 95), 2).padStart(8)}`,
      );
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
