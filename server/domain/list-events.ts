import { sql } from 'kysely';
import type { EventList, EventSort } from '../../shared/schemas.js';
import { AppError } from '../errors.js';
import type { Db } from './common.js';
import { withCounters } from './event-counters.js';

const sortColumns = { date: 'date', name: 'name_key', createdAt: 'created_at' } as const;

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of the user's events, optionally filtered by a case-insensitive substring of the name. */
export async function listEvents(
  db: Db,
  ownerId: string,
  query: { q?: string; page?: number; pageSize?: number; sort?: EventSort },
): Promise<EventList> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const sort = query.sort ?? '-date';
  const desc = sort.startsWith('-');
  const column = sortColumns[(desc ? sort.slice(1) : sort) as keyof typeof sortColumns];
  const q = query.q?.trim() ?? '';
  // No name holds a control character, and PostgreSQL refuses NUL in a query parameter.
  if (/\p{Cc}/u.test(q)) throw AppError.validation([{ field: 'q', message: 'must not contain control characters' }]);

  let base = db.selectFrom('events').where('owner_id', '=', ownerId);
  if (q !== '') base = base.where(sql<boolean>`name_key like ${likePattern(q)} escape '\\'`);

  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(column, desc ? 'desc' : 'asc')
      .orderBy('id', desc ? 'desc' : 'asc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await withCounters(db, rows), total: Number(count.n), page, pageSize };
}
