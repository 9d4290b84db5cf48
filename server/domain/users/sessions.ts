import { createHash, randomBytes } from 'node:crypto';
import type { User } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { nowIso } from '../common.js';
import { toUser } from './to-user.js';

export interface Session {
  token: string;
  expiresAt: string;
}

export interface ResolvedSession {
  tokenHash: string;
  user: User;
  expiresAt: string;
}

/** Sessions are stored only as a SHA-256 of the token, so a database leak yields no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a session for a user: a 256-bit random token with an expiry. */
export async function createSession(db: Db, userId: string, ttlSeconds: number): Promise<Session> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = new Date(now + ttlSeconds * 1000).toISOString();
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      created_at: new Date(now).toISOString(),
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

/** Finds the live (unexpired, unrevoked) session a token belongs to. */
export async function findSession(db: Db, token: string): Promise<ResolvedSession | null> {
  if (token.length === 0 || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.created_at', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', nowIso())
    .executeTakeFirst();
  if (!row) return null;
  return { tokenHash, user: toUser(row), expiresAt: row.expires_at };
}

/** Revokes a session at once (sign-out); expired sessions are swept by purgeExpiredSessions. */
export async function revokeSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Deletes expired sessions; run at start and periodically. */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', nowIso()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
