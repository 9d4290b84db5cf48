import type { CreateDoorLinkBody, CreateDoorLinkResponse, DoorLink, DoorLinkList } from '../../shared/door.js';
import { apiRequest } from './http.js';

const base = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}/door-links`;

/** The door links of one of the user's events (never their secrets). */
export async function listDoorLinks(eventId: string, signal?: AbortSignal): Promise<DoorLink[]> {
  const result = await apiRequest<DoorLinkList>(base(eventId), { signal });
  return result.items;
}

/** Creates a door link; the answer carries its secret URL, which is shown once and never again. */
export function createDoorLink(eventId: string, body: CreateDoorLinkBody): Promise<CreateDoorLinkResponse> {
  return apiRequest(base(eventId), { method: 'POST', body });
}

/** Revokes a door link: every device opened with it loses access at once. */
export function revokeDoorLink(eventId: string, linkId: string): Promise<void> {
  return apiRequest(`${base(eventId)}/${encodeURIComponent(linkId)}`, { method: 'DELETE' });
}
