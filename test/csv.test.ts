import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csvFilename, neutraliseFormula } from '../server/domain/tickets/export-tickets.js';
import {
  createEvent,
  createUser,
  expectFieldError,
  expectProblem,
  parseCsv,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();
const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function csv(headers: Record<string, string>, eventId: string, query = '') {
  return ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/tickets.csv${query}`, headers });
}

/** An event with 6 initial tickets (2 redeemed) and a batch of 3 more (1 redeemed). */
async function fixture(name = 'CSV fixture') {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { name, initialTickets: 6 });
  const initial = await ticketIds(ctx.app, headers, event.id);
  const added = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${event.id}/tickets`,
    headers,
    payload: { count: 3 },
  });
  const batch = added.json().batch as { id: string };
  const batchIds = (await ticketIds(ctx.app, headers, event.id)).filter((id) => !initial.includes(id));
  const redeemed = [initial[0], initial[1], batchIds[0]] as string[];
  for (const id of redeemed) await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem` });
  return { headers, event, initial, batch, batchIds, redeemed };
}

const ids = (rows: string[][]) => rows.map((r) => r[0]).sort();

describe('GET /api/events/:eventId/tickets.csv', () => {
  it('is an RFC 4180 text/csv attachment with a header and CRLF lines, defaulting to the ok tickets', async () => {
    const f = await fixture();
    const res = await csv(f.headers, f.event.id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="csv-fixture-ok-tickets.csv"');
    expect(res.body.startsWith('ticket_id,status,created_at,redeemed_at\r\n')).toBe(true);
    expect(res.body.endsWith('\r\n')).toBe(true);
    expect(res.body.replaceAll('\r\n', '')).not.toContain('\n');
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['ticket_id', 'status', 'created_at', 'redeemed_at']);
    const all = [...f.initial, ...f.batchIds];
    expect(ids(rows)).toEqual(all.filter((id) => !f.redeemed.includes(id)).sort());
    for (const row of rows) {
      expect(row).toEqual([expect.any(String), 'ok', expect.stringMatching(isoUtc), '']);
    }
  });

  it('filters by status=redeemed and status=all', async () => {
    const f = await fixture();
    const redeemed = parseCsv((await csv(f.headers, f.event.id, '?status=redeemed')).body).slice(1);
    expect(ids(redeemed)).toEqual([...f.redeemed].sort());
    for (const row of redeemed) {
      expect(row).toEqual([
        expect.any(String),
        'redeemed',
        expect.stringMatching(isoUtc),
        expect.stringMatching(isoUtc),
      ]);
    }
    const all = await csv(f.headers, f.event.id, '?status=all');
    expect(all.headers['content-disposition']).toBe('attachment; filename="csv-fixture-tickets.csv"');
    expect(ids(parseCsv(all.body).slice(1))).toEqual([...f.initial, ...f.batchIds].sort());
    const ok = parseCsv((await csv(f.headers, f.event.id, '?status=ok')).body).slice(1);
    expect(ok).toHaveLength(6);
  });

  it('filters by batch, alone and with a status', async () => {
    const f = await fixture();
    const all = parseCsv((await csv(f.headers, f.event.id, `?status=all&batch=${f.batch.id}`)).body).slice(1);
    expect(ids(all)).toEqual([...f.batchIds].sort());
    const ok = parseCsv((await csv(f.headers, f.event.id, `?batch=${f.batch.id.toUpperCase()}`)).body).slice(1);
    expect(ids(ok)).toEqual(f.batchIds.slice(1).sort());
    const redeemed = parseCsv((await csv(f.headers, f.event.id, `?status=redeemed&batch=${f.batch.id}`)).body);
    expect(ids(redeemed.slice(1))).toEqual([f.batchIds[0]]);
  });

  it('answers 404 for an unknown batch or a batch of another event', async () => {
    const f = await fixture();
    const other = await createEvent(ctx.app, f.headers, { initialTickets: 1 });
    expectProblem(await csv(f.headers, f.event.id, `?batch=${unknownId()}`), 404, 'not_found');
    const foreign = await csv(f.headers, other.id, `?batch=${f.batch.id}`);
    expect(expectProblem(foreign, 404, 'not_found')).toEqual(
      (await csv(f.headers, other.id, `?batch=${unknownId()}`)).json(),
    );
  });

  it('refuses bad filters, naming them', async () => {
    const f = await fixture();
    expectFieldError(await csv(f.headers, f.event.id, '?status=used'), 'status');
    expectFieldError(await csv(f.headers, f.event.id, '?batch=123'), 'batch');
    expectFieldError(await csv(f.headers, f.event.id, '?format=xlsx'), 'format');
  });

  it('derives a safe filename from an event name with quotes, slashes and unicode', async () => {
    const { headers } = await createUser(ctx.app);
    const cases: [string, string][] = [
      ['He said "hi" / A\\B: Fête 🎉', 'he-said-hi-a-b-fete-ok-tickets.csv'],
      ['../../etc/passwd', 'etc-passwd-ok-tickets.csv'],
      ['🎉🎉🎉', 'event-ok-tickets.csv'],
      ['名前', 'event-ok-tickets.csv'],
      ['x"; filename="evil.exe', 'x-filename-evil-exe-ok-tickets.csv'],
    ];
    for (const [name, filename] of cases) {
      const event = await createEvent(ctx.app, headers, { name, initialTickets: 1 });
      const res = await csv(headers, event.id);
      expect(res.statusCode).toBe(200);
      const disposition = String(res.headers['content-disposition']);
      expect(disposition).toBe(`attachment; filename="${filename}"`);
      expect(disposition).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"$/);
    }
  });

  it('quotes cells per RFC 4180 and neutralises formulas in the real export', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Quoting', initialTickets: 1 });
    const [realId] = await ticketIds(ctx.app, headers, event.id);
    const createdAt = parseCsv((await csv(headers, event.id)).body)[1]?.[2];
    // Ticket ids are UUIDs through the API; a hostile cell can only be planted in the database,
    // as copies of the real ticket's row with another id.
    const { seq: _seq, ...template } = (await ctx.app.store.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', realId as string)
      .executeTakeFirstOrThrow()) as Record<string, unknown>;
    const hostile = ['=HYPERLINK("http://x","a,b")', 'plain "quoted", text', '@SUM(1)'];
    await ctx.app.store.db
      .insertInto('tickets')
      .values(hostile.map((id) => ({ ...template, id })) as never)
      .execute();
    const body = (await csv(headers, event.id, '?status=all')).body;
    const lines = body.split('\r\n');
    const tail = `,ok,${createdAt},`;
    expect(lines).toContain(`"'=HYPERLINK(""http://x"",""a,b"")"${tail}`);
    expect(lines).toContain(`"plain ""quoted"", text"${tail}`);
    expect(lines).toContain(`'@SUM(1)${tail}`);
    expect(lines).toHaveLength(1 + 1 + hostile.length + 1);
  });
});

