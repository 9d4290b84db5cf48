import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoggedScanOutcome } from '../../shared/door.js';
import type { ArrivalsBucket } from '../../shared/event-activity.js';
import type { CreateEventBody, TicketStatus } from '../../shared/schemas.js';
import {
  addTickets,
  createEvent,
  type EventListQuery,
  getEvent,
  getEventStatus,
  listEvents,
  listTickets,
} from '../api/events.js';

/** Query keys of everything event-related (its scan log, arrivals and batches too), so mutations invalidate exactly what they change. */
export const eventKeys = {
  all: ['events'] as const,
  lists: () => [...eventKeys.all, 'list'] as const,
  list: (query: EventListQuery) => [...eventKeys.lists(), query] as const,
  detail: (eventId: string) => [...eventKeys.all, 'detail', eventId] as const,
  status: (eventId: string) => [...eventKeys.all, 'status', eventId] as const,
  tickets: (eventId: string) => [...eventKeys.all, 'tickets', eventId] as const,
  ticketPage: (eventId: string, status: TicketStatus | undefined, cursor: string | undefined, q = '') =>
    [...eventKeys.tickets(eventId), status ?? 'all', cursor ?? '', q] as const,
  scans: (eventId: string) => [...eventKeys.all, 'scans', eventId] as const,
  scanLog: (eventId: string, outcome: LoggedScanOutcome | undefined) =>
    [...eventKeys.scans(eventId), 'log', outcome ?? 'all'] as const,
  scanHead: (eventId: string, outcome: LoggedScanOutcome | undefined) =>
    [...eventKeys.scans(eventId), 'head', outcome ?? 'all'] as const,
  arrivals: (eventId: string) => [...eventKeys.all, 'arrivals', eventId] as const,
  arrivalsBy: (eventId: string, bucket: ArrivalsBucket) => [...eventKeys.arrivals(eventId), bucket] as const,
  batches: (eventId: string) => [...eventKeys.all, 'batches', eventId] as const,
};

/** How often the event page refreshes its counters while visible and its live stream is down. */
export const statusPollMs = 5_000;

/** A page of the events list; the previous page stays on screen while the next loads. */
export function useEventList(query: EventListQuery) {
  return useQuery({
    queryKey: eventKeys.list(query),
    queryFn: ({ signal }) => listEvents(query, signal),
    placeholderData: keepPreviousData,
  });
}

/** One event's details (`enabled` false: not fetched, e.g. while no event is chosen). */
export function useEvent(eventId: string, enabled = true) {
  return useQuery({
    queryKey: eventKeys.detail(eventId),
    queryFn: ({ signal }) => getEvent(eventId, signal),
    enabled,
  });
}

/** An event's counters; polled while the page is visible and `poll` (the live stream is down). */
export function useEventStatus(eventId: string, poll = true) {
  return useQuery({
    queryKey: eventKeys.status(eventId),
    queryFn: ({ signal }) => getEventStatus(eventId, signal),
    refetchInterval: poll ? statusPollMs : false,
    refetchIntervalInBackground: false,
  });
}

/** A cursor page of an event's tickets; with `q`, only those whose label holds it. */
export function useTicketPage(
  eventId: string,
  status: TicketStatus | undefined,
  cursor: string | undefined,
  limit = 25,
  q = '',
) {
  return useQuery({
    queryKey: eventKeys.ticketPage(eventId, status, cursor, q),
    queryFn: ({ signal }) => listTickets(eventId, { status, cursor, limit, q: q || undefined }, signal),
    placeholderData: keepPreviousData,
  });
}

/** Creates an event; the lists are invalidated so it shows up. */
export function useCreateEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEventBody) => createEvent(body),
    onSuccess: (event) => {
      queryClient.setQueryData(eventKeys.detail(event.id), event);
      return queryClient.invalidateQueries({ queryKey: eventKeys.lists() });
    },
  });
}

/** Adds tickets to an event; its counters, details, tickets, batches and the lists change. */
export function useAddTickets(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (count: number) => addTickets(eventId, count),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: eventKeys.status(eventId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.detail(eventId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.tickets(eventId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.batches(eventId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.lists() }),
      ]),
  });
}
