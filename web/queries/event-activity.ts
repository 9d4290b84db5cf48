import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { LoggedScanOutcome } from '../../shared/door.js';
import type { ArrivalsBucket } from '../../shared/event-activity.js';
import { getArrivals, listBatches, listScans } from '../api/event-activity.js';
import { eventKeys, statusPollMs } from './events.js';

/** Scans a page of the log holds. */
export const scanPageSize = 50;

/** The scan log, newest first, a page at a time ("Load more" fetches the next with its cursor). */
export function useScanLog(eventId: string, outcome: LoggedScanOutcome | undefined) {
  return useInfiniteQuery({
    queryKey: eventKeys.scanLog(eventId, outcome),
    queryFn: ({ pageParam, signal }) => listScans(eventId, { outcome, cursor: pageParam, limit: scanPageSize }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Live scans are merged in by the page; refetching every loaded page on focus would only repeat them.
    refetchOnWindowFocus: false,
  });
}

/**
 * The newest scans again, fetched only while the live stream is down (every few seconds) or when it
 * comes back: what it finds is merged at the top like live scans.
 */
export function useScanHead(eventId: string, outcome: LoggedScanOutcome | undefined, poll: boolean) {
  return useQuery({
    queryKey: eventKeys.scanHead(eventId, outcome),
    queryFn: ({ signal }) => listScans(eventId, { outcome, limit: scanPageSize }, signal),
    enabled: poll,
    refetchInterval: poll ? statusPollMs : false,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

/** Admitted and refused scans per bucket; polled only while the live stream is down. */
export function useArrivals(eventId: string, bucket: ArrivalsBucket, poll: boolean) {
  return useQuery({
    queryKey: eventKeys.arrivalsBy(eventId, bucket),
    queryFn: ({ signal }) => getArrivals(eventId, bucket, signal),
    placeholderData: keepPreviousData,
    refetchInterval: poll ? statusPollMs : false,
    refetchIntervalInBackground: false,
  });
}

/** The event's ticket batches, oldest first as the server lists them. */
export function useBatches(eventId: string, poll: boolean) {
  return useQuery({
    queryKey: eventKeys.batches(eventId),
    queryFn: ({ signal }) => listBatches(eventId, signal),
    refetchInterval: poll ? statusPollMs * 3 : false,
    refetchIntervalInBackground: false,
  });
}
