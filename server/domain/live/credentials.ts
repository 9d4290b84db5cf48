import type { Db } from '../../db/database.js';
import { nowIso } from '../common.js';

/** Who holds a stream open: an organiser's session or a door session, by the hash of its token. */
export interface LiveCredential {
  kind: 'owner' | 'door';
  tokenHash: string;
}

const CHUNK = 500;

/**
 * Which of these credentials still hold: organiser sessions that exist and have not expired, door
 * sessions that have not expired and whose door link is neither revoked nor expired. Batched, so
 * re-checking every open stream costs a few statements, not one per stream.
 */
export async function liveCredentials(db: Db, credentials: LiveCredential[]): Promise<Set<string>> {
  const now = nowIso();
  const live = new Set<string>();
  const owners = credentials.filter((c) => c.kind === 'owner').map((c) => c.tokenHash);
  const doors = credentials.filter((c) => c.kind === 'door').map((c) => c.tokenHash);
  for (let i = 0; i < owners.length; i += CHUNK) {
    const rows = await db
      .selectFrom('sessions')
      .select('token_hash')
      .where('token_hash', 'in', owners.slice(i, i + CHUNK))
      .where('expires_at', '>', now)
      .execute();
    for (const r of rows) live.add(r.token_hash);
  }
  for (let i = 0; i < doors.length; i += CHUNK) {
    const rows = await db
      .selectFrom('door_sessions as s')
      .innerJoin('door_links as l', 'l.seq', 's.link_seq')
      .select('s.token_hash')
      .where('s.token_hash', 'in', doors.slice(i, i + CHUNK))
      .where('s.expires_at', '>', now)
      .where('l.expires_at', '>', now)
      .where('l.revoked_at', 'is', null)
      .execute();
    for (const r of rows) live.add(r.token_hash);
  }
  return live;
}
