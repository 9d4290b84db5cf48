import { ErrorCode } from '../../../shared/error-codes.js';
import type { OwnerTicket, PublicTicket, Ticket } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { canonicalId } from '../common.js';
import { DELETED_OWNER_ID } from '../events/delete-event.js';
import { toTicket } from './to-ticket.js';

function ticketQuery(db: Db, ticketId: string) {
  return (
    db
      .selectFrom('tickets')
      .innerJoin('ticket_batches', 'ticket_batches.seq', 'tickets.batch_seq')
      .innerJoin('events', 'events.seq', 'tickets.event_seq')
      .select([
        'tickets.id',
        'tickets.event_seq',
        'events.id as event_id',
        'tickets.redeemed_at',
        'tickets.redeem_key',
        'tickets.duplicate_scans',
        'tickets.voided_at',
        'tickets.void_reason',
        'ticket_batches.created_at',
      ])
      // A ticket of an event being deleted is gone at once (server/domain/events/delete-event.ts).
      .where('events.owner_id', '!=', DELETED_OWNER_ID)
      .where('tickets.id', '=', canonicalId(ticketId))
      // A ticket of a batch still being written does not exist yet (server/db/pending-batches.ts).
      .where('ticket_batches.heartbeat_at', 'is', null)
  );
}

/**
 * A ticket by id, for anyone holding its code, with its refused scans and, when void, the
 * organiser's reason; null when unknown.
 */
export async function findTicket(
  db: Db,
  ticketId: string,
): Promise<{ ticket: Ticket; duplicateScans: number; voidReason: string | null; eventSeq: number } | null> {
  const row = await ticketQuery(db, ticketId).executeTakeFirst();
  if (!row) return null;
  const found = { ticket: toTicket(row), duplicateScans: Number(row.duplicate_scans) };
  return { ...found, voidReason: row.void_reason, eventSeq: Number(row.event_seq) };
}

/** A ticket by id; 404 ticket_not_found when unknown. */
export async function getTicket(db: Db, ticketId: string): Promise<Ticket> {
  const found = await findTicket(db, ticketId);
  if (!found) throw AppError.notFound(ErrorCode.ticketNotFound, 'No such ticket.');
  return found.ticket;
}

/** A ticket as its holder sees it (with its event's name and date), for anyone holding its code; null when unknown. */
export async function findPublicTicket(
  db: Db,
  ticketId: string,
): Promise<{ ticket: PublicTicket; duplicateScans: number } | null> {
  const row = await ticketQuery(db, ticketId)
    .select(['events.name as event_name', 'events.date as event_date'])
    .executeTakeFirst();
  if (!row) return null;
  const ticket = { ...toTicket(row), event: { name: row.event_name, date: row.event_date } };
  return { ticket, duplicateScans: Number(row.duplicate_scans) };
}

/** A ticket with its event, only if the user owns the event; otherwise 404 like an unknown ticket. */
export async function getOwnedTicket(
  db: Db,
  ownerId: string,
  ticketId: string,
): Promise<Omit<OwnerTicket, 'publicUrl'>> {
  const row = await ticketQuery(db, ticketId)
    .select(['events.name as event_name', 'events.date as event_date', 'tickets.label'])
    .where('events.owner_id', '=', ownerId)
    .executeTakeFirst();
  if (!row) throw AppError.notFound(ErrorCode.ticketNotFound, 'No such ticket.');
  return {
    ...toTicket(row),
    label: row.label,
    voidedAt: row.voided_at,
    voidReason: row.void_reason,
    event: { id: row.event_id, name: row.event_name, date: row.event_date },
  };
}
