/**
 * Which scans of an event may be sent, in log order, with nothing left behind.
 *
 * On PostgreSQL `scans.seq` comes from a sequence: a transaction can draw seq 10, another draw
 * 11 and commit first, and a read in between sees 11 but not 10. A stream that moved its cursor
 * to 11 would never send 10. So each read also takes the snapshot's horizon (`pg_current_snapshot()`):
 * every seq up to what read k saw is settled once every transaction that was running at read k
 * has ended (none of them is running at a later read), because a transaction that had drawn a
 * lower seq and not committed was running then. Scans are sent only up to the settled seq, so
 * the stream's event ids grow and `Last-Event-ID` resumes exactly.
 *
 * One gap is left, and narrowed by time: PostgreSQL draws a sequence value before it gives the
 * inserting transaction its id (an insert that writes nothing before the scan row), so for a few
 * microseconds a transaction holding a seq is invisible in snapshots as running. A read is
 * therefore settled no sooner than SETTLE_GRACE_MS after it was made: a scan whose insert stalls
 * longer than that between drawing its seq and committing could be missed by live streams (never
 * by the log, which the page reloads when its stream reconnects).
 *
 * On SQLite writers take turns: what a read sees is settled at once.
 */

/** A PostgreSQL snapshot: transactions below xmin have ended, from xmax on have not started, `running` in between are running. */
export interface Horizon {
  xmin: bigint;
  xmax: bigint;
  running: bigint[];
}

/** Parses `pg_current_snapshot()::text`, `xmin:xmax:xip,xip,…`; null when it is not one. */
export function parseSnapshot(text: string): Horizon | null {
  const match = /^(\d+):(\d+):([\d,]*)$/.exec(text.trim());
  if (!match) return null;
  const running = match[3] ? (match[3] as string).split(',').map((x) => BigInt(x)) : [];
  return { xmin: BigInt(match[1] as string), xmax: BigInt(match[2] as string), running };
}

export const SETTLE_GRACE_MS = 100;
/** Reads kept while waiting to settle; past this the oldest go (later reads settle as much or more). */
const MAX_WAITING = 64;

interface Observed {
  visible: number;
  running: bigint[];
  at: number;
}

export class ScanFrontier {
  #settled: number;
  #waiting: Observed[] = [];

  /** `start`: every scan up to this seq counts as sent. */
  constructor(
    start: number,
    private readonly graceMs = SETTLE_GRACE_MS,
  ) {
    this.#settled = start;
  }

  /** Every scan with a seq up to this one has been seen by a read (or will never exist). */
  get settled(): number {
    return this.#settled;
  }

  /** True while reads wait to settle: another read after the grace settles them. */
  get waiting(): boolean {
    return this.#waiting.length > 0;
  }

  /**
   * After a read that saw scans up to `visible` with this horizon (null on SQLite), at `now`:
   * the settled seq. A read settles every earlier read whose running transactions have all
   * ended by now, once the grace has passed.
   */
  observe(visible: number, horizon: Horizon | null, now: number): number {
    if (horizon === null) {
      this.#settled = Math.max(this.#settled, visible);
      return this.#settled;
    }
    if (visible > this.#settled) {
      this.#waiting.push({ visible, running: horizon.running, at: now });
      if (this.#waiting.length > MAX_WAITING) this.#waiting.shift();
    }
    const runningNow = new Set(horizon.running);
    let settledUpTo = -1;
    for (let i = 0; i < this.#waiting.length; i++) {
      const read = this.#waiting[i] as Observed;
      if (now - read.at < this.graceMs) break;
      // A transaction running at that read and since ended is below xmin, or between xmin and
      // xmax and not running; a transaction's id never exceeds a later read's xmax.
      if (read.running.every((xid) => !runningNow.has(xid))) settledUpTo = i;
    }
    if (settledUpTo >= 0) {
      const read = this.#waiting[settledUpTo] as Observed;
      this.#settled = Math.max(this.#settled, read.visible);
      this.#waiting = this.#waiting.slice(settledUpTo + 1).filter((r) => r.visible > this.#settled);
    }
    return this.#settled;
  }
}
