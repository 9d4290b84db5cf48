import { describe, expect, it, vi } from 'vitest';
import {
  changesCounters,
  initialLiveStatus,
  type LiveSignal,
  type LiveStatus,
  needsPolling,
  nextLiveStatus,
  parseLiveMessage,
  reconnectDelayMs,
  throttle,
} from './live-stream.js';

function run(...signals: LiveSignal[]): LiveStatus {
  return signals.reduce(nextLiveStatus, initialLiveStatus);
}

describe('live stream status', () => {
  it('starts connecting, and polls until the stream opens', () => {
    expect(initialLiveStatus.state).toBe('connecting');
    expect(needsPolling(initialLiveStatus)).toBe(true);
    const open = run({ type: 'open' });
    expect(open).toEqual({ state: 'live', failures: 0 });
    expect(needsPolling(open)).toBe(false);
  });

  it('falls back to polling when the stream breaks, and back to live when it reconnects', () => {
    const broken = run({ type: 'open' }, { type: 'error', closed: false });
    expect(broken).toEqual({ state: 'reconnecting', failures: 1 });
    expect(needsPolling(broken)).toBe(true);
    const again = run({ type: 'open' }, { type: 'error', closed: false }, { type: 'error', closed: true });
    expect(again.failures).toBe(2);
    const back = nextLiveStatus(again, { type: 'open' });
    expect(back).toEqual({ state: 'live', failures: 0 });
    expect(needsPolling(back)).toBe(false);
  });

  it('another stream (another event) starts over: connecting, and polled until it opens', () => {
    const reset = run({ type: 'open' }, { type: 'reset' });
    expect(reset).toEqual({ state: 'connecting', failures: 0 });
    expect(needsPolling(reset)).toBe(true);
    expect(nextLiveStatus(initialLiveStatus, { type: 'reset' })).toBe(initialLiveStatus);
  });

  it('counts a stream that never opened as reconnecting, not as live', () => {
    expect(run({ type: 'error', closed: true })).toEqual({ state: 'reconnecting', failures: 1 });
  });

  it('an event proves the stream live (an open may have been missed), without a new object while live', () => {
    expect(run({ type: 'error', closed: false }, { type: 'event' }).state).toBe('live');
    const live = run({ type: 'open' });
    expect(nextLiveStatus(live, { type: 'event' })).toBe(live);
  });

  it('backs off 1, 2, 4, 8 s, then retries every 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).toEqual([
      0, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000,
    ]);
  });
});

describe('parseLiveMessage', () => {
  const scan = {
    id: 'b0d6f0a8-5a3f-4c2e-9a61-0c7f3e1d2b4a',
    at: '2026-12-31T20:15:03.000Z',
    ticketId: '3f2b8c1e-9a4d-4c11-8e2f-1a2b3c4d5e6f',
    outcome: 'admitted',
    door: 'North gate',
    device: 'Phone 1',
  };

  it('reads counters and scans', () => {
    expect(parseLiveMessage('counters', '{"totalTickets":240,"redeemedTickets":173}')).toEqual({
      kind: 'counters',
      counters: { totalTickets: 240, redeemedTickets: 173 },
    });
    expect(parseLiveMessage('scan', JSON.stringify(scan))).toEqual({ kind: 'scan', scan });
  });

  it('accepts an unreadable code (no ticket) and a scan without a device', () => {
    const unreadable = { ...scan, outcome: 'unreadable', ticketId: null, device: null };
    expect(parseLiveMessage('scan', JSON.stringify(unreadable))).toEqual({ kind: 'scan', scan: unreadable });
    const { device: _, ...noDevice } = scan;
    expect(parseLiveMessage('scan', JSON.stringify(noDevice))).toEqual({
      kind: 'scan',
      scan: { ...scan, device: null },
    });
  });

  it('reads an offline double entry with the device’s time', () => {
    const late = { ...scan, outcome: 'offline_double_entry', deviceAt: '2026-12-31T20:14:00.000Z' };
    expect(parseLiveMessage('scan', JSON.stringify(late))).toEqual({ kind: 'scan', scan: late });
  });

  it('ignores what it does not know instead of failing', () => {
    expect(parseLiveMessage('counters', 'not json')).toBeNull();
    expect(parseLiveMessage('counters', '{"totalTickets":"240","redeemedTickets":1}')).toBeNull();
    expect(parseLiveMessage('counters', '[1,2]')).toBeNull();
    expect(parseLiveMessage('scan', JSON.stringify({ ...scan, outcome: 'teleported' }))).toBeNull();
    expect(parseLiveMessage('scan', JSON.stringify({ ...scan, at: 12 }))).toBeNull();
    expect(parseLiveMessage('scan', JSON.stringify({ ...scan, ticketId: 7 }))).toBeNull();
    expect(parseLiveMessage('batch', '{}')).toBeNull();
    expect(parseLiveMessage('scan', 'null')).toBeNull();
  });

  it('knows which scans move the counters', () => {
    expect(changesCounters({ ...scan, outcome: 'admitted' } as never)).toBe(true);
    expect(changesCounters({ ...scan, outcome: 'undone' } as never)).toBe(true);
    expect(changesCounters({ ...scan, outcome: 'already_redeemed' } as never)).toBe(false);
  });
});

describe('throttle', () => {
  it('runs the first call at once and folds a burst into one trailing run', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const throttled = throttle(fn, 1_000);
      throttled();
      expect(fn).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 50; i += 1) throttled();
      expect(fn).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1_000);
      expect(fn).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(5_000);
      expect(fn).toHaveBeenCalledTimes(2);
      throttled();
      expect(fn).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancel drops the trailing run', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const throttled = throttle(fn, 1_000);
      throttled();
      throttled();
      throttled.cancel();
      vi.advanceTimersByTime(2_000);
      expect(fn).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('calls the global timers as plain functions (a browser throws "Illegal invocation" otherwise)', () => {
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const strict = <T extends (...args: never[]) => unknown>(real: T) =>
      function (this: unknown, ...args: Parameters<T>) {
        if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
        return real(...args);
      };
    globalThis.setTimeout = strict(realSet) as unknown as typeof setTimeout;
    globalThis.clearTimeout = strict(realClear) as unknown as typeof clearTimeout;
    try {
      const fn = vi.fn();
      const throttled = throttle(fn, 10);
      throttled();
      throttled();
      throttled.cancel();
      expect(fn).toHaveBeenCalledTimes(1);
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
  });
});
