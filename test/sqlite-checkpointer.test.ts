import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../server/db/database.js';

// SQLite only: checkpoints are how SQLite's WAL reaches the database file.
const dirs: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function open(background: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-checkpoint-'));
  dirs.push(dir);
  const file = path.join(dir, 'admit.db');
  const store = openStore(`sqlite:${file}`, { sqliteBackgroundCheckpoints: background });
  stores.push(store);
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('no SQLite connection');
  sqlite.exec('create table blobs (b blob)');
  return { store, sqlite, file };
}

/** 500 pages (2 MB) in one commit: under SQLite's own automatic checkpoint (1,000 pages). */
function write2Mb(sqlite: NonNullable<Store['sqlite']>) {
  const insert = sqlite.prepare('insert into blobs values (randomblob(4000))');
  sqlite.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run();
  })();
}

async function fileSizeAfter(file: string, ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return fs.statSync(file).size;
}

describe('WAL checkpoints off the event loop (SQLite)', () => {
  it('copies committed pages into the database file from a worker, without the app’s connection doing it', async () => {
    const { sqlite, file } = open(true);
    const before = fs.statSync(file).size;
    write2Mb(sqlite);
    // The app's connection checkpoints only past the backstop (64 MB): here the worker did it.
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384);
    let size = before;
    for (let i = 0; i < 40 && size - before < 2_000_000; i++) size = await fileSizeAfter(file, 50);
    expect(size - before).toBeGreaterThanOrEqual(2_000_000);
    // Everything is still there, read through the app's connection.
    expect(sqlite.prepare('select count(*) as n from blobs').get()).toEqual({ n: 500 });
  });

  it('without it, the same commit stays in the WAL until SQLite’s own checkpoint (the control)', async () => {
    const { sqlite, file } = open(false);
    const before = fs.statSync(file).size;
    write2Mb(sqlite);
    expect(await fileSizeAfter(file, 500)).toBe(before);
  });

  it('stops its worker when the store closes, leaving a database another process can open whole', async () => {
    const { store, sqlite, file } = open(true);
    write2Mb(sqlite);
    stores.splice(stores.indexOf(store), 1);
    await store.close();
    const again = openStore(`sqlite:${file}`);
    stores.push(again);
    expect(again.sqlite?.prepare('select count(*) as n from blobs').get()).toEqual({ n: 500 });
  });
});
