import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DoorMe, StartDoorSessionBody } from '../../shared/door.js';
import { getDoorMe, isNetworkFailure, listDoorScans, startDoorSession, undoDoorScan } from '../api/door.js';
import { liveUrl } from '../api/event-activity.js';
import type { LiveMessage, LiveStatus } from '../lib/live-stream.js';
import { loadDoorMe, saveDoorMe } from '../lib/offline-store.js';
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

/**
 * This door session and its event's counters; polled while the page is visible and `poll` (the live
 * stream is down). Each answer is kept on the phone: opened with no network, the door starts from the
 * last one (a failed poll keeps what is on screen).
 */
export function useDoorMe(enabled: boolean, poll = true) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: doorKeys.me(),
    queryFn: async ({ signal }) => {
      try {
        const me = await getDoorMe(signal);
        void saveDoorMe(me).catch(() => undefined);
        return me;
      } catch (error) {
        if (!isNetworkFailure(error) || queryClient.getQueryData(doorKeys.me())) throw error;
        const saved = await loadDoorMe().catch(() => undefined);
        if (!saved) throw error;
        return saved;
      }
    },
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
export function useDoorLive(eventId: string | null, onFrame?: (message: LiveMessage) => void): LiveStatus {
  const queryClient = useQueryClient();
  return useLiveStream(eventId === null ? null : liveUrl(eventId), {
    onMessage: (message) => {
      onFrame?.(message);
      if (message.kind !== 'counters') return;
      queryClient.setQueryData<DoorMe>(doorKeys.me(), (old) => (old ? { ...old, ...message.counters } : old));
    },
    onReconnect: () => void queryClient.invalidateQueries({ queryKey: doorKeys.me() }),
  });
}
