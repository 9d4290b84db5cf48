import type { Ticket, TicketStatus } from '../../../shared/schemas.js';

/** The columns a ticket's API view is made of: the ticket, its event's public id and its batch's time. */
export interface TicketViewRow {
  id: string;
  event_id: string;
  redeemed_at: string | null;
  created_at: string;
}

/** A ticket is redeemed once it has a redemption time. */
export function ticketStatus(redeemedAt: string | null): TicketStatus {
  return redeemedAt === null ? 'ok' : 'redeemed';
}

/** API view of a ticket row joined with its event id and its batch's creation time. */
export function toTicket(row: TicketViewRow): Ticket {
  return {
    id: row.id,
    eventId: row.event_id,
    status: ticketStatus(row.redeemed_at),
    createdAt: row.created_at,
    redeemedAt: row.redeemed_at,
  };
}
