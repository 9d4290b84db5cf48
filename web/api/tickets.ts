import { ErrorCode } from '../../shared/error-codes.js';
import type { OwnerTicket, PublicTicket, RedeemedStatusProblem, Ticket } from '../../shared/schemas.js';
import { ApiError, apiRequest } from './http.js';

/** What a redeem attempt did: "already redeemed" is a normal outcome, not an error. */
export type RedeemOutcome =
  | { outcome: 'redeemed'; ticket: Ticket }
  | { outcome: 'already_redeemed'; redeemedAt: string; duplicateScans: number };

const path = (ticketId: string) => `/api/tickets/${encodeURIComponent(ticketId)}`;

/** A ticket of one of the user's events, with its event. */
export async function getTicket(ticketId: string, signal?: AbortSignal): Promise<OwnerTicket> {
  const result = await apiRequest<{ ticket: OwnerTicket }>(path(ticketId), { signal });
  return result.ticket;
}

/** Redeems a ticket; a 410 becomes the `already_redeemed` outcome with its first redemption time. */
export async function redeemTicket(ticketId: string, idempotencyKey?: string): Promise<RedeemOutcome> {
  try {
    const result = await apiRequest<{ ticket: Ticket }>(`${path(ticketId)}/redeem`, {
      method: 'POST',
      headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined,
    });
    return { outcome: 'redeemed', ticket: result.ticket };
  } catch (error) {
    if (error instanceof ApiError && error.status === 410 && error.code === ErrorCode.ticketAlreadyRedeemed) {
      const { redeemedAt, duplicateScans } = error.problem;
      return {
        outcome: 'already_redeemed',
        redeemedAt: typeof redeemedAt === 'string' ? redeemedAt : '',
        duplicateScans: typeof duplicateScans === 'number' ? duplicateScans : 1,
      };
    }
    throw error;
  }
}

/** Undoes the redemption of a ticket of one of the user's events: it is ok again (409 when it is not redeemed). */
export async function undoRedemption(ticketId: string, reason?: string): Promise<Ticket> {
  const body = reason?.trim() ? { reason: reason.trim() } : {};
  const result = await apiRequest<{ ticket: Ticket }>(`${path(ticketId)}/undo-redemption`, { method: 'POST', body });
  return result.ticket;
}

/** What a ticket's holder sees on its public page: OK, USED (with when), VOID (cancelled by the organiser), or no such ticket. */
export type PublicTicketState =
  | { state: 'ok'; ticket: PublicTicket }
  | { state: 'used'; ticket: PublicTicket; redeemedAt: string }
  | { state: 'void'; ticket: PublicTicket }
  | { state: 'not_found' };

/** The public status of a ticket (GET /status/:id, no login); it never redeems anything. */
export async function getPublicTicket(ticketId: string, signal?: AbortSignal): Promise<PublicTicketState> {
  try {
    const result = await apiRequest<{ ticket: PublicTicket }>(`/status/${encodeURIComponent(ticketId)}`, {
      signal,
      notifyUnauthorized: false,
    });
    return { state: 'ok', ticket: result.ticket };
  } catch (error) {
    if (error instanceof ApiError && error.status === 410 && error.code === ErrorCode.ticketAlreadyRedeemed) {
      const problem = error.problem as unknown as Partial<RedeemedStatusProblem>;
      if (problem.ticket) {
        return {
          state: 'used',
          ticket: problem.ticket,
          redeemedAt: problem.redeemedAt ?? problem.ticket.redeemedAt ?? '',
        };
      }
    }
    if (error instanceof ApiError && error.status === 410 && error.code === ErrorCode.ticketVoid) {
      const problem = error.problem as { ticket?: PublicTicket };
      if (problem.ticket) return { state: 'void', ticket: problem.ticket };
    }
    if (error instanceof ApiError && (error.status === 404 || error.code === ErrorCode.validationFailed)) {
      return { state: 'not_found' };
    }
    throw error;
  }
}
