import type { TicketList, TicketStatus } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Db } from './common.js';
import { batchTimes, ticketPage } from './event-tickets.js';
import { findOwnedEventRow } from './find-event.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Cursors are opaque to clients: the last id seen, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`t:${lastId}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('t:') ? text.slice(2) : '';
  if (!uuid.test(id)) throw AppError.validation([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
  return id;
}

/** One cursor page of an owned event's tickets. */
export async function listTickets(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { status?: TicketStatus; cursor?: string; limit?: number },
): Promise<TicketList> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const limit = query.limit ?? 50;
  const event = await findOwnedEventRow(db, ownerId, eventId);
  const times = await batchTimes(db, event.id);
  const rows = await ticketPage(db, { eventId: event.id, status: query.status ?? 'all' }, times, after, limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
