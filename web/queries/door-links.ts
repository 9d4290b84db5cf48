import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateDoorLinkBody } from '../../shared/door.js';
import { createDoorLink, listDoorLinks, revokeDoorLink } from '../api/door-links.js';

/** Query keys of an event's door links. */
export const doorLinkKeys = {
  all: ['door-links'] as const,
  list: (eventId: string) => [...doorLinkKeys.all, eventId] as const,
};

/** How often the list refreshes while visible, so "last used" and devices move during a shift. */
export const doorLinksPollMs = 15_000;

/** An event's door links, newest first as the server lists them. */
export function useDoorLinks(eventId: string) {
  return useQuery({
    queryKey: doorLinkKeys.list(eventId),
    queryFn: ({ signal }) => listDoorLinks(eventId, signal),
    refetchInterval: doorLinksPollMs,
    refetchIntervalInBackground: false,
  });
}

/** Creates a door link; the list gains it (its secret stays only in the mutation's answer). */
export function useCreateDoorLink(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDoorLinkBody) => createDoorLink(eventId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: doorLinkKeys.list(eventId) }),
  });
}

/** Revokes a door link; the list shows it revoked. */
export function useRevokeDoorLink(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (linkId: string) => revokeDoorLink(eventId, linkId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: doorLinkKeys.list(eventId) }),
  });
}
