import type { Event, Ticket, TicketStatus, User } from '../../shared/schemas.js';
import type { EventsTable, UsersTable } from '../db/schema.js';

/** API view of a user row. */
export function toUser(row: Pick<UsersTable, 'id' | 'username' | 'created_at'>): User {
  return { id: row.id, username: row.username, createdAt: row.created_at };
}

/** API view of an event row and its redeemed count. */
export function toEvent(row: Omit<EventsTable, 'seq'>, redeemed: number): Event {
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
    createdAt: row.created_at,
  };
}

export interface TicketRow {
  id: string;
  event_id: string;
  redeemed_at: string | null;
  created_at: string;
}

/** API view of a ticket row joined with its batch's creation time. */
/** A ticket is redeemed once it has a redemption time. */
export function ticketStatus(redeemedAt: string | null): TicketStatus {
  return redeemedAt === null ? 'ok' : 'redeemed';
}

export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    eventId: row.event_id,
    status: ticketStatus(row.redeemed_at),
    createdAt: row.created_at,
    redeemedAt: row.redeemed_at,
  };
}
