import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Which store this test run uses: set by the vitest project (`server` = SQLite, `server-pg` = PostgreSQL). */
export const testStore: 'sqlite' | 'postgres' = process.env.ADMIT_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL server tests may use (its database is only used to create and drop others). */
export const pgAdminUrl = process.env.ADMIT_TEST_PG_URL;

export interface FreshDatabase {
  url: string;
  cleanup: () => Promise<void>;
}

/** A fresh SQLite file in a temp folder. */
export function freshSqlite(): FreshDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-test-'));
  return {
    url: `sqlite:${path.join(dir, 'admit.db')}`,
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A freshly created PostgreSQL database of its own, dropped by cleanup, so parallel runs never collide. */
export async function freshPostgres(adminUrl = pgAdminUrl, prefix = 'admit_test'): Promise<FreshDatabase> {
  if (!adminUrl) throw new Error('ADMIT_TEST_PG_URL is not set');
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh database of the store under test. */
export function freshDatabase(): Promise<FreshDatabase> {
  return testStore === 'postgres' ? freshPostgres() : Promise.resolve(freshSqlite());
}
