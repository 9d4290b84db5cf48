import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { StartDoorSessionBody } from '../../shared/door.js';
import { getDoorMe, listDoorScans, startDoorSession, undoDoorScan } from '../api/door.js';

/** Query keys of the door page (one door session per browser: the cookie). */
export const doorKeys = {
  all: ['door'] as const,
  me: () => [...doorKeys.all, 'me'] as const,
  scans: () => [...doorKeys.all, 'scans'] as const,
};

/** How often the door's counters refresh (a later issue replaces polling with the live stream). */
export const doorMePollMs = 5_000;
/** Scans shown in the recent list. */
export const recentScansLimit = 20;

/** This door session and its event's counters, polled while the page is visible. */
export function useDoorMe(enabled: boolean) {
  return useQuery({
    queryKey: doorKeys.me(),
    queryFn: ({ signal }) => getDoorMe(signal),
    enabled,
    refetchInterval: doorMePollMs,
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
