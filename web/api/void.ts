import type { VoidBatchResponse } from '../../shared/controls.js';
import type { OwnerTicket } from '../../shared/schemas.js';
import { apiRequest } from './http.js';

const ticketPath = (ticketId: string) => `/api/tickets/${encodeURIComponent(ticketId)}`;

function voidBody(reason: string | undefined): { reason?: string } {
  const trimmed = reason?.trim();
  return trimmed ? { reason: trimmed } : {};
}

/** Voids a ticket (with an optional reason): it admits no one; 409 ticket_redeemed once a guest came in with it. */
export async function voidTicket(ticketId: string, reason?: string): Promise<OwnerTicket> {
  const result = await apiRequest<{ ticket: OwnerTicket }>(`${ticketPath(ticketId)}/void`, {
    method: 'POST',
    body: voidBody(reason),
  });
  return result.ticket;
}

/** Makes a void ticket ok again; 409 ticket_not_void when it is not void. */
export async function unvoidTicket(ticketId: string): Promise<OwnerTicket> {
  const result = await apiRequest<{ ticket: OwnerTicket }>(`${ticketPath(ticketId)}/unvoid`, { method: 'POST' });
  return result.ticket;
}

/** Voids every ok ticket of a batch; answers how many it voided now. */
export async function voidBatch(eventId: string, batchId: string, reason?: string): Promise<number> {
  const result = await apiRequest<VoidBatchResponse>(
    `/api/events/${encodeURIComponent(eventId)}/batches/${encodeURIComponent(batchId)}/void`,
    { method: 'POST', body: voidBody(reason) },
  );
  return result.voided;
}
