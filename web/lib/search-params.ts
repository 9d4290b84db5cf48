import type { LoggedScanOutcome } from '../../shared/door.js';
import type { ArrivalsBucket } from '../../shared/event-activity.js';
import type { EventSort, TicketStatus } from '../../shared/schemas.js';
import { Limits } from '../../shared/schemas.js';
import { defaultBucket, isBucket } from './arrivals.js';

/** Page sizes offered on the events list. */
export const pageSizes = [10, 20, 50, 100] as const;
export const defaultPageSize = 20;
export const defaultSort: EventSort = '-createdAt';
const sorts: readonly EventSort[] = ['date', '-date', 'name', '-name', 'createdAt', '-createdAt'];

/** Search params of the events list; defaults are left out so URLs stay short. */
export interface EventsSearch {
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: EventSort;
}

/** Search params of the login and register pages. */
export interface AuthSearch {
  next?: string;
  expired?: 1;
}

/** Search params of the "Check a ticket" page: the event it checks for. */
export interface CheckSearch {
  event?: string;
}

/** The event page's tabs; Overview is the default and stays out of the URL. */
export type EventTab = 'overview' | 'log' | 'tickets';

/** Search params of the event page: its tab, the tickets' status filter, the log's outcome filter, the chart's bucket. */
export interface EventSearch {
  tab?: Exclude<EventTab, 'overview'>;
  status?: TicketStatus;
  outcome?: LoggedScanOutcome;
  bucket?: ArrivalsBucket;
}

/** The scan log's outcome filter, in the order the filter offers them. */
export const scanOutcomes: readonly LoggedScanOutcome[] = [
  'admitted',
  'already_redeemed',
  'wrong_event',
  'not_found',
  'unreadable',
  'void',
  'offline_double_entry',
  'undone',
  'voided',
  'unvoided',
];

// TanStack Router JSON-parses search values, so "?q=123" arrives as a number.
function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function asPositiveInt(value: unknown): number | undefined {
  const text = asString(value);
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * Parses the events list search params, dropping anything invalid or equal to its default.
 * Every key is present (undefined when dropped): TanStack Router merges a route's parsed search
 * over the raw one, so a key left out would let the raw, unchecked value through.
 */
export function parseEventsSearch(raw: Record<string, unknown>): EventsSearch {
  const out: EventsSearch = { q: undefined, page: undefined, pageSize: undefined, sort: undefined };
  const q = asString(raw.q)?.slice(0, Limits.eventNameMax);
  if (q?.trim()) out.q = q;
  const page = asPositiveInt(raw.page);
  if (page !== undefined && page > 1 && page <= 1_000_000) out.page = page;
  const pageSize = asPositiveInt(raw.pageSize);
  if (pageSize !== undefined && pageSize !== defaultPageSize && (pageSizes as readonly number[]).includes(pageSize)) {
    out.pageSize = pageSize;
  }
  const sort = asString(raw.sort);
  if (sort && sort !== defaultSort && (sorts as readonly string[]).includes(sort)) out.sort = sort as EventSort;
  return out;
}

/**
 * Returns `next` only when it is a same-site relative path (one leading slash, no scheme,
 * no backslashes), so a crafted link cannot send the user to another site after login.
 */
export function safeNextPath(value: unknown): string | undefined {
  const next = asString(value);
  if (!next || next.length > 2000) return undefined;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return undefined;
  // Control characters could be stripped by the URL parser and turn "/\t/evil" into "//evil".
  for (const ch of next) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return undefined;
  if (next === '/login' || next.startsWith('/login?') || next === '/register' || next.startsWith('/register?')) {
    return undefined;
  }
  return next;
}

/** Parses the login/register search params. */
export function parseAuthSearch(raw: Record<string, unknown>): AuthSearch {
  const out: AuthSearch = { next: undefined, expired: undefined };
  const next = safeNextPath(raw.next);
  if (next) out.next = next;
  const expired = asString(raw.expired);
  if (expired === '1' || expired === 'true') out.expired = 1;
  return out;
}

/** Parses the event page search params, dropping anything invalid or equal to its default. */
export function parseEventSearch(raw: Record<string, unknown>): EventSearch {
  const tab = asString(raw.tab);
  const status = asString(raw.status);
  const outcome = asString(raw.outcome);
  const bucket = asString(raw.bucket);
  return {
    tab: tab === 'log' || tab === 'tickets' ? tab : undefined,
    status: status === 'ok' || status === 'redeemed' || status === 'void' ? status : undefined,
    outcome: scanOutcomes.find((o) => o === outcome),
    bucket: isBucket(bucket) && bucket !== defaultBucket ? bucket : undefined,
  };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses the "Check a ticket" search params: `event` only when it is an event id. */
export function parseCheckSearch(raw: Record<string, unknown>): CheckSearch {
  const event = asString(raw.event);
  return { event: event && uuid.test(event) ? event.toLowerCase() : undefined };
}
