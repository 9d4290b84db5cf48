import { ErrorCode } from '../../../shared/error-codes.js';
import { Limits, type OwnerTicket } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { canonicalId } from '../common.js';
import { normaliseText } from '../text.js';
import { getOwnedTicket } from './get-ticket.js';

/**
 * A label as it is stored: normalised like every name (NFC, trimmed, one line of visible text,
 * at most 200 characters); null for null or a blank label, which clears it.
 */
export function normaliseLabel(value: string | null, field = 'label'): string | null {
  if (value === null || value.trim() === '') return null;
  return normaliseText(value, field, { max: Limits.labelMax });
}

/**
 * The search key of a label or of a query: compatibility-decomposed (NFKD), without combining
 * marks, lowercased, so "Zoë", "ZOE" and "zoe" meet. Both sides are folded by this one function.
 */
export function labelKey(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().normalize('NFC');
}

/** Sets or clears the label of a ticket of an owned event; 404 ticket_not_found for anyone else's. */
export async function setTicketLabel(
  db: Db,
  ownerId: string,
  ticketId: string,
  value: string | null,
): Promise<Omit<OwnerTicket, 'publicUrl'>> {
  const label = normaliseLabel(value);
  // The owner's lookup decides visibility (another user's ticket, a pending batch, a deleted event).
  const ticket = await getOwnedTicket(db, ownerId, ticketId);
  const result = await db
    .updateTable('tickets')
    .set({ label, label_key: label === null ? null : labelKey(label) })
    .where('id', '=', canonicalId(ticket.id))
    .executeTakeFirst();
  // The event was deleted in between: the update was skipped (migration 010's trigger).
  if (Number(result.numUpdatedRows) !== 1) throw AppError.notFound(ErrorCode.ticketNotFound, 'No such ticket.');
  return { ...ticket, label };
}
