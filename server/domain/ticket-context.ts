import type { Kysely } from 'kysely';
import { perDatabase } from '../db/precompile.js';
import type { Database } from '../db/schema.js';
import type { Db } from './common.js';

interface Context {
  eventId: string;
  createdAt: string;
}

const MAX_ENTRIES = 10_000;
const caches = perDatabase(() => new Map<string, Context>());

/**
 * The public event id and creation time behind a ticket's (event, batch) keys. Both never
 * change once written, so they are cached per database: a redeem then needs no join.
 */
export async function ticketContext(
  db: Kysely<Database>,
  trx: Db,
  eventSeq: number,
  batchSeq: number,
): Promise<Context> {
  const cache = caches(db);
  const key = `${eventSeq}:${batchSeq}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const row = await trx
    .selectFrom('ticket_batches')
    .innerJoin('events', 'events.seq', 'ticket_batches.event_seq')
    .select(['events.id as event_id', 'ticket_batches.created_at'])
    .where('ticket_batches.seq', '=', batchSeq)
    .where('events.seq', '=', eventSeq)
    .executeTakeFirstOrThrow();
  const context = { eventId: row.event_id, createdAt: row.created_at };
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, context);
  return context;
}
