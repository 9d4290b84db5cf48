import type { DoorLookupList, LabelImportSummary, UpdateEventBody } from '../../shared/controls.js';
import type { DoorScanResult } from '../../shared/door.js';
import type { Event, OwnerTicket } from '../../shared/schemas.js';
import { apiErrorOf, apiRequest, networkError } from './http.js';

const eventPath = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}`;

/** Renames or re-dates an event. */
export async function updateEvent(eventId: string, body: UpdateEventBody): Promise<Event> {
  const result = await apiRequest<{ event: Event }>(eventPath(eventId), { method: 'PATCH', body });
  return result.event;
}

/** Deletes an event; `force` deletes it even though tickets were redeemed (else 409 event_has_redemptions). */
export function deleteEvent(eventId: string, force: boolean): Promise<void> {
  return apiRequest(eventPath(eventId), { method: 'DELETE', query: force ? { force: 'true' } : undefined });
}

/** Sets (or, with null or "", clears) a ticket's label. */
export async function setTicketLabel(ticketId: string, label: string | null): Promise<OwnerTicket> {
  const result = await apiRequest<{ ticket: OwnerTicket }>(`/api/tickets/${encodeURIComponent(ticketId)}`, {
    method: 'PATCH',
    body: { label },
  });
  return result.ticket;
}

/** Uploads a CSV of ticket_id,label; a file with a bad row throws an ApiError whose problem lists them by line. */
export async function uploadLabels(eventId: string, file: Blob): Promise<LabelImportSummary> {
  let response: Response;
  try {
    response = await fetch(`${eventPath(eventId)}/labels`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'text/csv' },
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    throw networkError();
  }
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as LabelImportSummary;
}

/** The door's guest lookup by label (door session cookie). */
export function lookUpGuests(q: string, signal?: AbortSignal): Promise<DoorLookupList> {
  return apiRequest('/api/door/tickets', { query: { q }, signal, notifyUnauthorized: false });
}

/** Admits a guest found by label: a door scan of that ticket. */
export function admitGuest(ref: string, scanId: string): Promise<DoorScanResult> {
  return apiRequest('/api/door/tickets/admit', {
    method: 'POST',
    body: { ref, scanId },
    notifyUnauthorized: false,
  });
}
