import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openStore } from '../server/db/database.js';
import { type Checkpointer, startCheckpointer } from '../server/db/sqlite-checkpointer.js';

// SQLite only: checkpoints are how SQLite's WAL reaches the database file.
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-checkpoint-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'admit.db');
}

function open(background: boolean) {
  const file = tempFile();
  const store = openStore(`sqlite:${file}`, { sqliteBackgroundCheckpoints: background });
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await store.close();
  });
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('no SQLite connection');
  sqlite.exec('create table blobs (b blob)');
  return {
    store,
    sqlite,
    file,
    close: async () => {
      closed = true;
      await store.close();
    },
  };
}

/** `pages` pages of 4 KB in one commit. */
function writePages(sqlite: SqliteDatabase.Database, pages: number) {
  const insert = sqlite.prepare('insert into blobs values (randomblob(4000))');
  sqlite.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run();
  })();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms = 5_000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await pause(20)) if (check()) return true;
  return check();
}

/**
 * A WAL database on a connection of its own, checkpointing nothing itself, with a checkpointer
 * whose holds are counted (`onHold` runs at each): both closed after the test.
 */
function walWithCheckpointer(restartPages: number, onHold: () => void = () => {}) {
  const file = tempFile();
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.exec('create table blobs (b blob)');
  const counted = { holds: 0 };
  const checkpointer: Checkpointer = startCheckpointer(file, {
    hold: async (work) => {
      counted.holds++;
      onHold();
      await work();
    },
    onUnaskedExit: () => {},
    restartPages,
    everyMs: 10,
  });
  cleanups.push(() => {
    sqlite.close();
  });
  cleanups.push(() => checkpointer.stop());
  return { file, sqlite, counted };
}

/** Frames in the WAL now: after a restart, only the commits since. */
function walFrames(sqlite: SqliteDatabase.Database): number {
  const [wal] = sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  return wal?.log ?? Number.NaN;
}

describe('WAL checkpoints off the event loop (SQLite)', () => {
  it('copies committed pages into the database file from a worker, the app’s connection checkpointing nothing', async () => {
    const { sqlite, file } = open(true);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = fs.statSync(file).size;
    // 500 pages (2 MB): under SQLite's own automatic checkpoint (1,000 pages) anyway.
    writePages(sqlite, 500);
    expect(await until(() => fs.statSync(file).size - before >= 2_000_000)).toBe(true);
    expect(sqlite.prepare('select count(*) as n from blobs').get()).toEqual({ n: 500 });
  });

  it('without it, the same commit stays in the WAL until SQLite’s own checkpoint (the control)', async () => {
    const { sqlite, file } = open(false);
    const before = fs.statSync(file).size;
    writePages(sqlite, 500);
    await pause(500);
    expect(fs.statSync(file).size).toBe(before);
  });

  it('makes a WAL that keeps growing start over: past its limit it holds the app’s connection while it copies the rest', async () => {
    let writing = 0;
    let wroteWhileHeld = false;
    const { sqlite, counted } = walWithCheckpointer(300, () => {
      if (writing > 0) wroteWhileHeld = true;
    });
    // Commits that never pause long: 40 pages a turn of the event loop.
    for (let i = 0; i < 100 && counted.holds === 0; i++) {
      writing++;
      writePages(sqlite, 40);
      writing--;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await until(() => counted.holds > 0)).toBe(true);
    expect(wroteWhileHeld).toBe(false);
    await pause(50);
    writePages(sqlite, 1);
    // The WAL started over: it holds the last commit only, not the hundreds of pages before it.
    expect(walFrames(sqlite)).toBeLessThan(20);
  });

  it('holds the app’s connection once after a big write, not again and again while nothing more is written', async () => {
    const { sqlite, counted } = walWithCheckpointer(100);
    writePages(sqlite, 300);
    expect(await until(() => counted.holds > 0)).toBe(true);
    // Rounds every 10 ms: an idle WAL past its limit, all copied already, is not held for again.
    await pause(500);
    expect(counted.holds).toBe(1);
    // The next write starts the WAL over by itself.
    writePages(sqlite, 1);
    expect(walFrames(sqlite)).toBeLessThan(20);
  });

  it('does not keep holding the app’s connection while a reader on an old snapshot (an online backup) stops the copy', async () => {
    const { file, sqlite, counted } = walWithCheckpointer(100);
    const backup = new SqliteDatabase(file, { readonly: true });
    cleanups.push(() => {
      if (backup.open) backup.close();
    });
    backup.exec('begin');
    expect(backup.prepare('select count(*) as n from blobs').get()).toEqual({ n: 0 });
    writePages(sqlite, 300);
    await pause(800);
    // One hold, then a second past a one-second pause at most: not one every round of 10 ms.
    expect(counted.holds).toBeGreaterThanOrEqual(1);
    expect(counted.holds).toBeLessThanOrEqual(2);
    backup.exec('commit');
    backup.close();
    // Once the reader is gone, the next hold copies everything and the WAL starts over.
    const before = counted.holds;
    expect(await until(() => counted.holds > before, 3_000)).toBe(true);
    await pause(50);
    writePages(sqlite, 1);
    expect(walFrames(sqlite)).toBeLessThan(20);
  });

  it('is what the app uses with one process; several processes on one file keep SQLite’s own checkpoints', async () => {
    for (const [workers, autocheckpoint] of [
      [1, 0],
      [2, 1000],
    ] as const) {
      const config = loadConfig({}, { databaseUrl: `sqlite:${tempFile()}`, webRoot: null, logLevel: 'warn', workers });
      const app = await buildApp(config, { logger: false });
      try {
        expect(app.store.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(autocheckpoint);
      } finally {
        await app.close();
      }
    }
  });

  it('stops its worker when the store closes, leaving a database another connection opens whole', async () => {
    const { sqlite, file, close } = open(true);
    writePages(sqlite, 500);
    await close();
    const again = openStore(`sqlite:${file}`);
    cleanups.push(() => again.close());
    expect(again.sqlite?.prepare('select count(*) as n from blobs').get()).toEqual({ n: 500 });
  });

  it('hands checkpoints back to the app when its worker ends unasked (here: it cannot open the file)', async () => {
    const handedBack = new Promise<boolean>((resolve) => {
      startCheckpointer(path.join(os.tmpdir(), `admit-no-such-dir-${process.pid}`, 'missing.db'), {
        hold: (work) => work(),
        onUnaskedExit: () => resolve(true),
      });
      setTimeout(() => resolve(false), 5_000);
    });
    expect(await handedBack).toBe(true);
  });
});
