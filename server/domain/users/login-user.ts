import { ErrorCode } from '../../../shared/error-codes.js';
import type { User } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { decoyHash, type HashingSlot, verifyPassword } from './passwords.js';
import { usernameKey } from './register-user.js';
import { toUser } from './to-user.js';

/**
 * Checks credentials; unknown user and wrong password give the same error after the same work.
 * Hashes in the caller's slot when given one (see withHashingSlot), else takes one.
 */
export async function loginUser(
  db: Db,
  input: { username: string; password: string },
  slot?: HashingSlot,
): Promise<User> {
  // No username holds a control character (and PostgreSQL refuses NUL): such a name is simply unknown.
  const row = /\p{Cc}/u.test(input.username.trim())
    ? undefined
    : await db
        .selectFrom('users')
        .select(['id', 'username', 'created_at', 'password_hash'])
        .where('username_key', '=', usernameKey(input.username))
        .executeTakeFirst();
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await decoyHash), slot);
  if (!row || !ok) throw new AppError(ErrorCode.invalidCredentials, 401, 'Wrong username or password.');
  return toUser(row);
}
