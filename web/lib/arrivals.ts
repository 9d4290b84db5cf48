import type { Arrivals, ArrivalsBucket } from '../../shared/event-activity.js';

export type ArrivalItem = Arrivals['items'][number];

/** Minutes in each bucket size the server offers. */
export const bucketMinutes: Record<ArrivalsBucket, number> = { '1m': 1, '5m': 5, '15m': 15, '1h': 60 };

/** The bucket sizes, as the switch offers them. */
export const bucketChoices: { value: ArrivalsBucket; label: string }[] = [
  { value: '1m', label: '1 min' },
  { value: '5m', label: '5 min' },
  { value: '15m', label: '15 min' },
  { value: '1h', label: '1 hour' },
];

export const defaultBucket: ArrivalsBucket = '5m';

/** Bars shown at most per bucket size: 2 hours of minutes, 8 hours of 5 minutes, a day, a week. */
export const maxBars: Record<ArrivalsBucket, number> = { '1m': 120, '5m': 96, '15m': 96, '1h': 168 };

/** True when the text is a bucket size. */
export function isBucket(value: unknown): value is ArrivalsBucket {
  return value === '1m' || value === '5m' || value === '15m' || value === '1h';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** Local wall-clock time to the minute, "20:15". */
export function formatClock(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A moment as a sentence names it: "20:15" today, "20:15 on 12 Dec" another day. */
export function formatMoment(ms: number, now: number): string {
  const date = new Date(ms);
  return sameDay(date, new Date(now)) ? formatClock(ms) : `${formatClock(ms)} on ${dayFormat.format(date)}`;
}

/** A bucket's span for a tooltip: "20:15–20:20" (a 1-minute bucket is just "20:15"). */
export function formatBucketRange(ms: number, bucket: ArrivalsBucket): string {
  if (bucket === '1m') return formatClock(ms);
  return `${formatClock(ms)}–${formatClock(ms + bucketMinutes[bucket] * 60_000)}`;
}

/** One bar of the chart: a bucket, possibly empty. */
export interface ArrivalBar {
  ms: number;
  /** The x-axis label, "20:15". */
  label: string;
  admitted: number;
  refused: number;
}

/**
 * The chart's bars: every bucket from the first scan to the last (the server leaves empty ones
 * out), carried on to now while the event is under way, and at most `maxBars` of them (the latest).
 * `cut` says older buckets were left out.
 */
export function arrivalBars(
  items: readonly ArrivalItem[],
  bucket: ArrivalsBucket,
  now: number,
): { bars: ArrivalBar[]; cut: boolean } {
  const size = bucketMinutes[bucket] * 60_000;
  const limit = maxBars[bucket];
  const parsed = items
    .map((item) => ({ ms: Date.parse(item.at), admitted: item.admitted, refused: item.refused }))
    .filter((item) => Number.isFinite(item.ms))
    .sort((a, b) => a.ms - b.ms);
  const first = parsed[0];
  const last = parsed[parsed.length - 1];
  if (!first || !last) return { bars: [], cut: false };
  // Quiet buckets after the last scan are shown while they are recent, so a lull is visible.
  const since = now - last.ms;
  const end = since > 0 && since < limit * size ? last.ms + Math.floor(since / size) * size : last.ms;
  const start = Math.max(first.ms, end - (limit - 1) * size);
  const count = Math.floor((end - start) / size) + 1;
  const origin = end - (count - 1) * size;
  const bars: ArrivalBar[] = Array.from({ length: count }, (_, i) => {
    const ms = origin + i * size;
    return { ms, label: formatClock(ms), admitted: 0, refused: 0 };
  });
  let cut = false;
  for (const item of parsed) {
    const index = Math.floor((item.ms - origin) / size);
    const bar = bars[index];
    if (index < 0 || !bar) {
      cut = true;
      continue;
    }
    bar.admitted += item.admitted;
    bar.refused += item.refused;
  }
  return { bars, cut };
}

/** The busiest bucket for admissions, and its rate a minute. */
export interface PeakRate {
  ms: number;
  admitted: number;
  perMinute: number;
}

/** The bucket with the most admissions (the earliest of equals); null before anyone was admitted. */
export function peakRate(items: readonly ArrivalItem[], bucket: ArrivalsBucket): PeakRate | null {
  let best: { ms: number; admitted: number } | null = null;
  for (const item of items) {
    const ms = Date.parse(item.at);
    if (!Number.isFinite(ms) || item.admitted <= 0) continue;
    if (!best || item.admitted > best.admitted || (item.admitted === best.admitted && ms < best.ms)) {
      best = { ms, admitted: item.admitted };
    }
  }
  return best && { ...best, perMinute: best.admitted / bucketMinutes[bucket] };
}

/** A rate as people say it: whole numbers from 10 up, one decimal below. */
export function formatRate(perMinute: number): string {
  if (perMinute >= 10) return String(Math.round(perMinute));
  return String(Math.round(perMinute * 10) / 10);
}

/** "Peak: 42 admitted a minute at 20:15", or per 5/15 minutes or per hour with the rate a minute. */
export function describePeak(peak: PeakRate, bucket: ArrivalsBucket, now: number): string {
  const when = formatMoment(peak.ms, now);
  if (bucket === '1m') return `Peak: ${peak.admitted} admitted a minute, at ${when}`;
  const span = bucket === '1h' ? 'the hour' : `${bucketMinutes[bucket]} minutes`;
  return `Peak: ${peak.admitted} admitted in ${span} from ${when} (${formatRate(peak.perMinute)} a minute)`;
}

/** Totals over the whole log, from the buckets. */
export function arrivalTotals(items: readonly ArrivalItem[]): { admitted: number; refused: number } {
  let admitted = 0;
  let refused = 0;
  for (const item of items) {
    admitted += item.admitted;
    refused += item.refused;
  }
  return { admitted, refused };
}
