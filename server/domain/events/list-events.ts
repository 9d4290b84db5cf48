import { type RawBuilder, SqliteAdapter, sql } from 'kysely';
import type { EventList, EventSort } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { withCounters } from './event-counters.js';

const sortColumns = { date: 'date', name: 'name_key', createdAt: 'created_at' } as const;

/**
 * SQLite search plans (measured with `npm run bench:search`; figures in
 * docs/performance-history.md, "Events search"): walking the owner's index costs the same
 * whatever the query; counting through the trigram index costs a little per candidate (a name of
 * any owner holding the query's trigrams). Past this many candidates (bounded by the rarest
 * trigram's count) the walk is the cheaper count.
 */
const MAX_INDEX_CANDIDATES = 15_000;
/**
 * Up to this many matches a page is sorted from the matches, each looked up by seq. Past it,
 * walking the sort index finds the page sooner, as it stops after pageSize matches.
 */
const MAX_SORTED_MATCHES = 200;

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
function likePattern(key: string): string {
  return `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An FTS5 query for the text itself: inside double quotes, OR, NEAR, * and the like are plain characters. */
function ftsPhrase(key: string): string {
  return `"${key.replaceAll('"', '""')}"`;
}

/** The distinct trigrams of key, as the index's tokenizer cuts them (by code point). */
function trigrams(key: string): string[] {
  const chars = [...key];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''));
  return [...out];
}

/**
 * The owner's events whose name_key contains key, through the trigram index (SQLite, key of 3+
 * characters: a trigram needs 3): how many, and a subquery of their seqs. Undefined when so many
 * names share its trigrams that the walk is cheaper. MATCH narrows to names holding all the
 * query's trigrams in a row; instr keeps exactly those containing key, as the walk does.
 */
async function indexedMatches(
  db: Db,
  ownerId: string,
  key: string,
): Promise<{ total: number; seqs: RawBuilder<number> } | undefined> {
  const terms = trigrams(key);
  if (terms.length === 0) return undefined;
  const seqs = sql<number>`select rowid from events_search
    where events_search match ${ftsPhrase(key)} and owner_id = ${ownerId} and instr(name_key, ${key}) > 0`;
  // The rarest trigram bounds the candidates, read from the index's term counts (migration 004)
  // without touching a name; a trigram no name holds means no match at all.
  const rarest = await sql<{ found: number; fewest: number | null }>`select count(*) as found, min(doc) as fewest
    from events_search_terms where term in (${sql.join(terms)})`.execute(db);
  const bound = rarest.rows[0];
  if (Number(bound?.found) < terms.length) return { total: 0, seqs };
  if (Number(bound?.fewest) > MAX_INDEX_CANDIDATES) return undefined;
  const counted = await sql<{ n: number }>`select count(*) as n from (${seqs})`.execute(db);
  return { total: Number(counted.rows[0]?.n ?? 0), seqs };
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
  // name_key is the name in NFC lowercased in JavaScript; the query is normalised the same way.
  const key = q.normalize('NFC').toLowerCase();
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;

  // The walk goes through the owner's index (it carries name_key) and checks every name. On SQLite instr
  // is exact without escaping, and faster than LIKE where a page walks the sort index; on
  // PostgreSQL, LIKE can use the pg_trgm index of migration 002.
  let walk = db.selectFrom('events').where('owner_id', '=', ownerId);
  if (key !== '') {
    walk = walk.where(
      sqlite ? sql<boolean>`instr(name_key, ${key}) > 0` : sql<boolean>`name_key like ${likePattern(key)} escape '\\'`,
    );
  }
  const matches = sqlite && key !== '' ? await indexedMatches(db, ownerId, key) : undefined;

  let total: number;
  let pageQuery = walk;
  if (matches) {
    total = matches.total;
    // The seqs already belong to the owner; filtering on owner_id here would lead SQLite to walk
    // the owner's whole index instead of looking up these few rows.
    if (total <= MAX_SORTED_MATCHES) {
      pageQuery = db.selectFrom('events').where(sql<boolean>`seq in (${matches.seqs})`);
    }
  } else {
    const counted = await walk.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    total = Number(counted.n);
  }
  // Counted first, so a search with no match (or a page past the end) skips the page query, which
  // would walk all of the owner's events again.
  const offset = (page - 1) * pageSize;
  const rows =
    offset < total
      ? await pageQuery
          .selectAll()
          .orderBy(column, desc ? 'desc' : 'asc')
          .orderBy('id', desc ? 'desc' : 'asc')
          .limit(pageSize)
          .offset(offset)
          .execute()
      : [];
  return { items: await withCounters(db, rows), total, page, pageSize };
}
