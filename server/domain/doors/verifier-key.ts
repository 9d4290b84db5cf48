import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';

/**
 * The event's verifier key (migration 012), made on first use: a conditional update writes a new
 * key only while there is none, and the key is read back after it, so two processes racing here
 * both answer the one that was written first.
 */
export async function getVerifierKey(db: Db, eventSeq: number): Promise<string> {
  const read = async () =>
    (await db.selectFrom('events').select('verifier_key').where('seq', '=', eventSeq).executeTakeFirstOrThrow())
      .verifier_key;
  const key = await read();
  if (key) return key;
  await db
    .updateTable('events')
    .set({ verifier_key: randomBytes(32).toString('hex') })
    .where('seq', '=', eventSeq)
    .where('verifier_key', 'is', null)
    .execute();
  const made = await read();
  if (!made) throw new Error('the verifier key was not written');
  return made;
}
