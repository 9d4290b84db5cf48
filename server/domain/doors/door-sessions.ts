import { randomBytes } from 'node:crypto';
import type { DoorEvent, DoorLinkRef } from '../../../shared/door.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../common.js';
import { hashToken } from '../users/sessions.js';
import { normaliseName } from './door-links.js';

/** What a door session may act on: one event, through one door link, from one device. */
export interface DoorSession {
  seq: number;
  tokenHash: string;
  expiresAt: string;
  device: string | null;
  event: DoorEvent & { seq: number };
  doorLink: DoorLinkRef & { seq: number };
}

/** A door link's last use is written at most this often, not on every scan. */
const TOUCH_EVERY_MS = 60_000;

function revoked(): AppError {
  return new AppError(
    ErrorCode.doorAccessRevoked,
    401,
    'This door link has been revoked or has expired. Ask the organiser for a new one.',
  );
}

/** A link is usable until it is revoked or expires. */
function isLive(link: { revoked_at: string | null; expires_at: string }, now: string): boolean {
  return link.revoked_at === null && link.expires_at > now;
}

/**
 * Starts a door session from a door link's secret: a new device of that link, scoped to its
 * event, living as long as the link. 401 unauthorized for an unknown secret, 401
 * door_access_revoked for a revoked or expired link.
 */
export async function startDoorSession(
  db: Db,
  input: { secret: string; deviceName?: string },
): Promise<DoorSession & { token: string }> {
  const link = await db
    .selectFrom('door_links')
    .innerJoin('events', 'events.seq', 'door_links.event_seq')
    .select([
      'door_links.seq',
      'door_links.id',
      'door_links.label',
      'door_links.expires_at',
      'door_links.revoked_at',
      'events.seq as event_seq',
      'events.id as event_id',
      'events.name as event_name',
      'events.date as event_date',
    ])
    .where('door_links.secret_hash', '=', hashToken(input.secret.trim()))
    .executeTakeFirst();
  if (!link) throw AppError.unauthorized('This door link is not valid. Ask the organiser for the link again.');
  const now = nowIso();
  if (!isLive(link, now)) throw revoked();
  const device = input.deviceName?.trim() ? normaliseName(input.deviceName, 'deviceName') : null;
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  const inserted = await db
    .insertInto('door_sessions')
    .values({ token_hash: tokenHash, link_seq: link.seq, device, created_at: now, expires_at: link.expires_at })
    .returning('seq')
    .executeTakeFirstOrThrow();
  await db.updateTable('door_links').set({ last_used_at: now }).where('seq', '=', link.seq).execute();
  return {
    token,
    seq: Number(inserted.seq),
    tokenHash,
    expiresAt: link.expires_at,
    device,
    event: { seq: Number(link.event_seq), id: link.event_id, name: link.event_name, date: link.event_date },
    doorLink: { seq: Number(link.seq), id: link.id, label: link.label },
  };
}

/**
 * The door session a token belongs to, checked against its link on every request, so a revoked
 * link stops its devices at once: null for an unknown or ended session, 401 door_access_revoked
 * (thrown) for a revoked or expired link.
 */
export async function findDoorSession(db: Db, token: string): Promise<DoorSession | null> {
  if (token.length === 0 || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('door_sessions')
    .innerJoin('door_links', 'door_links.seq', 'door_sessions.link_seq')
    .innerJoin('events', 'events.seq', 'door_links.event_seq')
    .select([
      'door_sessions.seq',
      'door_sessions.device',
      'door_sessions.expires_at as session_expires_at',
      'door_links.seq as link_seq',
      'door_links.id as link_id',
      'door_links.label',
      'door_links.expires_at',
      'door_links.revoked_at',
      'door_links.last_used_at',
      'events.seq as event_seq',
      'events.id as event_id',
      'events.name as event_name',
      'events.date as event_date',
    ])
    .where('door_sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  const now = nowIso();
  if (!isLive(row, now)) throw revoked();
  if (row.session_expires_at <= now) return null;
  if (row.last_used_at === null || Date.parse(now) - Date.parse(row.last_used_at) > TOUCH_EVERY_MS) {
    await db.updateTable('door_links').set({ last_used_at: now }).where('seq', '=', row.link_seq).execute();
  }
  return {
    seq: Number(row.seq),
    tokenHash,
    expiresAt: row.session_expires_at,
    device: row.device,
    event: { seq: Number(row.event_seq), id: row.event_id, name: row.event_name, date: row.event_date },
    doorLink: { seq: Number(row.link_seq), id: row.link_id, label: row.label },
  };
}
