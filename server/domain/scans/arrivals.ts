import { sql } from 'kysely';
import type { Arrivals, ArrivalsBucket } from '../../../shared/event-activity.js';
import type { Store } from '../../db/database.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { SettledScans } from './settled-scans.js';

/**
 * Outcomes counted as refused on the chart; `undone` counts as neither admitted nor refused, and
 * `offline_double_entry` as admitted (the guest was let in, though the counter did not move).
 */
export const REFUSED_OUTCOMES = ['already_redeemed', 'not_found', 'wrong_event', 'unreadable', 'void'] as const;

const BUCKET_MINUTES: Record<ArrivalsBucket, number> = { '1m': 1, '5m': 5, '15m': 15, '1h': 60 };

/** Unfolded rows worth a fold: fewer are cheaper to count again than to write. */
const FOLD_MIN_ROWS = 256;

/** The settled bound of each PostgreSQL database this process uses (see SettledScans). */
const settledByDb = new WeakMap<object, SettledScans>();

interface MinuteCounts {
  minute: number;
  admitted: number;
  refused: number;
}

/** A row of the one read: a rollup minute (`m`), a group of the tail (`t`), or the watermark (`w`). */
interface ReadRow {
  kind: 'm' | 't' | 'w';
  /** `m`: the minute (minutes since 1970). */
  minute: number | string | null;
  /** `t`: the minute as `YYYY-MM-DDTHH:MM`. */
  tail_minute: string | null;
  admitted: number | string | null;
  refused: number | string | null;
  rows: number | string;
  /** `t`: the group's highest seq; `w`: the watermark. */
  top: number | string | null;
  /** `t`: 1 for rows at or below the settled bound (foldable), 0 above it. */
  settled: number | string;
}

const refusedList = sql.join(REFUSED_OUTCOMES.map((o) => sql.lit(o)));

/** The settled bound of a PostgreSQL database, one per process and database. */
function settledScans(db: object): SettledScans {
  let settled = settledByDb.get(db);
  if (!settled) {
    settled = new SettledScans();
    settledByDb.set(db, settled);
  }
  return settled;
}

/**
 * Admitted and refused scans of an owned event per bucket, oldest first, empty buckets left out.
 * Answered from the per-minute rollup plus the log after its watermark (the tail), read in one
 * statement (one snapshot): a scan counts as soon as it is committed. When the tail has grown,
 * its settled part is folded into the rollup, so an event with a million scans is read as a few
 * hundred minutes and a short tail, never grouped whole (see docs/architecture.md).
 */
