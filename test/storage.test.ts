import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openStore } from '../server/db/database.js';
import { isStorageUnavailable } from '../server/plugins/errors.js';
import { type FreshDatabase, freshDatabase, pgAdminUrl, testStore } from './databases.js';
import { createEvent, createUser, expectProblem, openDoor, ticketIds } from './helper.js';

// An app of its own, to read its log: the error a failed write logs is part of what is tested.
let app: App;
let fresh: FreshDatabase;
const log: string[] = [];

beforeAll(async () => {
  fresh = await freshDatabase();
  const config = loadConfig({}, { databaseUrl: fresh.url, webRoot: null, logLevel: 'warn' });
  app = await buildApp(config, { logger: { level: 'warn', stream: { write: (line: string) => log.push(line) } } });
});

afterAll(async () => {
  await app?.close();
  await fresh?.cleanup();
});

/** Runs SQL as the PostgreSQL superuser, outside the app. */
async function asAdmin(text: string, values: unknown[] = []) {
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  try {
    return await admin.query(text, values);
  } finally {
    await admin.end();
  }
}

/**
 * Makes the database read-only, or writable again, under the running app. SQLite: `query_only`
 * on its connection (writes fail with SQLITE_READONLY). PostgreSQL: the database's default
 * transactions become read-only (writes fail with 25006, as on a standby), and the app's
 * connections are cut so that its pool reconnects under the new default.
 */
async function setReadOnly(readOnly: boolean) {
  if (testStore === 'sqlite') {
    await sql.raw(`pragma query_only = ${readOnly ? 'on' : 'off'}`).execute(app.store.db);
    return;
  }
  const name = new URL(fresh.url).pathname.slice(1);
  await asAdmin(
    `alter database ${name} ${readOnly ? 'set default_transaction_read_only = on' : 'reset default_transaction_read_only'}`,
  );
  await asAdmin(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [name],
  );
}

/** Polls /readyz until it answers `status` (the pool may first meet the connections just cut). */
async function readyzUntil(status: number, code?: string) {
  // While the switch takes hold, a probe may also fail as "does not answer": wait for `code`.
  const done = (r: Awaited<ReturnType<App['inject']>>) =>
    r.statusCode === status && (code === undefined || (r.json() as { code?: string }).code === code);
  let res = await app.inject({ method: 'GET', url: '/readyz' });
  for (let i = 0; i < 50 && !done(res); i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await app.inject({ method: 'GET', url: '/readyz' });
  }
  expect(res.statusCode, res.body).toBe(status);
  return res;
}

function expectStorageUnavailable(res: Awaited<ReturnType<App['inject']>>) {
  expectProblem(res, 503, 'storage_unavailable');
  expect(res.headers['retry-after']).toBe('30');
}

