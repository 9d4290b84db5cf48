import type { Event } from '../../../shared/schemas.js';
import type { EventsTable } from '../../db/schema.js';

/** API view of an event row and its redeemed and void counts. */
export function toEvent(row: Omit<EventsTable, 'seq'>, redeemed: number, voided = 0): Event {
  const initial = Number(row.initial_tickets);
  const additional = Number(row.additional_tickets);
  return {
    id: row.id,
    name: row.name,
    date: row.date,
    initialTickets: initial,
    additionalTickets: additional,
    totalTickets: initial + additional,
    redeemedTickets: redeemed,
    voidTickets: voided,
    createdAt: row.created_at,
  };
}