export async function getArrivals(
  store: Store,
  ownerId: string,
  eventId: string,
  bucket: ArrivalsBucket = '1m',
): Promise<Arrivals> {
  const { db, dialect } = store;
  const event = await getOwnedEventRow(db, ownerId, eventId);
  const eventSeq = Number(event.seq);
  // SQLite commits seqs in order: all the tail is settled. PostgreSQL: up to the bound this
  // process last found settled (it only grows), refreshed below when a fold is due.
  const settled = dialect === 'postgres' ? settledScans(db) : null;
  const bound = settled?.current ?? null;
  const settledFlag = bound === null ? sql`1` : sql`case when seq <= ${bound} then 1 else 0 end`;
  const folded = sql`coalesce((select folded_seq from scan_rollups where event_seq = ${eventSeq}), 0)`;
  const { rows } = await sql<ReadRow>`
    select 'm' as kind, minute, cast(null as text) as tail_minute, admitted, refused, 0 as rows,
      cast(null as bigint) as top, 0 as settled
    from scan_minutes where event_seq = ${eventSeq}
    union all
    select 't', null, substr(at, 1, 16), sum(case when outcome in ('admitted', 'offline_double_entry') then 1 else 0 end),
      sum(case when outcome in (${refusedList}) then 1 else 0 end), count(*), max(seq), ${settledFlag}
    from scans where event_seq = ${eventSeq} and seq > ${folded}
    group by 3, 8
    union all
    select 'w', null, null, 0, 0, 0, ${folded}, 0`.execute(db);

  const counts = new Map<number, MinuteCounts>();
  const add = (minute: number, admitted: number, refused: number) => {
    const at = counts.get(minute) ?? { minute, admitted: 0, refused: 0 };
    at.admitted += admitted;
    at.refused += refused;
    counts.set(minute, at);
  };
  let watermark = 0;
  let tailRows = 0;
  let foldRows = 0;
  let foldTop = 0;
  const foldable: MinuteCounts[] = [];
  for (const r of rows) {
    if (r.kind === 'w') {
      watermark = Number(r.top ?? 0);
      continue;
    }
    const minute = r.kind === 'm' ? Number(r.minute) : Date.parse(`${r.tail_minute}:00.000Z`) / 60_000;
    const admitted = Number(r.admitted ?? 0);
    const refused = Number(r.refused ?? 0);
    add(minute, admitted, refused);
    if (r.kind !== 't') continue;
    tailRows += Number(r.rows);
    if (Number(r.settled) === 1) {
      foldable.push({ minute, admitted, refused });
      foldRows += Number(r.rows);
      foldTop = Math.max(foldTop, Number(r.top));
    }
  }
  if (foldRows >= FOLD_MIN_ROWS) {
    // On PostgreSQL every row up to the bound is settled: the watermark may move up to it.
    await foldTail(db, eventSeq, watermark, bound ?? foldTop, foldable);
  }
  // A long tail that could not be folded yet: find out how far the log has settled since, for
  // the next answers (two short reads; see SettledScans).
  if (settled && tailRows - foldRows >= FOLD_MIN_ROWS) await settled.bound(db);

  const size = BUCKET_MINUTES[bucket];
  const buckets = new Map<number, MinuteCounts>();
  for (const c of [...counts.values()].sort((a, b) => a.minute - b.minute)) {
    if (c.admitted === 0 && c.refused === 0) continue;
    const start = Math.floor(c.minute / size) * size;
    const at = buckets.get(start) ?? { minute: start, admitted: 0, refused: 0 };
    at.admitted += c.admitted;
    at.refused += c.refused;
    buckets.set(start, at);
  }
  return {
    bucket,
    items: [...buckets.values()].map((b) => ({
      at: new Date(b.minute * 60_000).toISOString(),
      admitted: b.admitted,
      refused: b.refused,
    })),
  };
}

/**
 * Adds the settled tail's counts to the rollup and moves the watermark from `from` to `to`, in
 * one transaction, only if the watermark is still `from` (compare and set): of two processes
 * folding the same tail at once, one folds it and the other changes nothing.
 */
async function foldTail(
  db: Store['db'],
  eventSeq: number,
  from: number,
  to: number,
  minutes: MinuteCounts[],
): Promise<void> {
  if (to <= from) return;
  await db.transaction().execute(async (trx) => {
    const moved =
      from === 0
        ? await trx
            .insertInto('scan_rollups')
            .values({ event_seq: eventSeq, folded_seq: to })
            .onConflict((oc) => oc.column('event_seq').doNothing())
            .executeTakeFirst()
            .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0))
        : await trx
            .updateTable('scan_rollups')
            .set({ folded_seq: to })
            .where('event_seq', '=', eventSeq)
            .where('folded_seq', '=', from)
            .executeTakeFirst()
            .then((r) => Number(r.numUpdatedRows));
    if (moved !== 1) return;
    for (const m of minutes) {
      await trx
        .insertInto('scan_minutes')
        .values({ event_seq: eventSeq, minute: m.minute, admitted: m.admitted, refused: m.refused })
        .onConflict((oc) =>
          oc.columns(['event_seq', 'minute']).doUpdateSet((eb) => ({
            admitted: eb(eb.ref('scan_minutes.admitted'), '+', eb.ref('excluded.admitted')),
            refused: eb(eb.ref('scan_minutes.refused'), '+', eb.ref('excluded.refused')),
          })),
        )
        .execute();
    }
  });
}