describe('neutraliseFormula', () => {
  it('prefixes every cell a spreadsheet would run as a formula with a quote', () => {
    for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '=cmd|"/c calc"!A1']) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    }
  });

  it('leaves ordinary cells alone', () => {
    for (const cell of ['', 'ok', 'redeemed', '1=1', 'a-b', randomUUID(), '2026-11-27T20:15:03.123Z', "'=x"]) {
      expect(neutraliseFormula(cell)).toBe(cell);
    }
  });
});

describe('csvFilename', () => {
  it('keeps only ASCII letters, digits and dashes, lowercased, with the suffix', () => {
    expect(csvFilename('Summer Gala 2026', 'ok-tickets')).toBe('summer-gala-2026-ok-tickets.csv');
    expect(csvFilename('Crème brûlée — Night', 'tickets')).toBe('creme-brulee-night-tickets.csv');
    expect(csvFilename('a/b\\c"d\'e;f\r\ng', 'x')).toBe('a-b-c-d-e-f-g-x.csv');
    expect(csvFilename('   ', 'x')).toBe('event-x.csv');
    expect(csvFilename('..', 'x')).toBe('event-x.csv');
  });

  it('caps the name part at 80 characters', () => {
    const name = csvFilename('x'.repeat(500), 'tickets');
    expect(name).toBe(`${'x'.repeat(80)}-tickets.csv`);
    expect(csvFilename(`${'ab '.repeat(100)}`, 't')).toMatch(/^[a-z0-9-]{1,80}-t\.csv$/);
  });
});
