import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import type { OwnerTicket } from '../../shared/schemas.js';
import { unvoidTicket, voidBatch, voidTicket } from '../api/void.js';
import { eventKeys } from './events.js';
import { ticketKeys } from './tickets.js';

/** After a void or unvoid: the event's void counter, counters, ticket pages, scan log, chart and batches. */
async function invalidateEvent(queryClient: QueryClient, eventId: string): Promise<void> {
  await Promise.all(
    [
      eventKeys.detail(eventId),
      eventKeys.status(eventId),
      eventKeys.tickets(eventId),
      eventKeys.lists(),
      eventKeys.scans(eventId),
      eventKeys.arrivals(eventId),
      eventKeys.batches(eventId),
    ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
  );
}

function settle(queryClient: QueryClient, ticketId: string, eventId: string) {
  return {
    onSuccess: (ticket: OwnerTicket) => {
      queryClient.setQueryData<OwnerTicket>(ticketKeys.detail(ticketId), (old) => (old ? { ...old, ...ticket } : old));
    },
    // A 409 means the ticket changed elsewhere (a door admitted it, another tab unvoided it): show it as it is.
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) }),
        invalidateEvent(queryClient, eventId),
      ]);
    },
  };
}

/** Voids a ticket with an optional reason. */
export function useVoidTicket(ticketId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => voidTicket(ticketId, reason),
    ...settle(queryClient, ticketId, eventId),
  });
}

/** Unvoids outside any component (a notification's button outlives the dialog that showed it). */
export async function unvoidAndRefresh(queryClient: QueryClient, ticketId: string, eventId: string): Promise<void> {
  const { onSuccess, onSettled } = settle(queryClient, ticketId, eventId);
  try {
    onSuccess(await unvoidTicket(ticketId));
  } finally {
    await onSettled();
  }
}

/** Makes a void ticket ok again. */
export function useUnvoidTicket(ticketId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unvoidTicket(ticketId),
    ...settle(queryClient, ticketId, eventId),
  });
}

/** Voids every ok ticket of a batch; answers how many were voided. */
export function useVoidBatch(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ batchId, reason }: { batchId: string; reason: string }) => voidBatch(eventId, batchId, reason),
    onSettled: async () => {
      await Promise.all([
        invalidateEvent(queryClient, eventId),
        // Any ticket of it open elsewhere in this app.
        queryClient.invalidateQueries({ queryKey: ['tickets'] }),
      ]);
    },
  });
}
