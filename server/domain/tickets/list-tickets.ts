import type { TicketList, TicketStatus } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { searchByLabel } from './labels-search.js';
import { type TicketPosition, ticketPage, toTicketPage, visibleBatches } from './ticket-pages.js';

/** Cursors are opaque to clients: the position of the last ticket seen, base64url-encoded. */
export function encodeCursor(position: TicketPosition): string {
  return Buffer.from(`t:${position.batchSeq}.${position.seq}`).toString('base64url');
}

/** Reads a cursor back; anything this API did not issue is a 400 naming `cursor`. */
export function decodeCursor(cursor: string): TicketPosition {
  const match = /^t:(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw AppError.validation([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
  }
  return { batchSeq: Number(match[1]), seq: Number(match[2]) };
}

/** One cursor page of an owned event's tickets; with `q`, only those whose label holds it. */
export async function listTickets(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { status?: TicketStatus; q?: string; cursor?: string; limit?: number },
): Promise<TicketList> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const limit = query.limit ?? 50;
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const batches = await visibleBatches(db, event.seq);
  // One row more than asked tells whether a next page exists, so the last page has no cursor.
  const filter = { eventId: event.id, eventSeq: event.seq, status: query.status ?? 'all', batches } as const;
  const q = query.q?.trim() ?? '';
  const page =
    q === ''
      ? await ticketPage(db, filter, after, limit + 1)
      : toTicketPage(
          await searchByLabel(db, { eventSeq: event.seq, status: filter.status, q }, after, limit + 1),
          filter,
        );
  const last = page.positions[limit - 1];
  return {
    items: page.tickets.slice(0, limit),
    nextCursor: page.tickets.length > limit && last ? encodeCursor(last) : null,
  };
}
