import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import {
  type RedeemInput,
  type RedeemResult,
  redeemInOneStatement,
  redeemInTransaction,
  redeemTicket,
} from './redeem-ticket.js';

interface Pending {
  input: RedeemInput;
  resolve: (result: RedeemResult) => void;
  reject: (error: unknown) => void;
}

/** Something that redeems tickets: one transaction per scan, or batched. */
export interface Redeemer {
  redeem(input: RedeemInput): Promise<RedeemResult>;
}

/** PostgreSQL: one statement per redemption; concurrent connections commit in parallel. */
export function postgresRedeemer(db: Kysely<Database>): Redeemer {
  return { redeem: (input) => redeemInOneStatement(db, input) };
}

/**
 * Group commit for SQLite, where one connection writes at a time: scans that arrive while a
 * transaction is running are redeemed together in the next one, each with its own conditional
 * update, and all are answered only after that transaction commits. The per-commit work (and
 * with SQLITE_SYNC=full, the fsync) is shared by the whole group.
 */
export class BatchingRedeemer implements Redeemer {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 256,
  ) {}

  redeem(input: RedeemInput): Promise<RedeemResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.db.transaction().execute(async (trx) => {
          const out: RedeemResult[] = [];
          for (const item of batch) out.push(await redeemInTransaction(this.db, trx, item.input));
          return out;
        });
        for (const [i, item] of batch.entries()) item.resolve(results[i] as RedeemResult);
      } catch {
        // Nothing of the group was committed: redeem each alone, so one failure
        // cannot fail its neighbours.
        for (const item of batch) await redeemTicket(this.db, item.input).then(item.resolve, item.reject);
      }
    }
    this.running = false;
  }
}
