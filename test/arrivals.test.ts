import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ScanLogOutcome } from '../server/db/schema.js';
import { testStore } from './databases.js';
import { createEvent, createUser, expectFieldError, expectProblem, ticketIds, useApp } from './helper.js';

const ctx = useApp();

interface Arrivals {
  bucket: string;
  items: { at: string; admitted: number; refused: number }[];
}

async function ownEvent(tickets = 1) {
  const owner = await createUser(ctx.app);
  const event = await createEvent(ctx.app, owner.headers, { initialTickets: tickets });
  const row = await ctx.app.store.db
    .selectFrom('events')
    .select('seq')
    .where('id', '=', event.id)
    .executeTakeFirstOrThrow();
  return { owner, event, eventSeq: Number(row.seq) };
}

/** Scans written straight into the log at chosen times, as the redeemers write them. */
async function logScans(eventSeq: number, scans: [at: string, outcome: ScanLogOutcome, times?: number][]) {
  const rows = scans.flatMap(([at, outcome, times = 1]) =>
    Array.from({ length: times }, () => ({
      id: randomUUID(),
      event_seq: eventSeq,
      door_link_seq: null,
      session_seq: null,
      device: null,
      ticket_id: null,
      outcome,
      at,
      redeemed_at: null,
      duplicate_scans: null,
      first_door: null,
    })),
  );
  for (let i = 0; i < rows.length; i += 200) {
    await ctx.app.store.db
      .insertInto('scans')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

async function arrivals(headers: Record<string, string>, eventId: string, bucket?: string): Promise<Arrivals> {
  const query = bucket ? `?bucket=${bucket}` : '';
  const res = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/arrivals${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json() as Arrivals;
}

const total = (a: Arrivals): [number, number] =>
  a.items.reduce<[number, number]>(([admitted, refused], i) => [admitted + i.admitted, refused + i.refused], [0, 0]);

describe(`arrivals over time (${testStore})`, () => {
  it('counts admitted and refused scans per 1, 5, 15 and 60 minutes, oldest first, without empty buckets or undos', async () => {
    const { owner, event, eventSeq } = await ownEvent();
    await logScans(eventSeq, [
      ['2026-11-27T20:00:10.000Z', 'admitted', 3],
      ['2026-11-27T20:00:50.999Z', 'already_redeemed'],
      ['2026-11-27T20:01:05.000Z', 'admitted', 2],
      ['2026-11-27T20:01:06.000Z', 'not_found'],
      ['2026-11-27T20:01:07.000Z', 'undone'],
      ['2026-11-27T20:04:59.999Z', 'wrong_event'],
      ['2026-11-27T20:04:59.999Z', 'unreadable'],
      ['2026-11-27T20:05:00.000Z', 'admitted'],
      ['2026-11-27T20:14:59.000Z', 'admitted'],
      ['2026-11-27T20:15:00.000Z', 'admitted'],
      ['2026-11-27T21:00:00.000Z', 'admitted'],
      ['2026-11-27T22:30:00.000Z', 'undone'],
    ]);
    const at = (time: string) => `2026-11-27T${time}:00.000Z`;
    const oneMinute = await arrivals(owner.headers, event.id);
    expect(oneMinute).toEqual({
      bucket: '1m',
      items: [
        { at: at('20:00'), admitted: 3, refused: 1 },
        { at: at('20:01'), admitted: 2, refused: 1 },
        { at: at('20:04'), admitted: 0, refused: 2 },
        { at: at('20:05'), admitted: 1, refused: 0 },
        { at: at('20:14'), admitted: 1, refused: 0 },
        { at: at('20:15'), admitted: 1, refused: 0 },
        { at: at('21:00'), admitted: 1, refused: 0 },
      ],
    });
    expect(await arrivals(owner.headers, event.id, '1m')).toEqual(oneMinute);
    expect((await arrivals(owner.headers, event.id, '5m')).items).toEqual([
      { at: at('20:00'), admitted: 5, refused: 4 },
      { at: at('20:05'), admitted: 1, refused: 0 },
      { at: at('20:10'), admitted: 1, refused: 0 },
      { at: at('20:15'), admitted: 1, refused: 0 },
      { at: at('21:00'), admitted: 1, refused: 0 },
    ]);
    expect((await arrivals(owner.headers, event.id, '15m')).items).toEqual([
      { at: at('20:00'), admitted: 7, refused: 4 },
      { at: at('20:15'), admitted: 1, refused: 0 },
      { at: at('21:00'), admitted: 1, refused: 0 },
    ]);
    expect(await arrivals(owner.headers, event.id, '1h')).toEqual({
      bucket: '1h',
      items: [
        { at: at('20:00'), admitted: 8, refused: 4 },
        { at: at('21:00'), admitted: 1, refused: 0 },
      ],
    });
  });

  it('folds a long log into the per-minute rollup, and a new scan counts at once, fold or not', async () => {
    const { owner, event, eventSeq } = await ownEvent(3);
    const [first, second] = await ticketIds(ctx.app, owner.headers, event.id);
    await logScans(eventSeq, [
      ['2026-11-27T19:00:01.000Z', 'admitted', 250],
      ['2026-11-27T19:00:02.000Z', 'already_redeemed', 50],
      ['2026-11-27T19:07:00.000Z', 'admitted', 20],
    ]);
    const rollup = () =>
      ctx.app.store.db
        .selectFrom('scan_rollups')
        .select('folded_seq')
        .where('event_seq', '=', eventSeq)
        .executeTakeFirst();
    expect(await rollup()).toBeUndefined();
    const before = await arrivals(owner.headers, event.id, '5m');
    expect(before.items).toEqual([
      { at: '2026-11-27T19:00:00.000Z', admitted: 250, refused: 50 },
      { at: '2026-11-27T19:05:00.000Z', admitted: 20, refused: 0 },
    ]);
    // 320 rows are worth a fold: the rollup holds them by the next answer, up to the last scan
    // (PostgreSQL first finds out how far the log has settled, then folds).
    expect(await arrivals(owner.headers, event.id, '5m')).toEqual(before);
    const folded = await rollup();
    expect(Number(folded?.folded_seq)).toBeGreaterThan(0);
    const minutes = await ctx.app.store.db
      .selectFrom('scan_minutes')
      .select(['minute', 'admitted', 'refused'])
      .where('event_seq', '=', eventSeq)
      .orderBy('minute')
      .execute();
    const minute = (iso: string) => Date.parse(iso) / 60_000;
    expect(minutes.map((m) => [Number(m.minute), Number(m.admitted), Number(m.refused)])).toEqual([
      [minute('2026-11-27T19:00:00Z'), 250, 50],
      [minute('2026-11-27T19:07:00Z'), 20, 0],
    ]);
    expect(await arrivals(owner.headers, event.id, '5m')).toEqual(before);

    // Scans made now are in the tail: counted by the very next answer.
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${first}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${first}` })).statusCode).toBe(410);
    expect((await ctx.app.inject({ method: 'GET', url: `/redeem/${second}` })).statusCode).toBe(200);
    const after = await arrivals(owner.headers, event.id, '1h');
    expect(after.items[0]).toEqual({ at: '2026-11-27T19:00:00.000Z', admitted: 270, refused: 50 });
    expect(total(after)).toEqual([272, 51]);
    const now = new Date();
    expect(after.items.at(-1)?.at).toBe(`${now.toISOString().slice(0, 13)}:00:00.000Z`);
  });

  it('concurrent answers fold each scan once: the rollup never counts a row twice', async () => {
    const { owner, event, eventSeq } = await ownEvent();
    for (let round = 0; round < 3; round++) {
      await logScans(eventSeq, [['2026-11-27T18:30:00.000Z', 'admitted', 300]]);
      const answers = await Promise.all(Array.from({ length: 4 }, () => arrivals(owner.headers, event.id, '1h')));
      for (const a of answers)
        expect(a.items).toEqual([{ at: '2026-11-27T18:00:00.000Z', admitted: 300 * (round + 1), refused: 0 }]);
    }
    // The last round's rows are folded by the next answer at the latest.
    expect((await arrivals(owner.headers, event.id, '1h')).items[0]?.admitted).toBe(900);
    const rolled = await ctx.app.store.db
      .selectFrom('scan_minutes')
      .select('admitted')
      .where('event_seq', '=', eventSeq)
      .execute();
    expect(rolled.map((r) => Number(r.admitted))).toEqual([900]);
  });

  // PostgreSQL commits seqs out of order: a scan drawn seq 10 may commit after seq 11 did.
  if (testStore === 'postgres') {
    it('a scan committed late with a lower seq than folded ones is never skipped (PostgreSQL)', async () => {
      const { owner, event, eventSeq } = await ownEvent();
      const pgUrl = (ctx.app.config as { databaseUrl: string }).databaseUrl;
      const pg = await import('pg');
      const late = new pg.default.Client({ connectionString: pgUrl });
      await late.connect();
      try {
        await late.query('begin');
        await late.query(
          `insert into scans (id, event_seq, outcome, at) values ($1, $2, 'admitted', '2026-11-27T17:00:00.000Z')`,
          [randomUUID(), eventSeq],
        );
        // Later seqs, committed first, enough for a fold.
        await logScans(eventSeq, [['2026-11-27T17:01:00.000Z', 'admitted', 300]]);
        expect(total(await arrivals(owner.headers, event.id))).toEqual([300, 0]);
        expect(total(await arrivals(owner.headers, event.id))).toEqual([300, 0]);
        await late.query('commit');
      } finally {
        await late.end();
      }
      expect(total(await arrivals(owner.headers, event.id))).toEqual([301, 0]);
      await logScans(eventSeq, [['2026-11-27T17:02:00.000Z', 'admitted', 300]]);
      expect(total(await arrivals(owner.headers, event.id))).toEqual([601, 0]);
      expect(total(await arrivals(owner.headers, event.id))).toEqual([601, 0]);
      const rolled = await ctx.app.store.db
        .selectFrom('scan_minutes')
        .select((eb) => eb.fn.sum<string>('admitted').as('n'))
        .where('event_seq', '=', eventSeq)
        .executeTakeFirstOrThrow();
      expect(Number(rolled.n)).toBe(601);
    });
  }

  it('an event without scans has no buckets; a bad bucket is 400, no session 401, another user 404', async () => {
    const { owner, event } = await ownEvent();
    expect(await arrivals(owner.headers, event.id, '15m')).toEqual({ bucket: '15m', items: [] });
    const url = `/api/events/${event.id}/arrivals`;
    for (const bucket of ['2m', '60m', '']) {
      expectFieldError(
        await ctx.app.inject({ method: 'GET', url: `${url}?bucket=${bucket}`, headers: owner.headers }),
        'bucket',
      );
    }
    expectProblem(await ctx.app.inject({ method: 'GET', url }), 401, 'unauthorized');
    const stranger = await createUser(ctx.app);
    expectProblem(await ctx.app.inject({ method: 'GET', url, headers: stranger.headers }), 404, 'event_not_found');
  });
});
