import { ErrorCode } from '../../shared/error-codes.js';
import type { OwnerTicket, Ticket } from '../../shared/schemas.js';
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
