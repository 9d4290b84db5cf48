import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DoorLookupList } from '../../../shared/controls.js';
import { ControlLimits } from '../../../shared/controls.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { DoorSession } from '../doors/door-sessions.js';
import { labelQueryKey, searchByLabel } from './labels-search.js';
import { ticketStatus } from './to-ticket.js';

/** How long a guest found at the door can be admitted by its reference. */
export const DOOR_REF_TTL_MS = 10 * 60_000;

/** The signature of a reference: keyed by the door session's token hash, which only that device can present. */
function sign(session: DoorSession, payload: string): Buffer {
  return createHmac('sha256', session.tokenHash).update(payload).digest().subarray(0, 16);
}

/**
 * A reference that admits one ticket from this door session for DOOR_REF_TTL_MS: the ticket's
 * internal key and an expiry, signed with the session's token hash (kept in the database, so every
 * process can check it, and useless to any other device). It names the ticket without giving its
 * code away: it opens no ticket page and redeems nowhere else.
 */
export function doorRef(session: DoorSession, ticketSeq: number, now = Date.now()): string {
  const payload = `${ticketSeq.toString(36)}.${(now + DOOR_REF_TTL_MS).toString(36)}`;
  return `${Buffer.from(payload).toString('base64url')}.${sign(session, payload).toString('base64url')}`;
}

/** The ticket key of a reference this session was given and that has not expired; 400 naming `ref` otherwise. */
export function readDoorRef(session: DoorSession, ref: string, now = Date.now()): number {
  const refuse = () =>
    AppError.validation([
      { field: 'ref', message: 'is not a guest this door looked up in the last 10 minutes: search again' },
    ]);
  const [encoded, mac] = ref.split('.');
  if (!encoded || !mac || ref.split('.').length !== 2) throw refuse();
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  const given = Buffer.from(mac, 'base64url');
  const expected = sign(session, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
  const match = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})$/.exec(payload);
  if (!match?.[1] || !match[2] || Number.parseInt(match[2], 36) < now) throw refuse();
  return Number.parseInt(match[1], 36);
}

/**
 * The guests of the door's event whose label holds `q` (folded like every label search), at most
 * ControlLimits.doorLookupMax, with their status: what door staff need to find a guest who lost
 * their code. Never the ticket's code: its first 8 characters (to compare with a printout) and a
 * reference that admits it from this device only (POST /api/door/tickets/admit).
 */
export async function findGuests(db: Db, session: DoorSession, q: string): Promise<DoorLookupList> {
  const key = labelQueryKey(q);
  if ([...key].length < ControlLimits.doorLookupMin) {
    throw AppError.validation([
      { field: 'q', message: `must hold at least ${ControlLimits.doorLookupMin} characters` },
    ]);
  }
  const max = ControlLimits.doorLookupMax;
  const rows = await searchByLabel(db, { eventSeq: session.event.seq, status: 'all', q }, null, max + 1);
  return {
    items: rows.slice(0, max).map((row) => ({
      ref: doorRef(session, Number(row.seq)),
      codeStart: row.id.slice(0, 8),
      label: row.label ?? '',
      status: ticketStatus(row.redeemed_at, row.voided_at),
      redeemedAt: row.redeemed_at,
    })),
    more: rows.length > max,
  };
}

/** The ticket id behind a reference, if its ticket is still one of the door's event (null: gone since). */
export async function ticketOfRef(db: Db, session: DoorSession, ref: string): Promise<string | null> {
  const seq = readDoorRef(session, ref);
  const row = await db
    .selectFrom('tickets')
    .select('id')
    .where('seq', '=', seq)
    .where('event_seq', '=', session.event.seq)
    .executeTakeFirst();
  return row?.id ?? null;
}
