import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

interface Candidate {
  /** The last value the log's sequence had handed out when it was taken. */
  last: number;
  /** The transactions that then held the log open for writing (virtual transaction ids). */
  holders: string[];
}

/**
 * PostgreSQL: up to which `scans.seq` the log is settled, every row at or below it committed or
 * rolled back for good, so that folding rows up to it into a rollup can never miss one. Seqs are
 * drawn from a sequence when a row is inserted, but transactions commit in any order: one may
 * commit seq 10 after another committed seq 11.
 *
 * An insert takes its lock on `scans` (RowExclusiveLock, held to the end of its transaction)
 * before it draws a seq. So: read the sequence's last value L, then the transactions holding
 * that lock. Every seq up to L was drawn by one of them or by a transaction already over; once
 * none of them holds the lock any more, everything up to L is settled. Nothing waits: a candidate
 * (L, holders) is kept per process and checked at the next call; with no holder, L is settled at
 * once. A transaction that holds the lock for long (a big delete) only delays folding.
 */
export class SettledScans {
  #settled = 0;
  #candidate: Candidate | null = null;

  /** The highest seq this process last found settled, without asking (0: none yet). */
  get current(): number {
    return this.#settled;
  }

  /** Finds out how far the log has settled now: the highest seq known settled (0: none yet). */
  async bound(db: Db): Promise<number> {
    const last = Number(
      (
        await sql<{ last: string | null }>`
          select pg_sequence_last_value(pg_get_serial_sequence('scans', 'seq')::regclass)::text as last`.execute(db)
      ).rows[0]?.last ?? 0,
    );
    const { rows } = await sql<{ vxid: string }>`
      select virtualtransaction as vxid from pg_locks
      where locktype = 'relation' and relation = 'scans'::regclass and mode = 'RowExclusiveLock'
        and granted and pid <> pg_backend_pid()
        and database = (select oid from pg_database where datname = current_database())`.execute(db);
    const holders = new Set(rows.map((r) => r.vxid));
    const previous = this.#candidate;
    if (previous && !previous.holders.some((h) => holders.has(h))) {
      this.#settled = Math.max(this.#settled, previous.last);
    }
    if (holders.size === 0) {
      this.#settled = Math.max(this.#settled, last);
      this.#candidate = null;
    } else {
      this.#candidate = { last, holders: [...holders] };
    }
    return this.#settled;
  }
}
