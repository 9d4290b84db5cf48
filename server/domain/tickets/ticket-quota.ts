import { SqliteAdapter, type Transaction } from 'kysely';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Makes creations of one account check the quota one after the other: on PostgreSQL by locking
 * the account's row until the transaction ends (FOR NO KEY UPDATE: sessions being created for
 * the account, which only key-share the row, do not wait). On SQLite the transaction's first write already
 * holds the database's one write lock. Nothing to do without a limit.
 */
export async function lockAccountForQuota(trx: Transaction<Database>, ownerId: string, limit: number): Promise<void> {
  if (limit <= 0 || trx.getExecutor().adapter instanceof SqliteAdapter) return;
  await trx.selectFrom('users').select('id').where('id', '=', ownerId).forNoKeyUpdate().execute();
}

/** A batch just written in the creating transaction, as the quota sees it. */
export interface QuotaCheck {
  ownerId: string;
  batchSeq: number;
  count: number;
  /** When the batch was created (its created_at). */
  at: string;
  /** Tickets the account may create per hour; 0 means no limit. */
  limit: number;
}

/**
 * Refuses with 429 quota_exceeded (and the seconds until enough of the hour's tickets have aged
 * out, for Retry-After) when the account's batches created in the hour up to `at`, the one just
 * written in this transaction included, hold more than `limit` tickets; the transaction then
 * rolls back and nothing is created. Pending batches count, removed ones (failed, abandoned) do
 * not.
 */
export async function checkTicketQuota(trx: Transaction<Database>, check: QuotaCheck): Promise<void> {
  const { ownerId, batchSeq, count, limit, at } = check;
  if (limit <= 0) return;
  const now = Date.parse(at);
  const window = trx
    .selectFrom('ticket_batches')
    .where('created_by', '=', ownerId)
    .where('created_at', '>', new Date(now - HOUR_MS).toISOString());
  const used = await window.select((eb) => eb.fn.sum<string | number>('count').as('n')).executeTakeFirstOrThrow();
  if (Number(used.n ?? 0) <= limit) return;

  const n = (value: number) => value.toLocaleString('en-US');
  if (count > limit) {
    const detail = `${n(count)} tickets are more than an account may create in an hour (${n(limit)}).`;
    throw new AppError(ErrorCode.quotaExceeded, 429, detail, { retryAfter: HOUR_MS / 1000 });
  }
  // The oldest batches age out first: wait until enough of them have for this one to fit.
  const earlier = await window
    .select(['count', 'created_at'])
    .where('seq', '!=', batchSeq)
    .orderBy('created_at')
    .execute();
  let excess = Number(used.n) - limit;
  let retryAfter = HOUR_MS / 1000;
  for (const batch of earlier) {
    excess -= Number(batch.count);
    if (excess <= 0) {
      retryAfter = Math.max(1, Math.ceil((Date.parse(batch.created_at) + HOUR_MS - now) / 1000));
      break;
    }
  }
  const detail = `${n(count)} more tickets would take this account past the ${n(limit)} it may create in an hour: try again in ${retryAfter} s.`;
  throw new AppError(ErrorCode.quotaExceeded, 429, detail, { retryAfter });
}
