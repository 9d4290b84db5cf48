import type { LoggedScanOutcome } from '../../shared/door.js';
import type { Arrivals, ArrivalsBucket, BatchList, BatchSummary, ScanList } from '../../shared/event-activity.js';
import { apiRequest, buildUrl } from './http.js';

// The organiser's view of the door: the scan log, arrivals over time, ticket batches, the live stream.

const base = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}`;

/** One keyset page of the event's scan log, newest first. */
export function listScans(
  eventId: string,
  query: { outcome?: LoggedScanOutcome; cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<ScanList> {
  return apiRequest(`${base(eventId)}/scans`, { query: { ...query }, signal });
}

/** URL of the scan log as CSV, with the same filter as the page. */
export function scansCsvUrl(eventId: string, outcome?: LoggedScanOutcome): string {
  return buildUrl(`${base(eventId)}/scans.csv`, { outcome });
}

/** Admitted and refused scans per bucket, oldest first (empty buckets left out). */
export function getArrivals(eventId: string, bucket: ArrivalsBucket, signal?: AbortSignal): Promise<Arrivals> {
  return apiRequest(`${base(eventId)}/arrivals`, { query: { bucket }, signal });
}

/** The event's ticket batches with how many of each are redeemed. */
export async function listBatches(eventId: string, signal?: AbortSignal): Promise<BatchSummary[]> {
  const result = await apiRequest<BatchList>(`${base(eventId)}/batches`, { signal });
  return result.items;
}

/** URL of the server-sent events stream of the event's counters and scans. */
export function liveUrl(eventId: string): string {
  return `${base(eventId)}/live`;
}
