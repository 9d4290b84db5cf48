import { DoorLimits } from '../../../shared/door.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';

/** What a scanned or typed code names: a whole ticket id, the first characters of one, or nothing. */
export type ScanCode = { kind: 'id'; id: string } | { kind: 'prefix'; prefix: string } | { kind: 'unreadable' };

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Where the dashes of a UUID are, counted in hex digits before them. */
const DASHES_AFTER = [8, 12, 16, 20];

/** A run of hex digits (dashes optional) laid out as the start of a canonical UUID. */
function asUuidPrefix(hex: string): string {
  let out = '';
  for (const [i, c] of [...hex].entries()) {
    if (DASHES_AFTER.includes(i)) out += '-';
    out += c;
  }
  return out;
}

/**
 * Reads what a scanner or a person produced: a ticket id in any case with spaces around it, any
 * URL or text whose last id-shaped part is the id (`https://…/t/<id>`, `/redeem/<id>`), its 32
 * hex digits without dashes, or at least 8 first hex digits of an id (dashes optional). Anything
 * else is unreadable.
 */
export function parseScanCode(code: string): ScanCode {
  const text = code.trim();
  const ids = text.match(UUID);
  if (ids) return { kind: 'id', id: (ids[ids.length - 1] as string).toLowerCase() };
  const hex = text.replaceAll('-', '').toLowerCase();
  if (/^[0-9a-f-]+$/i.test(text) && hex.length >= DoorLimits.prefixMin && hex.length <= 32) {
    // 32 digits are a whole id typed without its dashes.
    return hex.length === 32 ? { kind: 'id', id: asUuidPrefix(hex) } : { kind: 'prefix', prefix: asUuidPrefix(hex) };
  }
  return { kind: 'unreadable' };
}

/** The smallest string above every id that starts with `prefix` (ids are lowercase hex and dashes). */
function prefixEnd(prefix: string): string | null {
  const digits = '0123456789abcdef';
  const chars = [...prefix];
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i] as string;
    if (c === '-') continue;
    const next = digits[digits.indexOf(c) + 1];
    if (next) return chars.slice(0, i).join('') + next;
  }
  return null;
}

/**
 * The ticket a code names at a door of this event: a whole id as it is (deciding it tells the
 * event apart), a prefix only when exactly one ticket of this event starts with it. A prefix that
 * several tickets share is 409 ambiguous_code (type more); one no ticket of this event has names
 * nothing (not found). Never used by the public endpoints.
 */
export async function resolveScanCode(db: Db, eventSeq: number, code: ScanCode): Promise<string | null | undefined> {
  if (code.kind === 'unreadable') return null;
  if (code.kind === 'id') return code.id;
  // A range of the unique id index, not LIKE: it reads only the ids that start with the prefix.
  // Tickets of a batch still being written are left out: a prefix is easily guessed.
  let query = db
    .selectFrom('tickets')
    .innerJoin('ticket_batches', 'ticket_batches.seq', 'tickets.batch_seq')
    .select('tickets.id')
    .where('tickets.id', '>=', code.prefix)
    .where('tickets.event_seq', '=', eventSeq)
    .where('ticket_batches.heartbeat_at', 'is', null);
  const end = prefixEnd(code.prefix);
  if (end) query = query.where('tickets.id', '<', end);
  const matches = await query.limit(2).execute();
  if (matches.length > 1) {
    throw new AppError(
      ErrorCode.ambiguousCode,
      409,
      `Several tickets of this event start with ${code.prefix}: type more characters.`,
    );
  }
  return matches[0]?.id;
}
