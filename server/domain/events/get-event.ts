import type { Selectable } from 'kysely';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Event } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import type { EventsTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { canonicalId } from '../common.js';
import { withCounters } from './event-counters.js';

/**
 * The one place that decides event visibility: an event exists for a user only if they own it.
 * Someone else's event is exactly as missing as one that never existed (404 event_not_found).
 */
export async function getOwnedEventRow(db: Db, ownerId: string, eventId: string): Promise<Selectable<EventsTable>> {
  const row = await db
    .selectFrom('events')
    .selectAll()
    .where('id', '=', canonicalId(eventId))
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  if (!row) throw AppError.notFound(ErrorCode.eventNotFound, 'No such event.');
  return row;
}

/** The event with its counters, if the user owns it; 404 otherwise. */
export async function getOwnedEvent(db: Db, ownerId: string, eventId: string): Promise<Event> {
  const [event] = await withCounters(db, [await getOwnedEventRow(db, ownerId, eventId)]);
  return event as Event;
}
