import type {
  AddTicketsResponse,
  CreateEventBody,
  Event,
  EventList,
  EventSort,
  EventStatus,
  ListEventsQuery,
  ListTicketsQuery,
  TicketList,
} from '../../shared/schemas.js';
import { apiRequest, buildUrl } from './http.js';

/** The list query; `sort` is spelled out because the shared schema's mapped union infers as undefined. */
export type EventListQuery = Omit<ListEventsQuery, 'sort'> & { sort?: EventSort };

const base = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}`;

/** One page of the user's events. */
export function listEvents(query: EventListQuery, signal?: AbortSignal): Promise<EventList> {
  return apiRequest('/api/events', { query: { ...query }, signal });
}

/** Creates an event with its initial tickets. */
export async function createEvent(body: CreateEventBody): Promise<Event> {
  const result = await apiRequest<{ event: Event }>('/api/events', { method: 'POST', body });
  return result.event;
}

/** One event with its counters. */
export async function getEvent(eventId: string, signal?: AbortSignal): Promise<Event> {
  const result = await apiRequest<{ event: Event }>(base(eventId), { signal });
  return result.event;
}

/** Just the counters (answered in O(1), cheap to poll). */
export function getEventStatus(eventId: string, signal?: AbortSignal): Promise<EventStatus> {
  return apiRequest(`${base(eventId)}/status`, { signal });
}

/** Adds a batch of tickets; the answer names the CSV of exactly that batch. */
export function addTickets(eventId: string, count: number): Promise<AddTicketsResponse> {
  return apiRequest(`${base(eventId)}/tickets`, { method: 'POST', body: { count } });
}

/** One cursor page of an event's tickets. */
export function listTickets(eventId: string, query: ListTicketsQuery, signal?: AbortSignal): Promise<TicketList> {
  return apiRequest(`${base(eventId)}/tickets`, { query: { ...query }, signal });
}

/** URL of the tickets CSV (unredeemed ones by default). */
export function ticketsCsvUrl(eventId: string, options: { status?: 'ok' | 'redeemed' | 'all'; batch?: string } = {}) {
  return buildUrl(`${base(eventId)}/tickets.csv`, { status: options.status ?? 'ok', batch: options.batch });
}

/** How the tickets PDF is laid out: several tickets on A4 or Letter sheets (with cut marks), or one a page. */
export type PdfLayout = 'a4' | 'letter' | 'single';

/** URL of the printable tickets PDF (unredeemed ones unless `status` says otherwise). */
export function ticketsPdfUrl(
  eventId: string,
  options: { status?: 'ok' | 'redeemed' | 'all'; batch?: string; layout: PdfLayout },
) {
  return buildUrl(`${base(eventId)}/tickets.pdf`, {
    status: options.status ?? 'ok',
    batch: options.batch,
    layout: options.layout,
  });
}
