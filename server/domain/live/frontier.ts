/**
 * Which scans of an event may be sent, in log order, with nothing left behind.
 *
 * On PostgreSQL `scans.seq` comes from a sequence: a transaction can draw seq 10, another draw
 * 11 and commit first, and a read in between sees 11 but not 10. A stream that moved its cursor
 * to 11 would never send 10. An insert takes its lock on `scans` (RowExclusiveLock, held to the
 * end of its transaction) before it draws a seq; so each read of an event's head also takes, in
 * the same statement, the last seq the sequence handed out and the transactions holding that
 * lock (the horizon). Every seq up to that last one was drawn by one of those holders or by a
 * transaction already over: once none of them holds the lock any more (at a later read), every
 * scan up to it is settled, committed or gone for good. With no holder it is settled at once.
 * Scans are sent only up to the settled seq, so a stream's event ids grow and `Last-Event-ID`
 * resumes exactly. (The scan log's arrivals rollup settles its rows the same way.)
 *
 * On SQLite writers take turns: what a read sees is settled at once.
 */

/** PostgreSQL: the last seq drawn from the log's sequence, and the transactions then holding `scans` open for writing. */
export interface Horizon {
  last: number;
  holders: string[];
}

/** Reads kept while waiting to settle; past this the oldest go (a later read settles as much or more). */
const MAX_WAITING = 64;

export class ScanFrontier {
  #settled: number;
  #waiting: Horizon[] = [];

  /** `start`: every scan up to this seq counts as sent. */
  constructor(start: number) {
    this.#settled = start;
  }

  /** Every scan with a seq up to this one is committed or will never exist. */
  get settled(): number {
    return this.#settled;
  }

  /** True while a read waits to settle: a later read may settle it. */
  get waiting(): boolean {
    return this.#waiting.length > 0;
  }

  /**
   * After a read that saw the event's scans up to `visible`, with this horizon (null on SQLite):
   * the settled seq. A read settles every earlier one whose holders have all let go since.
   */
  observe(visible: number, horizon: Horizon | null): number {
    if (horizon === null) {
      this.#settled = Math.max(this.#settled, visible);
      return this.#settled;
    }
    const holding = new Set(horizon.holders);
    let settledUpTo = -1;
    for (let i = 0; i < this.#waiting.length; i++) {
      if ((this.#waiting[i] as Horizon).holders.every((h) => !holding.has(h))) settledUpTo = i;
    }
    if (settledUpTo >= 0) this.#settled = Math.max(this.#settled, (this.#waiting[settledUpTo] as Horizon).last);
    this.#waiting = this.#waiting.slice(settledUpTo + 1);
    if (horizon.holders.length === 0) {
      this.#settled = Math.max(this.#settled, horizon.last);
      this.#waiting = [];
    } else if (horizon.last > this.#settled) {
      this.#waiting.push(horizon);
      if (this.#waiting.length > MAX_WAITING) this.#waiting.shift();
    }
    this.#waiting = this.#waiting.filter((h) => h.last > this.#settled);
    return this.#settled;
  }
}
