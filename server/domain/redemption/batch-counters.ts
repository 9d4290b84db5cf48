import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import { precompile } from '../../db/precompile.js';
import type { Database } from '../../db/schema.js';
import { COUNTER_SLOTS } from '../events/event-counters.js';

/**
 * A redemption counted on a slot of its batch's counter (batch_counters, migration 009): the row
 * is made by the first redemption on that slot, so a batch costs nothing until it is scanned.
 */
export function countBatchStatement(db: Kysely<Database>) {
  return precompile<{ batchSeq: number; slot: number }>(['batchSeq', 'slot'], (p) =>
    db
      .insertInto('batch_counters')
      .values({ batch_seq: p.batchSeq, slot: p.slot, redeemed: 1 })
      .onConflict((oc) =>
        oc
          .columns(['batch_seq', 'slot'])
          .doUpdateSet((eb) => ({ redeemed: eb(eb.ref('batch_counters.redeemed'), '+', 1) })),
      ),
  );
}

/** An undone redemption, taken off a slot of its batch's counter (one that holds some). */
export async function uncountBatch(db: Db, batchSeq: number): Promise<void> {
  const slot = await db
    .selectFrom('batch_counters')
    .select('slot')
    .where('batch_seq', '=', batchSeq)
    .where('redeemed', '>', 0)
    .orderBy('redeemed', 'desc')
    .limit(1)
    .executeTakeFirst();
  await db
    .updateTable('batch_counters')
    .set((eb) => ({ redeemed: eb('redeemed', '-', 1) }))
    .where('batch_seq', '=', batchSeq)
    .where('slot', '=', slot ? Number(slot.slot) : Math.floor(Math.random() * COUNTER_SLOTS))
    .execute();
}
