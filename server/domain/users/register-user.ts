import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../shared/error-codes.js';
import { Limits, type User } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../common.js';
import { normaliseText } from '../text.js';
import { assertAcceptablePassword } from './password-policy.js';
import { type HashingSlot, hashPassword } from './passwords.js';

/**
 * Normalises a username for uniqueness: trimmed, compatibility-folded (NFKC), case-insensitive.
 * The key can be far longer than the name (U+FDFA alone folds to 18 characters): its column is
 * unbounded text (migration 008).
 */
export function usernameKey(username: string): string {
  return username.trim().normalize('NFKC').toLowerCase();
}

/** Creates a user; a username taken in any letter case is 409 username_taken. */
export async function registerUser(
  db: Db,
  input: { username: string; password: string },
  slot?: HashingSlot,
): Promise<User> {
  const username = normaliseText(input.username, 'username', { min: Limits.usernameMin, max: Limits.usernameMax });
  await assertAcceptablePassword(input.password);
  const key = usernameKey(username);
  const taken = await db.selectFrom('users').select('id').where('username_key', '=', key).executeTakeFirst();
  if (taken) throw new AppError(ErrorCode.usernameTaken, 409, `The username "${username}" is already taken.`);
  const user = { id: randomUUID(), username, username_key: key, created_at: nowIso() };
  const password_hash = await hashPassword(input.password, slot);
  try {
    await db
      .insertInto('users')
      .values({ ...user, password_hash })
      .execute();
  } catch (err) {
    // Two registrations racing for one name: the unique index decides.
    const again = await db.selectFrom('users').select('id').where('username_key', '=', key).executeTakeFirst();
    if (again) throw new AppError(ErrorCode.usernameTaken, 409, `The username "${username}" is already taken.`);
    throw err;
  }
  return { id: user.id, username, createdAt: user.created_at };
}
