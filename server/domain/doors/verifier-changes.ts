import type { VerifierChanges } from '../../../shared/door.js';
import { hashToHex, verifierStateNames } from '../../../shared/verifier.js';
import type { Store } from '../../db/database.js';
import type { ScanLogOutcome } from '../../db/schema.js';
import { finishedBatches, logPositions, ticketHash, ticketState } from './verifier.js';
import { getVerifierKey } from './verifier-key.js';

/** At most this many changes in one answer; past it the device downloads the verifier again. */
export const VERIFIER_CHANGES_MAX = 5_000;

/** The log rows that can change a ticket's state (refusals change nothing). */
const CHANGING: ScanLogOutcome[] = ['admitted', 'undone', 'voided', 'unvoided', 'offline_double_entry'];

/** Ticket ids per statement when reading their states. */
const STATE_CHUNK = 500;

/**
 * What changed in an event's tickets after position `since` of its scan log: the current state of
 * every ticket that a scan after it admitted, undid, voided or unvoided, up to the settled
 * position (one index range scan of scans (event_seq, seq)). More than VERIFIER_CHANGES_MAX such
 * scans: `reload`, and no changes. `totalTickets` counts the finished batches' tickets: when it
 * differs from the device's copy, a batch was added and the copy is downloaded again.
 */
export async function verifierChanges(store: Store, eventSeq: number, since: number): Promise<VerifierChanges> {
  const { db } = store;
  const { head, settled } = await logPositions(store, eventSeq);
  const totalTickets = (await finishedBatches(db, eventSeq)).reduce((sum, b) => sum + b.count, 0);
  // A position past the log's head is none this event's log gave: start again from a download.
  if (since > head) return { position: settled, totalTickets, reload: true, changes: [] };
  const position = Math.max(since, settled);
  if (position === since) return { position, totalTickets, changes: [] };
  const rows = await db
    .selectFrom('scans')
    .select('ticket_id')
    .where('event_seq', '=', eventSeq)
    .where('seq', '>', since)
    .where('seq', '<=', position)
    .where('outcome', 'in', CHANGING)
    .where('ticket_id', 'is not', null)
    .orderBy('seq')
    .limit(VERIFIER_CHANGES_MAX + 1)
    .execute();
  if (rows.length > VERIFIER_CHANGES_MAX) return { position, totalTickets, reload: true, changes: [] };
  const ids = [...new Set(rows.map((r) => r.ticket_id as string))];
  if (ids.length === 0) return { position, totalTickets, changes: [] };
  const secret = Buffer.from(await getVerifierKey(db, eventSeq), 'hex');
  const changes: VerifierChanges['changes'] = [];
  for (let i = 0; i < ids.length; i += STATE_CHUNK) {
    const tickets = await db
      .selectFrom('tickets')
      .select(['id', 'redeemed_at', 'voided_at'])
      .where('id', 'in', ids.slice(i, i + STATE_CHUNK))
      .where('event_seq', '=', eventSeq)
      .execute();
    for (const t of tickets) {
      changes.push({
        hash: hashToHex(ticketHash(secret, t.id)),
        state: verifierStateNames[ticketState(t)] as 'ok' | 'redeemed' | 'void',
      });
    }
  }
  return { position, totalTickets, changes };
}
