import { sql } from 'kysely';
import type { Arrivals, ArrivalsBucket } from '../../../shared/event-activity.js';
import type { Db, Store } from '../../db/database.js';
import { getOwnedEventRow } from '../events/get-event.js';
import { SettledScans } from './settled-scans.js';

/** Outcomes counted as refused on the chart; `undone` counts as neither admitted nor refused. */
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

interface TailRow {
  /** The minute as `YYYY-MM-DDTHH:MM`. */
  minute: string;
  admitted: number | string | null;
  refused: number | string | null;
  rows: number | string;
  top: number | string;
  /** PostgreSQL: 1 for rows at or below the settled bound (foldable), 0 for rows above it. */
  settled: number | string;
}

const refusedList = sql.join(REFUSED_OUTCOMES.map((o) => sql.lit(o)));

/**
 * Admitted and refused scans of an owned event per bucket, oldest first, empty buckets left out.
 * Answered from the per-minute rollup plus the log after its watermark (the tail), in one
 * snapshot: a scan counts as soon as it is committed. When the tail has grown, the settled part
 * of it is folded into the rollup, so an event with a million scans is read as a few hundred
 * minutes and a short tail, never grouped whole (see docs/architecture.md).
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
  let bound: number | null = null;
  if (dialect === 'postgres') {
    let settled = settledByDb.get(db);
    if (!settled) {
      settled = new SettledScans();
      settledByDb.set(db, settled);
    }
    bound = await settled.bound(db);
  }
  const read = async (trx: Db) => {
    const rollup = await trx
      .selectFrom('scan_rollups')
      .select('folded_seq')
      .where('event_seq', '=', eventSeq)
      .executeTakeFirst();
    const folded = Number(rollup?.folded_seq ?? 0);
    const minutes = await trx
      .selectFrom('scan_minutes')
      .select(['minute', 'admitted', 'refused'])
      .where('event_seq', '=', eventSeq)
      .orderBy('minute')
      .execute();
    const settledFlag = bound === null ? sql`1` : sql`case when seq <= ${bound} then 1 else 0 end`;
    const { rows: tail } = await sql<TailRow>`
      select substr(at, 1, 16) as minute,
        sum(case when outcome = 'admitted' then 1 else 0 end) as admitted,
        sum(case when outcome in (${refusedList}) then 1 else 0 end) as refused,
        count(*) as rows, max(seq) as top, ${settledFlag} as settled
      from scans where event_seq = ${eventSeq} and seq > ${folded}
      group by 1, 6`.execute(trx);
    return { folded, minutes, tail };
  };
  const snapshot =
    dialect === 'postgres'
      ? await db.transaction().setIsolationLevel('repeatable read').execute(read)
      : await db.transaction().execute(read);

  const counts = new Map<number, MinuteCounts>();
  const add = (minute: number, admitted: number, refused: number) => {
    const at = counts.get(minute) ?? { minute, admitted: 0, refused: 0 };
    at.admitted += admitted;
    at.refused += refused;
    counts.set(minute, at);
  };
  for (const m of snapshot.minutes) add(Number(m.minute), Number(m.admitted), Number(m.refused));
  const foldable: MinuteCounts[] = [];
  let foldRows = 0;
  let foldTop = snapshot.folded;
  for (const t of snapshot.tail) {
    const minute = Date.parse(`${t.minute}:00.000Z`) / 60_000;
    const admitted = Number(t.admitted ?? 0);
    const refused = Number(t.refused ?? 0);
    add(minute, admitted, refused);
    if (Number(t.settled) === 1) {
      foldable.push({ minute, admitted, refused });
      foldRows += Number(t.rows);
      foldTop = Math.max(foldTop, Number(t.top));
    }
  }
  if (foldRows >= FOLD_MIN_ROWS) {
    // On PostgreSQL every row up to the bound is settled: the watermark may move up to it.
    await foldTail(db, eventSeq, snapshot.folded, bound ?? foldTop, foldable);
  }

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
