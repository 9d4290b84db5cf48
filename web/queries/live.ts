import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { Scan } from '../../shared/door.js';
import type { EventStatus } from '../../shared/schemas.js';
import { liveUrl } from '../api/event-activity.js';
import { changesCounters, type LiveStatus, throttle } from '../lib/live-stream.js';
import { useLiveStream } from '../lib/use-live-stream.js';
import { eventKeys } from './events.js';

/** Whoever shows live scans (the scan log): new scans, and "the stream is back, fetch what you missed". */
export interface ScanListener {
  onScans: (scans: Scan[]) => void;
  onReconnect: () => void;
}

/** How often at most a burst of scans refetches the chart, the batches and the tickets list. */
export const liveRefetchMs = 3_000;

export interface EventLive {
  status: LiveStatus;
  /** Subscribes to new scans; returns the unsubscribe. */
  subscribeScans: (listener: ScanListener) => () => void;
}

/**
 * The event page's live stream: counters go straight into the cache, new scans to the scan log, and
 * the chart, batches and tickets list are refetched (throttled, so a door rush costs a refetch every
 * few seconds, not one per guest). While it is down, `status` says so and the page polls instead.
 */
export function useEventLive(eventId: string, enabled = true): EventLive {
  const queryClient = useQueryClient();
  const listeners = useRef(new Set<ScanListener>());

  const refetch = useMemo(() => {
    const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
    return {
      arrivals: throttle(() => invalidate(eventKeys.arrivals(eventId)), liveRefetchMs),
      tickets: throttle(() => {
        invalidate(eventKeys.batches(eventId));
        invalidate(eventKeys.tickets(eventId));
      }, liveRefetchMs),
      // A void or unvoid (another tab, the API) changes the event's void count, which the counters frame lacks.
      voids: throttle(() => {
        invalidate(eventKeys.detail(eventId));
        invalidate(eventKeys.batches(eventId));
        invalidate(eventKeys.tickets(eventId));
      }, liveRefetchMs),
    };
  }, [queryClient, eventId]);
  useEffect(
    () => () => {
      refetch.arrivals.cancel();
      refetch.tickets.cancel();
      refetch.voids.cancel();
    },
    [refetch],
  );

  const status = useLiveStream(enabled ? liveUrl(eventId) : null, {
    onMessage: (message) => {
      if (message.kind === 'counters') {
        const before = queryClient.getQueryData<EventStatus>(eventKeys.status(eventId));
        queryClient.setQueryData(eventKeys.status(eventId), message.counters);
        // A new batch (made in another tab, or through the API) changes the total.
        if (before && before.totalTickets !== message.counters.totalTickets) {
          void queryClient.invalidateQueries({ queryKey: eventKeys.detail(eventId) });
          refetch.tickets();
        }
        return;
      }
      for (const listener of listeners.current) listener.onScans([message.scan]);
      refetch.arrivals();
      if (changesCounters(message.scan)) refetch.tickets();
      if (message.scan.outcome === 'voided' || message.scan.outcome === 'unvoided') refetch.voids();
    },
    onReconnect: () => {
      for (const listener of listeners.current) listener.onReconnect();
      refetch.arrivals();
      refetch.tickets();
    },
  });

  const subscribeScans = useCallback((listener: ScanListener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  return { status, subscribeScans };
}
