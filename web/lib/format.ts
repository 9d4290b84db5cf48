const numberFormat = new Intl.NumberFormat();
const calendarFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const timestampFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortTimestampFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Formats a count with the user's digit grouping. */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** Formats an event's calendar date (YYYY-MM-DD) without shifting it by the time zone. */
export function formatCalendarDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : calendarFormat.format(parsed);
}

/** Formats an ISO timestamp in the user's time zone, to the second. */
export function formatTimestamp(iso: string): string {
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) ? iso : timestampFormat.format(parsed);
}

/** Formats an ISO timestamp in the user's time zone, to the minute. */
export function formatShortTimestamp(iso: string): string {
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) ? iso : shortTimestampFormat.format(parsed);
}

/** Today's date as YYYY-MM-DD in the user's time zone. */
export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
