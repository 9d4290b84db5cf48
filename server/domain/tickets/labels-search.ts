import { SqliteAdapter, sql } from 'kysely';
import type { TicketStatus } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { labelKey } from './labels.js';
import type { TicketPageRow, TicketPosition } from './ticket-pages.js';

/** A ticket row found by label: a page row with its label. */
export interface LabelledRow extends TicketPageRow {
  label: string | null;
}

/** What a label search reads: one event's tickets, by status. */
export interface LabelSearch {
  eventSeq: number;
  status: TicketStatus | 'all';
  /** The query as the user typed it; folded here like the labels (see labelKey). */
  q: string;
}

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
function likePattern(key: string): string {
  return `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The folded query; 400 naming `field` for text no label can hold. */
export function labelQueryKey(q: string, field = 'q'): string {
  if (/\p{Cc}/u.test(q)) throw AppError.validation([{ field, message: 'must not contain control characters' }]);
  return labelKey(q.trim());
}

/**
 * One page of an event's tickets whose label contains the query (folded: any letter case, with
 * or without accents), in ticket order (seq), strictly after `after`. SQLite reads the trigram
 * index of migration 010 for 3+ characters (a trigram needs 3), then checks each candidate holds
 * the text itself; shorter queries, and PostgreSQL (whose planner picks the pg_trgm index or the
 * partial index of labelled tickets), walk the event's labelled tickets. A ticket without a label
 * is in neither index, so an event of a million unlabelled tickets costs a search nothing.
 * Labels are only ever set on visible tickets, so no pending batch can show up here.
 */
export async function searchByLabel(
  db: Db,
  search: LabelSearch,
  after: TicketPosition | null,
  limit: number,
): Promise<LabelledRow[]> {
  const key = labelQueryKey(search.q);
  if (key === '') return [];
  const afterSeq = after?.seq ?? 0;
  const status =
    search.status === 'ok'
      ? sql`and t.redeemed_at is null and t.voided_at is null`
      : search.status === 'redeemed'
        ? sql`and t.redeemed_at is not null`
        : search.status === 'void'
          ? sql`and t.voided_at is not null`
          : sql``;
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  if (sqlite && [...key].length >= 3) {
    const phrase = `"${key.replaceAll('"', '""')}"`;
    const found = await sql<LabelledRow>`select t.seq, t.batch_seq, t.id, t.redeemed_at, t.label, t.voided_at
      from ticket_labels l join tickets t on t.seq = l.rowid
      where ticket_labels match ${phrase} and l.event_seq = ${search.eventSeq} and l.rowid > ${afterSeq}
        and instr(l.label_key, ${key}) > 0 ${status}
      order by l.rowid limit ${limit}`.execute(db);
    return found.rows;
  }
  const contains = sqlite ? sql`instr(t.label_key, ${key}) > 0` : sql`t.label_key like ${likePattern(key)} escape '\\'`;
  const found = await sql<LabelledRow>`select t.seq, t.batch_seq, t.id, t.redeemed_at, t.label, t.voided_at
    from tickets t
    where t.event_seq = ${search.eventSeq} and t.label_key is not null and t.seq > ${afterSeq}
      and ${contains} ${status}
    order by t.seq limit ${limit}`.execute(db);
  return found.rows;
}
