import type { Ticket, TicketStatus } from '../../../shared/schemas.js';

/** The columns a ticket's API view is made of: the ticket, its event's public id and its batch's time. */
export interface TicketViewRow {
  id: string;
  event_id: string;
  redeemed_at: string | null;
  created_at: string;
  /** When the organiser voided it (migration 011); absent where a view never reads void tickets. */
  voided_at?: string | null;
}

/** A ticket is void once voided (it is then never redeemed), redeemed once it has a redemption time. */
export function ticketStatus(redeemedAt: string | null, voidedAt: string | null = null): TicketStatus {
  if (voidedAt !== null) return 'void';
  return redeemedAt === null ? 'ok' : 'redeemed';
}

/** API view of a ticket row joined with its event id and its batch's creation time. */
export function toTicket(row: TicketViewRow): Ticket {
  return {
    id: row.id,
    eventId: row.event_id,
    status: ticketStatus(row.redeemed_at, row.voided_at ?? null),
    createdAt: row.created_at,
    redeemedAt: row.redeemed_at,
  };
}
