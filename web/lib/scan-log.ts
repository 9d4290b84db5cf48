import type { LoggedScanOutcome, Scan } from '../../shared/door.js';
import { formatDoorTime } from './door-verdicts.js';

/** Identity of a log row (an undo is its own row, so the outcome is part of it). */
export function scanKey(scan: Scan): string {
  return `${scan.id}:${scan.outcome}`;
}

/** True when the log, filtered by `outcome` (none: every scan), shows this scan. */
export function matchesOutcome(scan: Scan, outcome: LoggedScanOutcome | undefined): boolean {
  return outcome === undefined || scan.outcome === outcome;
}

function byNewest(a: Scan, b: Scan): number {
  return a.at < b.at ? 1 : a.at > b.at ? -1 : 0;
}

/**
 * The log as shown: scans that arrived live (newest first), then the fetched pages (already newest
 * first), each scan once. A live scan that a page also holds keeps its place in the page.
 */
export function mergeScans(live: readonly Scan[], paged: readonly Scan[]): Scan[] {
  const seen = new Set(paged.map(scanKey));
  const out: Scan[] = [];
  for (const scan of [...live].sort(byNewest)) {
    const key = scanKey(scan);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(scan);
  }
  for (const scan of paged) out.push(scan);
  return out;
}

/**
 * Scans that arrived while the page was open. `shown` are merged above the first page; `pending`
 * wait behind a "new scans" button while the reader is scrolled down the log, so rows never move
 * under their eyes.
 */
export interface LiveLog {
  shown: Scan[];
  pending: Scan[];
}

export const emptyLiveLog: LiveLog = { shown: [], pending: [] };

/**
 * Takes in new scans (from the stream, or a poll of the first page while the stream is down): those
 * the filter hides are dropped, those already known are ignored, the rest are shown at once, or held
 * while `holding`.
 */
export function receiveScans(
  log: LiveLog,
  incoming: readonly Scan[],
  options: { outcome: LoggedScanOutcome | undefined; holding: boolean; known: ReadonlySet<string> },
): LiveLog {
  const seen = new Set([...options.known, ...log.shown.map(scanKey), ...log.pending.map(scanKey)]);
  const fresh: Scan[] = [];
  for (const scan of incoming) {
    const key = scanKey(scan);
    if (!matchesOutcome(scan, options.outcome) || seen.has(key)) continue;
    seen.add(key);
    fresh.push(scan);
  }
  if (fresh.length === 0) return log;
  return options.holding
    ? { shown: log.shown, pending: [...fresh, ...log.pending].sort(byNewest) }
    : { shown: [...fresh, ...log.shown].sort(byNewest), pending: log.pending };
}

/** Shows the held scans (the reader asked for them, or came back to the top). */
export function revealPending(log: LiveLog): LiveLog {
  if (log.pending.length === 0) return log;
  return { shown: [...log.pending, ...log.shown].sort(byNewest), pending: [] };
}

/** Forgets live scans that a fetched page now holds, so the live part stays small. */
export function pruneLive(log: LiveLog, paged: readonly Scan[]): LiveLog {
  if (log.shown.length === 0) return log;
  const inPages = new Set(paged.map(scanKey));
  const shown = log.shown.filter((scan) => !inPages.has(scanKey(scan)));
  return shown.length === log.shown.length ? log : { shown, pending: log.pending };
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** A scan's time: "20:15:03" today, "12 Dec 20:15:03" on another day (local time). */
export function formatScanTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay =
    date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  return sameDay ? formatDoorTime(iso) : `${dayFormat.format(date)} ${formatDoorTime(iso)}`;
}

/** Whether the ticket of a log row is one of this event's (so its page can be opened). */
export function isEventTicket(scan: Scan): boolean {
  return (
    scan.ticketId !== null &&
    (scan.outcome === 'admitted' || scan.outcome === 'already_redeemed' || scan.outcome === 'undone')
  );
}