describe(`a database that cannot write (${testStore})`, () => {
  it('read-only: writes answer 503 storage_unavailable with Retry-After, reads go on, /readyz says so, /healthz stays up', async () => {
    const owner = await createUser(app);
    const event = await createEvent(app, owner.headers, { initialTickets: 3 });
    const [first, second] = (await ticketIds(app, owner.headers, event.id)) as [string, string];
    const door = await openDoor(app, owner.headers, event.id);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: testStore,
    });

    await setReadOnly(true);
    try {
      const notReady = await readyzUntil(503, 'storage_unavailable');
      expectStorageUnavailable(notReady);
      log.length = 0;

      const writes = [
        app.inject({
          method: 'POST',
          url: '/api/events',
          headers: owner.headers,
          payload: { name: 'Read-only', date: '2026-12-31', initialTickets: 5 },
        }),
        app.inject({ method: 'GET', url: `/redeem/${first}`, headers: { accept: 'application/json' } }),
        app.inject({ method: 'POST', url: `/api/tickets/${second}/redeem` }),
        app.inject({ method: 'POST', url: '/api/door/scans', headers: door.headers, payload: { code: first } }),
      ];
      for (const res of await Promise.all(writes)) expectStorageUnavailable(res);

      // Reads keep working: the lists, the counters, a ticket's status, the CSV, liveness.
      const reads = [
        `/api/events/${event.id}`,
        '/api/events',
        `/api/events/${event.id}/status`,
        `/api/events/${event.id}/tickets.csv`,
      ];
      for (const url of reads) {
        const res = await app.inject({ method: 'GET', url, headers: owner.headers });
        expect(res.statusCode, `${url} ${res.body}`).toBe(200);
      }
      expect((await app.inject({ method: 'GET', url: `/status/${first}` })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      // The log names the database's own refusal, never the rollback that followed it.
      const logged = log.join('');
      expect(logged).toContain('storage unavailable');
      expect(logged).toMatch(testStore === 'sqlite' ? /"code":"SQLITE_READONLY/ : /"code":"25006"/);
      expect(logged).not.toMatch(/cannot rollback|no transaction is active/);
    } finally {
      await setReadOnly(false);
    }

    await readyzUntil(200);
    const redeemed = await app.inject({
      method: 'GET',
      url: `/redeem/${first}`,
      headers: { accept: 'application/json' },
    });
    expect(redeemed.statusCode, redeemed.body).toBe(200);
    const status = await app.inject({ method: 'GET', url: `/api/events/${event.id}/status`, headers: owner.headers });
    expect(status.json().redeemedTickets).toBe(1);
  });

  // SQLite only (a page-count cap fills the file): defined there, not reported as skipped elsewhere.
  (testStore === 'sqlite' ? it : () => {})(
    'full: a write that needs space answers 503, and the log shows SQLITE_FULL, not the failed rollback after it',
    async () => {
      const owner = await createUser(app);
      const before = await app.inject({ method: 'GET', url: '/api/events', headers: owner.headers });
      // The file may not grow by a page: SQLite's own "database or disk is full".
      await sql`pragma max_page_count = ${sql.raw(String(await pageCount()))}`.execute(app.store.db);
      try {
        expectStorageUnavailable(await readyzUntil(503));
        log.length = 0;
        const res = await app.inject({
          method: 'POST',
          url: '/api/events',
          headers: owner.headers,
          payload: { name: 'Full', date: '2026-12-31', initialTickets: 20_000 },
        });
        expectStorageUnavailable(res);
        const logged = log.join('');
        expect(logged).toMatch(/"code":"SQLITE_FULL"/);
        expect(logged).not.toMatch(/cannot rollback|no transaction is active/);
        const after = await app.inject({ method: 'GET', url: '/api/events', headers: owner.headers });
        expect(after.json().total).toBe(before.json().total);
      } finally {
        await sql`pragma max_page_count = 1073741823`.execute(app.store.db);
      }
      await readyzUntil(200);
    },
  );
});

async function pageCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select page_count as n from pragma_page_count`.execute(app.store.db);
  return Number(rows[0]?.n);
}

describe(`a transaction that fails (${testStore})`, () => {
  // Kysely rolls back and, when that throws too, throws the rollback's error: "cannot rollback -
  // no transaction is active" after SQLite rolled back a full write itself, "not queryable" after
  // PostgreSQL dropped the connection. The store keeps the error that failed the transaction.
  it('rejects with the database’s own error, not the rollback’s, and the store goes on working', async () => {
    const db = await freshDatabase();
    const store = openStore(db.url);
    try {
      let failing: () => Promise<unknown>;
      let code: string;
      if (store.dialect === 'sqlite') {
        await sql`create table blobs (x blob)`.execute(store.db);
        const { rows } = await sql<{ n: number }>`select page_count as n from pragma_page_count`.execute(store.db);
        await sql.raw(`pragma max_page_count = ${Number(rows[0]?.n) + 2}`).execute(store.db);
        code = 'SQLITE_FULL';
        failing = () =>
          store.db.transaction().execute(async (trx) => {
            for (let i = 0; i < 5; i++) await sql`insert into blobs values (randomblob(3000))`.execute(trx);
          });
      } else {
        code = '57P01';
        failing = () =>
          store.db.transaction().execute(async (trx) => {
            await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
          });
      }
      await expect(failing()).rejects.toMatchObject({ code });
      const after = await store.db.transaction().execute((trx) => sql<{ one: number }>`select 1 as one`.execute(trx));
      expect(after.rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
      await db.cleanup();
    }
  });
});

describe('storage errors', () => {
  it('are the database’s "cannot store now" codes, and only those', () => {
    const storage = [
      'SQLITE_READONLY',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_FULL',
      'SQLITE_IOERR',
      'SQLITE_IOERR_WRITE',
      'SQLITE_IOERR_FSYNC',
      'SQLITE_CANTOPEN',
      '25006',
      '53000',
      '53100',
      '53200',
      '53400',
      '58030',
    ];
    const other = [
      'SQLITE_BUSY',
      'SQLITE_CONSTRAINT_UNIQUE',
      'SQLITE_ERROR',
      '23505',
      '53300',
      '57P01',
      '22021',
      '42P01',
    ];
    for (const code of storage) expect(isStorageUnavailable({ code }), code).toBe(true);
    for (const code of other) expect(isStorageUnavailable({ code }), code).toBe(false);
    expect(isStorageUnavailable(new Error('no code'))).toBe(false);
    expect(isStorageUnavailable(null)).toBe(false);
  });
});
