import type { User } from '../../../shared/schemas.js';
import type { UsersTable } from '../../db/schema.js';

/** API view of a user row. */
export function toUser(row: Pick<UsersTable, 'id' | 'username' | 'created_at'>): User {
  return { id: row.id, username: row.username, createdAt: row.created_at };
}
