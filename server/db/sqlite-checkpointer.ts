import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's WAL checkpoints, off the event loop.
 *
 * In WAL mode a commit appends pages to the -wal file, and a checkpoint copies them back into the
 * database file and syncs it. By default the connection that commits past 1,000 WAL pages runs the
 * checkpoint itself, inside that commit: on the redeemer's connection that is the event loop, so
 * every door in the middle of a rush waited for a copy of a few MB and an fsync (seen here as p99
 * answers of 80-160 ms on a slow disk, and about 2 µs a scan in process).
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every `everyMs`: it
 * never blocks the writer, and the WAL starts over once it has all been copied. The app's own
 * connection keeps an automatic checkpoint only as a backstop, at `backstopPages`, should the
 * worker fall behind or die.
 */
export interface Checkpointer {
  /** Stops the worker; its last checkpoint, if one is running, completes first. */
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let timer;
let stopped = false;
function checkpoint() {
  if (stopped) return;
  let behind = false;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // Pages committed while it copied: copy them soon after, so that the WAL is soon all
    // copied and the app's next commit starts it over instead of growing it.
    behind = result.checkpointed < result.log;
  } catch {
    // SQLITE_BUSY (another checkpoint is running) or a transient error: the next round tries again.
  }
  timer = setTimeout(checkpoint, behind ? 5 : workerData.everyMs);
}
checkpoint();
parentPort.on('message', () => {
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/** The automatic checkpoint left on the app's own connection, in pages (4 KiB each): 64 MiB. */
export const BACKSTOP_PAGES = 16_384;

export function startCheckpointer(file: string, everyMs = 100): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, everyMs } });
  worker.unref();
  // A worker that fails leaves the backstop to checkpoint: nothing is lost, only the latency.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
