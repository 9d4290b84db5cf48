import type { UpdateEventBody } from '../../../shared/controls.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Event } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { assertCalendarDate, normaliseEventName } from './create-event.js';
import { withCounters } from './event-counters.js';
import { getOwnedEventRow } from './get-event.js';

/**
 * Renames or re-dates an owned event (404 for anyone else's), with the rules of creation: the name
 * normalised (NFC, trimmed, one line of visible text, 1–200 characters), the date a real calendar
 * date. The search key changes with the name, and the search indexes follow it (SQLite: the
 * triggers of migration 002; PostgreSQL: the trigram index on name_key).
 */
export async function updateEvent(db: Db, ownerId: string, eventId: string, input: UpdateEventBody): Promise<Event> {
  if (input.name === undefined && input.date === undefined) {
    throw AppError.validation([{ field: 'body', message: 'must change name or date' }]);
  }
  const changes: { name?: string; name_key?: string; date?: string } = {};
  if (input.name !== undefined) {
    changes.name = normaliseEventName(input.name);
    changes.name_key = changes.name.toLowerCase();
  }
  if (input.date !== undefined) {
    assertCalendarDate(input.date);
    changes.date = input.date;
  }
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const row = await db
    .updateTable('events')
    .set(changes)
    .where('seq', '=', event.seq)
    .where('owner_id', '=', ownerId)
    .returningAll()
    .executeTakeFirst();
  // Deleted between the read and the update: as missing as any other event it can't see.
  if (!row) throw AppError.notFound(ErrorCode.eventNotFound, 'No such event.');
  const [updated] = await withCounters(db, [row]);
  return updated as Event;
}
