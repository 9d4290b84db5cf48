import type { LoggedScanOutcome, Scan } from '../../shared/door.js';
import type { LiveCounters } from '../../shared/event-activity.js';

/**
 * Where a live stream stands: `connecting` before its first answer, `live` while events flow,
 * `reconnecting` after it broke (the page polls meanwhile, and goes back to live when it reconnects).
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveStatus {
  state: LiveState;
  /** Failed attempts since the stream was last open: how long the next retry waits. */
  failures: number;
}

/**
 * What the EventSource told us. `closed`: the browser gave up (an HTTP error) and will not retry by
 * itself. `reset`: the page follows another stream now.
 */
export type LiveSignal = { type: 'open' } | { type: 'event' } | { type: 'error'; closed: boolean } | { type: 'reset' };

export const initialLiveStatus: LiveStatus = { state: 'connecting', failures: 0 };

/** The next status after a signal from the stream. */
export function nextLiveStatus(status: LiveStatus, signal: LiveSignal): LiveStatus {
  switch (signal.type) {
    case 'open':
    case 'event':
      return status.state === 'live' && status.failures === 0 ? status : { state: 'live', failures: 0 };
    case 'error':
      return { state: 'reconnecting', failures: status.failures + 1 };
    case 'reset':
      // Another stream (another event): nothing is known of it yet.
      return status.state === 'connecting' && status.failures === 0 ? status : initialLiveStatus;
  }
}

/** True when the page must fetch on a timer itself: the stream is not (yet, or any more) delivering. */
export function needsPolling(status: LiveStatus): boolean {
  return status.state !== 'live';
}

/** How long to wait before opening a stream the browser closed: 1 s, 2 s, 4 s, 8 s, then every 15 s. */
export function reconnectDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(15_000, 1_000 * 2 ** (failures - 1));
}

const outcomes: readonly LoggedScanOutcome[] = [
  'admitted',
  'already_redeemed',
  'not_found',
  'wrong_event',
  'unreadable',
  'offline_double_entry',
  'undone',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A live event the page understands; anything else (an unknown name, a malformed body) is ignored. */
export type LiveMessage = { kind: 'counters'; counters: LiveCounters } | { kind: 'scan'; scan: Scan };

/** Parses one server-sent event by its name and `data`; null when it is not one this page knows. */
export function parseLiveMessage(name: string, data: string): LiveMessage | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  if (name === 'counters') {
    const { totalTickets, redeemedTickets } = body;
    if (!Number.isInteger(totalTickets) || !Number.isInteger(redeemedTickets)) return null;
    return {
      kind: 'counters',
      counters: { totalTickets: totalTickets as number, redeemedTickets: redeemedTickets as number },
    };
  }
  if (name === 'scan') {
    const { id, at, ticketId, outcome, door, device, deviceAt } = body;
    if (typeof id !== 'string' || typeof at !== 'string' || typeof door !== 'string') return null;
    if (!outcomes.includes(outcome as LoggedScanOutcome)) return null;
    if (ticketId !== null && typeof ticketId !== 'string') return null;
    if (device !== null && device !== undefined && typeof device !== 'string') return null;
    return {
      kind: 'scan',
      scan: {
        id,
        at,
        ticketId: ticketId as string | null,
        outcome: outcome as LoggedScanOutcome,
        door,
        device: (device as string | null | undefined) ?? null,
        // A scan decided offline and uploaded later carries the device's time.
        ...(typeof deviceAt === 'string' ? { deviceAt } : {}),
      },
    };
  }
  return null;
}

/** A scan that changes the ticket counters (and so batches, the tickets list and the progress). */
export function changesCounters(scan: Scan): boolean {
  return scan.outcome === 'admitted' || scan.outcome === 'undone';
}

export interface Throttled {
  (): void;
  cancel: () => void;
}

/**
 * Calls `fn` at most once per `ms`: the first call runs at once, calls during the pause are folded
 * into one more run at its end (so the last change is never lost during a door rush).
 */
export function throttle(
  fn: () => void,
  ms: number,
  // Wrapped: a browser's setTimeout called as a method of another object throws "Illegal invocation".
  timers: { set: (fn: () => void, ms: number) => unknown; clear: (timer: unknown) => void } = {
    set: (run, wait) => setTimeout(run, wait),
    clear: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  },
): Throttled {
  let timer: unknown;
  let pending = false;
  const release = () => {
    if (pending) {
      pending = false;
      fn();
      timer = timers.set(release, ms);
    } else {
      timer = undefined;
    }
  };
  const throttled = () => {
    if (timer !== undefined) {
      pending = true;
      return;
    }
    fn();
    timer = timers.set(release, ms);
  };
  throttled.cancel = () => {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    pending = false;
  };
  return throttled;
}
