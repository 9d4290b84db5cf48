import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CreateEventBody, Event } from '../../../shared/schemas.js';
import { type InsertTicketsOptions, insertTickets } from '../../db/insert-tickets.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../common.js';
import { createCounters } from './event-counters.js';
import { toEvent } from './to-event.js';

/** Trims an event name and checks it is still 1–200 characters, on one line and without control characters. */
export function normaliseEventName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw AppError.validation([{ field: 'name', message: 'must not be blank' }]);
  // PostgreSQL refuses NUL in text, and a name is shown on one line in lists, CSV names and headers.
  if (/\p{Cc}/u.test(trimmed)) {
    throw AppError.validation([{ field: 'name', message: 'must not contain control characters' }]);
  }
  return trimmed;
}

/** Checks that a YYYY-MM-DD string is a real calendar date (no 2026-02-30). */
export function assertCalendarDate(date: string, field = 'date'): void {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw AppError.validation([{ field, message: 'must be a real calendar date YYYY-MM-DD' }]);
  }
}

/** Creates an event and its initial tickets in one transaction: all of it exists, or none. */
export async function createEvent(
  db: Kysely<Database>,
  ownerId: string,
  input: CreateEventBody,
  options: InsertTicketsOptions = {},
): Promise<Event> {
  const name = normaliseEventName(input.name);
  assertCalendarDate(input.date);
  const createdAt = nowIso();
  const row = {
    id: randomUUID(),
    owner_id: ownerId,
    name,
    name_key: name.toLowerCase(),
    date: input.date,
    initial_tickets: input.initialTickets,
    additional_tickets: 0,
    created_at: createdAt,
  };
  await db.transaction().execute(async (trx) => {
    const event = await trx.insertInto('events').values(row).returning('seq').executeTakeFirstOrThrow();
    await createCounters(trx, event.seq);
    const batch = await trx
      .insertInto('ticket_batches')
      .values({ id: randomUUID(), event_seq: event.seq, count: input.initialTickets, created_at: createdAt })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await insertTickets(trx, event.seq, batch.seq, input.initialTickets, options);
  });
  return toEvent(row, 0);
}
