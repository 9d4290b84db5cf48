import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type CreateEventBody, type Event, Limits } from '../../../shared/schemas.js';
import { PENDING_OWNER_ID } from '../../db/pending-batches.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../common.js';
import { normaliseText } from '../text.js';
import { checkTicketQuota, lockAccountForQuota } from '../tickets/ticket-quota.js';
import { type BatchKeys, type TicketWriteOptions, writeTicketBatch } from '../tickets/write-batch.js';
import { createCounters } from './event-counters.js';
import { toEvent } from './to-event.js';

/** An event name in NFC, trimmed, 1–200 characters of one line of visible text (see normaliseText). */
export function normaliseEventName(name: string): string {
  return normaliseText(name, 'name', { max: Limits.eventNameMax });
}

/** Checks that a YYYY-MM-DD string is a real calendar date (no 2026-02-30). */
export function assertCalendarDate(date: string, field = 'date'): void {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw AppError.validation([{ field, message: 'must be a real calendar date YYYY-MM-DD' }]);
  }
}

/**
 * Creates an event and its initial tickets, all or nothing: written as pending in short
 * transactions (see writeTicketBatch), owned by the placeholder owner so that no list, search or
 * lookup of the owner's finds it, then handed to its owner in one last short transaction.
 */
export async function createEvent(
  db: Kysely<Database>,
  ownerId: string,
  input: CreateEventBody,
  options: TicketWriteOptions = {},
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
  const count = input.initialTickets;
  const limit = options.ticketsPerHour ?? 0;
  const start = async (trx: Transaction<Database>, heartbeat: string) => {
    await lockAccountForQuota(trx, ownerId, limit);
    const pending = { ...row, owner_id: PENDING_OWNER_ID };
    const event = await trx.insertInto('events').values(pending).returning('seq').executeTakeFirstOrThrow();
    await createCounters(trx, event.seq);
    const batch = await trx
      .insertInto('ticket_batches')
      .values({
        id: randomUUID(),
        event_seq: event.seq,
        count,
        created_at: createdAt,
        heartbeat_at: heartbeat,
        created_by: ownerId,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await checkTicketQuota(trx, { ownerId, batchSeq: batch.seq, count, limit, at: createdAt });
    return { eventSeq: event.seq, batchSeq: batch.seq };
  };
  // Handing the event to its owner also moves it in the search index (the FTS5 triggers of
  // migration 002 copy owner_id; pg_trgm indexes name_key only).
  const reveal = async (trx: Transaction<Database>, keys: BatchKeys) => {
    await trx
      .updateTable('events')
      .set({ owner_id: ownerId })
      .where('seq', '=', keys.eventSeq)
      .where('owner_id', '=', PENDING_OWNER_ID)
      .execute();
  };
  await writeTicketBatch(db, { count, start, reveal }, options);
  return toEvent(row, 0);
}
