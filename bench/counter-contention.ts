/**
 * Why redeemed counters are split into slots: on PostgreSQL, N concurrent transactions that
 * each redeem a different ticket of one event and bump the event's counter either all update
 * the same counter row (and queue on its lock until commit) or one of 16 slot rows.
 * Run: ADMIT_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/counter-contention.ts
 */
import pg from 'pg';

const adminUrl =
  process.env.ADMIT_BENCH_PG_URL ?? process.env.ADMIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const clients = 32;
const seconds = 5;

async function run(slots: number, pool: pg.Pool): Promise<number> {
  await pool.query('truncate counters, items');
  await pool.query('insert into counters select 1, s, 0 from generate_series(0, $1 - 1) s', [slots]);
  let done = 0;
  let next = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = await pool.connect();
      try {
        while (Date.now() < until) {
          const id = next++;
          await c.query('begin');
          await c.query('insert into items (id) values ($1)', [id]);
          await c.query('update counters set n = n + 1 where event = 1 and slot = $1', [
            Math.floor(Math.random() * slots),
          ]);
          await c.query('commit');
          done++;
        }
      } finally {
        c.release();
      }
    }),
  );
  const { rows } = await pool.query('select sum(n)::int as n from counters');
  if (rows[0].n !== done) throw new Error(`counter ${rows[0].n} != ${done}`);
  return done / seconds;
}

const name = `admit_counter_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: clients });
pool.on('error', () => {});
try {
  await pool.query('create table counters (event int, slot int, n int, primary key (event, slot))');
  await pool.query('create table items (id int primary key)');
  const results: Record<string, number[]> = { '1 row': [], '16 slots': [] };
  for (let round = 0; round < 3; round++) {
    results['1 row']?.push(await run(1, pool));
    results['16 slots']?.push(await run(16, pool));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(`${clients} concurrent redemptions of one event on PostgreSQL, ${seconds} s x 3 rounds (median)`);
  for (const [label, xs] of Object.entries(results)) console.log(`${label.padEnd(9)} ${median(xs).toFixed(0)} tx/s`);
} finally {
  await pool.end();
  await admin.query(`drop database ${name} with (force)`);
  await admin.end();
}
