import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UpdateEventBody } from '../../shared/controls.js';
import { deleteEvent, lookUpGuests, setTicketLabel, updateEvent, uploadLabels } from '../api/controls.js';
import { eventKeys } from './events.js';
import { ticketKeys } from './tickets.js';

/** Renames or re-dates an event: its details and every list (names and dates show there). */
export function useUpdateEvent(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateEventBody) => updateEvent(eventId, body),
    onSuccess: async (event) => {
      queryClient.setQueryData(eventKeys.detail(eventId), event);
      await queryClient.invalidateQueries({ queryKey: eventKeys.lists() });
    },
  });
}

/** Deletes an event: it leaves every list, and its own queries are dropped. */
export function useDeleteEvent(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (force: boolean) => deleteEvent(eventId, force),
    onSuccess: async () => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey.includes(eventId) });
      await queryClient.invalidateQueries({ queryKey: eventKeys.lists() });
    },
  });
}

/** Sets or clears a ticket's label: the ticket and its event's ticket pages. */
export function useSetTicketLabel(ticketId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (label: string | null) => setTicketLabel(ticketId, label),
    onSuccess: async (ticket) => {
      queryClient.setQueryData(ticketKeys.detail(ticketId), ticket);
      await queryClient.invalidateQueries({ queryKey: eventKeys.tickets(eventId) });
    },
  });
}

/** Uploads a label CSV: the event's ticket pages and every ticket shown. */
export function useUploadLabels(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: Blob) => uploadLabels(eventId, file),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: eventKeys.tickets(eventId) }),
        queryClient.invalidateQueries({ queryKey: ['tickets'] }),
      ]);
    },
  });
}

/** The door's guest lookup by label: at least 2 characters, else nothing is asked. */
export function useGuestLookup(q: string) {
  const query = q.trim();
  return useQuery({
    queryKey: ['door', 'guests', query] as const,
    queryFn: ({ signal }) => lookUpGuests(query, signal),
    enabled: [...query].length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}
