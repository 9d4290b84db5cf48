import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OwnerTicket } from '../../shared/schemas.js';
import { getPublicTicket, getTicket, redeemTicket, undoRedemption } from '../api/tickets.js';
import { eventKeys } from './events.js';

export const ticketKeys = {
  detail: (ticketId: string) => ['tickets', ticketId] as const,
  public: (ticketId: string) => ['public-ticket', ticketId] as const,
};

/** A ticket as its holder sees it (no login): OK, USED or not found. Never redeems. */
export function usePublicTicket(ticketId: string) {
  return useQuery({
    queryKey: ticketKeys.public(ticketId),
    queryFn: ({ signal }) => getPublicTicket(ticketId, signal),
    staleTime: 0,
  });
}

/** One ticket (owner view, with its event). */
export function useTicket(ticketId: string) {
  return useQuery({
    queryKey: ticketKeys.detail(ticketId),
    queryFn: ({ signal }) => getTicket(ticketId, signal),
  });
}

function newIdempotencyKey(): string | undefined {
  // randomUUID exists only in secure contexts (https or localhost); without it, no key is sent.
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : undefined;
}

/** After a redemption or its undo: the ticket, its event's counters, tickets, log, chart and batches. */
async function invalidateTicketAndEvent(queryClient: QueryClient, ticketId: string): Promise<void> {
  const ticket = queryClient.getQueryData<{ eventId: string }>(ticketKeys.detail(ticketId));
  await queryClient.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) });
  if (ticket) {
    const { eventId } = ticket;
    await Promise.all(
      [
        eventKeys.status(eventId),
        eventKeys.detail(eventId),
        eventKeys.tickets(eventId),
        eventKeys.lists(),
        eventKeys.scans(eventId),
        eventKeys.arrivals(eventId),
        eventKeys.batches(eventId),
      ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
  }
}

/** Redeems a ticket; the ticket and its event's counters change either way. */
export function useRedeemTicket(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => redeemTicket(ticketId, newIdempotencyKey()),
    onSettled: () => invalidateTicketAndEvent(queryClient, ticketId),
  });
}

/** Undoes a ticket's redemption (with an optional reason): it is ok again, and its event's figures follow. */
export function useUndoRedemption(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => undoRedemption(ticketId, reason),
    onSuccess: (ticket) =>
      queryClient.setQueryData<OwnerTicket>(ticketKeys.detail(ticketId), (old) => (old ? { ...old, ...ticket } : old)),
    onSettled: () => invalidateTicketAndEvent(queryClient, ticketId),
  });
}
