import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getPublicTicket, getTicket, redeemTicket } from '../api/tickets.js';
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

/** Redeems a ticket; the ticket and its event's counters change either way. */
export function useRedeemTicket(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => redeemTicket(ticketId, newIdempotencyKey()),
    onSettled: async () => {
      const ticket = queryClient.getQueryData<{ eventId: string }>(ticketKeys.detail(ticketId));
      await queryClient.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) });
      if (ticket) {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: eventKeys.status(ticket.eventId) }),
          queryClient.invalidateQueries({ queryKey: eventKeys.detail(ticket.eventId) }),
          queryClient.invalidateQueries({ queryKey: eventKeys.tickets(ticket.eventId) }),
          queryClient.invalidateQueries({ queryKey: eventKeys.lists() }),
        ]);
      }
    },
  });
}
