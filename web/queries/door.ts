import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DoorMe, StartDoorSessionBody } from '../../shared/door.js';
import { getDoorMe, listDoorScans, startDoorSession, undoDoorScan } from '../api/door.js';
import { liveUrl } from '../api/event-activity.js';
import type { LiveStatus } from '../lib/live-stream.js';
import { useLiveStream } from '../lib/use-live-stream.js';

/** Query keys of the door page (one door session per browser: the cookie). */
export const doorKeys = {
  all: ['door'] as const,
  me: () => [...doorKeys.all, 'me'] as const,
  scans: () => [...doorKeys.all, 'scans'] as const,
};

/** How often the door's counters refresh while the live stream is down. */
export const doorMePollMs = 5_000;
/** Scans shown in the recent list. */
export const recentScansLimit = 20;

/** This door session and its event's counters; polled while the page is visible and `poll` (the live stream is down). */
export function useDoorMe(enabled: boolean, poll = true) {
  return useQuery({
    queryKey: doorKeys.me(),
    queryFn: ({ signal }) => getDoorMe(signal),
    enabled,
    refetchInterval: poll ? doorMePollMs : false,
    refetchIntervalInBackground: false,
    retry: false,
    staleTime: 0,
  });
}

/** This device's latest scans. */
export function useDoorScans(enabled: boolean) {
  return useQuery({
    queryKey: doorKeys.scans(),
    queryFn: ({ signal }) => listDoorScans(recentScansLimit, signal),
    enabled,
    retry: false,
    staleTime: 0,
  });
}

/** Opens a door session from a door link's secret. */
export function useStartDoorSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StartDoorSessionBody) => startDoorSession(body),
    onSuccess: () => queryClient.removeQueries({ queryKey: doorKeys.all }),
  });
}

/** Undoes an admission; the counters and the recent list change. */
export function useUndoDoorScan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (scanId: string) => undoDoorScan(scanId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: doorKeys.all }),
  });
}

/**
 * The event's live stream, opened with the door session's cookie: each `counters` event goes straight
 * into the door's counters, so the header moves as other doors admit guests. Back from a break, the
 * counters are fetched again. `eventId` null: no stream (yet).
 */
export function useDoorLive(eventId: string | null): LiveStatus {
  const queryClient = useQueryClient();
  return useLiveStream(eventId === null ? null : liveUrl(eventId), {
    onMessage: (message) => {
      if (message.kind !== 'counters') return;
      queryClient.setQueryData<DoorMe>(doorKeys.me(), (old) => (old ? { ...old, ...message.counters } : old));
    },
    onReconnect: () => void queryClient.invalidateQueries({ queryKey: doorKeys.me() }),
  });
}
