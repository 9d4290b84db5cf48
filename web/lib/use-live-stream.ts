import { useEffect, useReducer, useRef } from 'react';
import {
  initialLiveStatus,
  type LiveMessage,
  type LiveStatus,
  nextLiveStatus,
  parseLiveMessage,
  reconnectDelayMs,
} from './live-stream.js';

export interface LiveHandlers {
  /** Each `counters` or `scan` event, parsed. */
  onMessage: (message: LiveMessage) => void;
  /** The stream is open again after a break: whatever happened meanwhile must be fetched. */
  onReconnect?: () => void;
}

const eventNames = ['counters', 'scan'] as const;

/**
 * Follows a Server-Sent Events stream (same origin, so the session cookie goes with it) and says
 * whether it is live. The browser retries a dropped connection by itself, sending Last-Event-ID; a
 * stream it gave up on (an HTTP error, e.g. a 502 from a proxy) is opened again here, backing off.
 * `url` null: no stream.
 */
export function useLiveStream(url: string | null, handlers: LiveHandlers): LiveStatus {
  const [status, dispatch] = useReducer(nextLiveStatus, initialLiveStatus);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    dispatch({ type: 'reset' });
    if (url === null || typeof EventSource === 'undefined') return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;

    const connect = () => {
      const current = new EventSource(url);
      source = current;
      current.addEventListener('open', () => {
        dispatch({ type: 'open' });
        // After a break (even one before the first open) whatever happened meanwhile is fetched.
        if (failures > 0) handlersRef.current.onReconnect?.();
        failures = 0;
      });
      for (const name of eventNames) {
        current.addEventListener(name, (event) => {
          dispatch({ type: 'event' });
          const message = parseLiveMessage(name, (event as MessageEvent<string>).data);
          if (message) handlersRef.current.onMessage(message);
        });
      }
      current.addEventListener('error', () => {
        const closed = current.readyState === EventSource.CLOSED;
        failures += 1;
        dispatch({ type: 'error', closed });
        if (closed) {
          current.close();
          retry = setTimeout(connect, reconnectDelayMs(failures));
        }
      });
    };
    connect();

    return () => {
      if (retry !== undefined) clearTimeout(retry);
      source?.close();
    };
  }, [url]);

  return status;
}
