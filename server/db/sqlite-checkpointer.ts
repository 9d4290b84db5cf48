import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's WAL checkpoints, off the event loop.
 *
 * In WAL mode a commit appends pages to the -wal file, and a checkpoint copies them back into the
 * database file and syncs it. By default the connection that commits past 1,000 WAL pages runs the
 * checkpoint itself, inside that commit: on the app's one connection that is the event loop, so
 * every door in the middle of a rush waited for a copy of a few MB and two fsyncs (about 2.5 µs a
 * scan in process; in the door rush on this machine, rounds with p99 of 50-840 ms).
 *
 * Here a worker thread with its own connection copies the pages: a PASSIVE checkpoint every
 * `everyMs`, and every 5 ms while commits outpace it. It never blocks a writer, and the app's
 * connection checkpoints nothing itself. But the WAL starts over only when it has all been copied
 * as a write begins, which commits that never pause (a rush, a 500,000-ticket add) never allow: it
 * grew to 862 MB in a rush. So when it passes `restartPages`, the worker asks the app to `hold`
 * its connection: the app's statements wait for it (the event loop does not), the worker copies
 * what is left and syncs, and the app's next commit starts the WAL over. The copy is short, since
 * the worker has copied and synced all but the last pages already (see flush).
 *
 * If the worker stops unasked, the app's connection takes SQLite's own checkpoints back.
 */
export interface Checkpointer {
  /** Stops the worker; a checkpoint it is running completes first. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Runs `work` while no statement of the app runs on its connection (Kysely's `db.connection()`). */
  hold: (work: () => Promise<void>) => Promise<void>;
  /** Called if the worker ends before `stop`: the app must checkpoint itself again. */
  onUnaskedExit: () => void;
  /** WAL pages (4 KiB) past which the WAL is made to start over: 4,096 (16 MB). */
  restartPages?: number;
  everyMs?: number;
}

const WORKER = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
// The database file, to sync what the copies wrote into it (see flush).
const file = fs.openSync(workerData.file, 'r');
let timer;
let stopped = false;
let asked = false;
// A held copy that could not take everything (a reader on an old snapshot: an online backup)
// is not asked for again before this time.
let askAfter = 0;
// The WAL's length when a held copy last took all of it: while it stays so, nothing was written
// since, and the next write starts the WAL over by itself. Not asked for again until then.
let copiedLog = -1;
function passive() {
  try {
    return db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch {
    // SQLITE_BUSY or a transient error: the next round tries again.
    return undefined;
  }
}
// SQLite syncs the database file only after a copy that reaches the WAL's end, which commits
// going on never let happen: the pages copied meanwhile stay in the OS's cache, unsynced, and the
// held copy, which does reach the end, synced all of them while the app waited (30-140 ms a hold
// while 500,000 tickets were added). So before asking, the worker syncs them itself, and copies
// and syncs again while a sync took long (commits outpacing it), up to 3 times.
function flush() {
  for (let i = 0; i < 3; i++) {
    const start = Date.now();
    try {
      fs.fsyncSync(file);
    } catch {
      return;
    }
    passive();
    if (Date.now() - start < 10) return;
  }
}
function round() {
  if (stopped) return;
  const result = passive();
  // Pages committed while it copied: copy them soon after.
  const behind = result !== undefined && result.checkpointed < result.log;
  const idle = result !== undefined && result.log === copiedLog;
  if (result && result.log >= workerData.restartPages && !idle && !asked && Date.now() >= askAfter) {
    flush();
    asked = true;
    parentPort.postMessage('restart');
  }
  timer = setTimeout(round, behind ? 5 : workerData.everyMs);
}
round();
parentPort.on('message', (message) => {
  if (message === 'held') {
    // The app's connection writes nothing now: this copy takes what is left.
    const result = passive();
    const copied = result !== undefined && result.checkpointed === result.log;
    asked = false;
    if (copied) copiedLog = result.log;
    else askAfter = Date.now() + 1000;
    parentPort.postMessage({ copied });
    return;
  }
  stopped = true;
  clearTimeout(timer);
  fs.closeSync(file);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(file: string, options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver, file, everyMs: options.everyMs ?? 100, restartPages: options.restartPages ?? 4_096 },
  });
  worker.unref();
  let stopping = false;
  let copied: (() => void) | undefined;
  worker.on('message', (message: unknown) => {
    if (message === 'restart') {
      if (stopping) return;
      // Held until the worker has copied what is left (or has ended).
      void options
        .hold(() => {
          if (stopping) return Promise.resolve();
          return new Promise<void>((resolve) => {
            copied = resolve;
            worker.postMessage('held');
          });
        })
        .catch(() => {});
    } else if (copied) {
      copied();
      copied = undefined;
    }
  });
  // An error ends the worker: its exit hands checkpoints back to the app's connection.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      copied?.();
      if (!stopping) options.onUnaskedExit();
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
