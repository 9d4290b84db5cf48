import { randomBytes } from 'node:crypto';
import { type DoorEvent, DoorLimits, type DoorLinkRef } from '../../../shared/door.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../common.js';
import { normaliseText } from '../text.js';
import { hashToken } from '../users/sessions.js';

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

/** 401 door_access_revoked: the door link was revoked or has expired. */
export function revokedDoorLink(): AppError {
  return new AppError(
    ErrorCode.doorAccessRevoked,
    401,
    'This door link has been revoked or has expired. Ask the organiser for a new one.',
  );
}

/** A link is usable until it is revoked or expires. */
export function isLive(link: { revoked_at: string | null; expires_at: string }, now: string): boolean {
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
  if (!isLive(link, now)) throw revokedDoorLink();
  const device = input.deviceName?.trim()
    ? normaliseText(input.deviceName, 'deviceName', { max: DoorLimits.deviceNameMax })
    : null;
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

/** A door link's state, as every door request checks it: live, or refused with 401 door_access_revoked. */
export async function assertDoorLinkLive(db: Db, linkSeq: number): Promise<void> {
  const link = await db
    .selectFrom('door_links')
    .select(['revoked_at', 'expires_at'])
    .where('seq', '=', linkSeq)
    .executeTakeFirst();
  if (!link || !isLive(link, nowIso())) throw revokedDoorLink();
}

interface Cached {
  session: DoorSession;
  /** The session's end, in ms (read once, not parsed on every request). */
  expiresMs: number;
  /** When it was read from the database: names (event, label) are read again after a while. */
  readAt: number;
  /** When this process last wrote the link's last use. */
  touchedAt: number;
}

/**
 * Finds the door session of a token. What a session is (its event, link and device) never
 * changes, so it is kept in memory after the first request; whether its link is still live is
 * checked on every request, by `find` or, for a scan, inside the scan's own transaction (the
 * redeemer does it), so a revoked link stops its devices at their next request on any process.
 */
export class DoorSessions {
  /**
   * Sessions by their token as the device sends it: a hit costs a map lookup, not a SHA-256 of
   * the token on every scan (the database knows only the hash). The tokens stay in this process's
   * memory, where every request carrying one already is.
   */
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly db: Db,
    private readonly max = 10_000,
    private readonly rereadMs = 60_000,
  ) {}

  /**
   * The live session of a token: null for an unknown or ended session, 401 door_access_revoked
   * (thrown) for a revoked or expired link. `checkLink: false` leaves the link's check to the
   * caller, who must make it in the same transaction as the work it guards.
   */
  async find(token: string, options: { checkLink?: boolean } = {}): Promise<DoorSession | null> {
    if (token.length === 0 || token.length > 200) return null;
    const now = Date.now();
    let cached = this.cache.get(token);
    if (!cached || now - cached.readAt > this.rereadMs) {
      const session = await this.read(hashToken(token));
      if (!session) {
        this.cache.delete(token);
        return null;
      }
      if (this.cache.size >= this.max) this.cache.clear();
      cached = { session, expiresMs: Date.parse(session.expiresAt), readAt: now, touchedAt: 0 };
      this.cache.set(token, cached);
    } else if (options.checkLink !== false) {
      await assertDoorLinkLive(this.db, cached.session.doorLink.seq);
    }
    if (cached.expiresMs <= now) return null;
    if (now - cached.touchedAt > TOUCH_EVERY_MS) {
      cached.touchedAt = now;
      await this.db
        .updateTable('door_links')
        .set({ last_used_at: new Date(now).toISOString() })
        .where('seq', '=', cached.session.doorLink.seq)
        .execute();
    }
    return cached.session;
  }

  /** Reads a session with its link (checked live), event and device. */
  private async read(tokenHash: string): Promise<DoorSession | null> {
    const row = await this.db
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
        'events.seq as event_seq',
        'events.id as event_id',
        'events.name as event_name',
        'events.date as event_date',
      ])
      .where('door_sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    if (!isLive(row, nowIso())) throw revokedDoorLink();
    return {
      seq: Number(row.seq),
      tokenHash,
      expiresAt: row.session_expires_at,
      device: row.device,
      event: { seq: Number(row.event_seq), id: row.event_id, name: row.event_name, date: row.event_date },
      doorLink: { seq: Number(row.link_seq), id: row.link_id, label: row.label },
    };
  }
}
