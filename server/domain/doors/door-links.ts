import { randomBytes, randomUUID } from 'node:crypto';
import { type CreateDoorLinkBody, DoorLimits, type DoorLink } from '../../../shared/door.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import type { Db } from '../../db/database.js';
import type { DoorLinksTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { canonicalId, nowIso } from '../common.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { normaliseText } from '../text.js';
import { hashToken } from '../users/sessions.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A link may be made to last at most this long. */
const MAX_LIFETIME_MS = 366 * DAY_MS;

/** When a link ends unless told otherwise: 24 hours after the end of the event's day (UTC). */
export function defaultDoorLinkExpiry(eventDate: string): string {
  return new Date(Date.parse(`${eventDate}T00:00:00.000Z`) + 2 * DAY_MS).toISOString();
}

type DoorLinkRow = Pick<
  DoorLinksTable,
  'id' | 'label' | 'created_at' | 'expires_at' | 'revoked_at' | 'last_used_at'
> & { devices: number | string | null };

/** API view of a door link row and its device count. */
function toDoorLink(row: DoorLinkRow): DoorLink {
  return {
    id: row.id,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    devices: Number(row.devices ?? 0),
  };
}

/**
 * Creates a door link for an owned event. The secret (256 random bits) is returned once and
 * stored only as its SHA-256, like a session token.
 */
export async function createDoorLink(
  db: Db,
  ownerId: string,
  eventId: string,
  input: CreateDoorLinkBody,
): Promise<{ doorLink: DoorLink; secret: string; eventId: string }> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const label = normaliseText(input.label, 'label', { max: DoorLimits.labelMax });
  const now = Date.now();
  let expiresAt = defaultDoorLinkExpiry(event.date);
  if (input.expiresAt !== undefined) {
    const at = Date.parse(input.expiresAt);
    if (!(at > now)) throw AppError.validation([{ field: 'expiresAt', message: 'must be in the future' }]);
    if (at > now + MAX_LIFETIME_MS) {
      throw AppError.validation([{ field: 'expiresAt', message: 'must be within a year from now' }]);
    }
    expiresAt = new Date(at).toISOString();
  }
  const secret = randomBytes(32).toString('base64url');
  const row = {
    id: randomUUID(),
    event_seq: event.seq,
    label,
    secret_hash: hashToken(secret),
    created_at: new Date(now).toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
    last_used_at: null,
  };
  await db.insertInto('door_links').values(row).execute();
  return { doorLink: toDoorLink({ ...row, devices: 0 }), secret, eventId: event.id };
}

function linksOf(db: Db, eventSeq: number) {
  return db
    .selectFrom('door_links')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('door_sessions')
          .select((s) => ['link_seq', s.fn.countAll<number>().as('n')])
          .groupBy('link_seq')
          .as('devices'),
      (join) => join.onRef('devices.link_seq', '=', 'door_links.seq'),
    )
    .select([
      'door_links.id',
      'door_links.label',
      'door_links.created_at',
      'door_links.expires_at',
      'door_links.revoked_at',
      'door_links.last_used_at',
      'devices.n as devices',
    ])
    .where('door_links.event_seq', '=', eventSeq);
}

/** The door links of an owned event, newest first; never their secrets. */
export async function listDoorLinks(db: Db, ownerId: string, eventId: string): Promise<DoorLink[]> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const rows = await linksOf(db, event.seq).orderBy('door_links.seq', 'desc').execute();
  return rows.map(toDoorLink);
}

/**
 * Revokes a door link of an owned event: every device opened with it is refused from its next
 * request on (sessions are checked against their link on every request). Revoking twice is fine.
 */
export async function revokeDoorLink(db: Db, ownerId: string, eventId: string, linkId: string): Promise<void> {
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const link = await db
    .selectFrom('door_links')
    .select(['seq', 'revoked_at'])
    .where('id', '=', canonicalId(linkId))
    .where('event_seq', '=', event.seq)
    .executeTakeFirst();
  if (!link) throw AppError.notFound(ErrorCode.doorLinkNotFound, 'No such door link for this event.');
  if (link.revoked_at === null) {
    await db.updateTable('door_links').set({ revoked_at: nowIso() }).where('seq', '=', link.seq).execute();
  }
}
