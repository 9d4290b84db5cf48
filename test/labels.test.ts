import { describe, expect, it } from 'vitest';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  expectProblem,
  openDoor,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';

const ctx = useApp();

type Headers = Record<string, string>;
const setLabel = (ticketId: string, headers: Headers, label: unknown) =>
  ctx.app.inject({ method: 'PATCH', url: `/api/tickets/${ticketId}`, headers, payload: { label } as object });
const upload = (eventId: string, headers: Headers, csv: string | Buffer, type = 'text/csv') =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/labels`,
    headers: { ...headers, 'content-type': type },
    payload: csv,
  });
const search = async (eventId: string, headers: Headers, q: string, extra = '') => {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/events/${eventId}/tickets?q=${encodeURIComponent(q)}${extra}`,
    headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; label: string | null; status: string }[]; nextCursor: string | null };
};
const labelsOf = async (headers: Headers, ids: string[]) => {
  const out: (string | null)[] = [];
  for (const id of ids)
    out.push((await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers })).json().ticket.label);
  return out;
};

describe('PATCH /api/tickets/:ticketId { label }', () => {
  it('sets, normalises and clears a label; the owner’s views carry it, public answers do not', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 2 });
    const [id, plain] = (await ticketIds(ctx.app, headers, event.id)) as [string, string];

    const res = await setLabel(id.toUpperCase(), headers, '  Zoe\u0308 Martin, table 4 ');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ticket).toMatchObject({
      id,
      label: 'Zoë Martin, table 4',
      status: 'ok',
      event: { id: event.id },
    });
    expect((await ctx.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers })).json().ticket.label).toBe(
      'Zoë Martin, table 4',
    );
    const list = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets`, headers });
    expect(list.json().items.map((t: { label: string | null }) => t.label)).toEqual(['Zoë Martin, table 4', null]);
    expect(list.json().items[1].id).toBe(plain);

    const status = await ctx.app.inject({ method: 'GET', url: `/status/${id}` });
    expect(status.json().ticket).not.toHaveProperty('label');
    const redeemed = await ctx.app.inject({ method: 'GET', url: `/redeem/${id}` });
    expect(redeemed.json().ticket).not.toHaveProperty('label');

    expect((await setLabel(id, headers, '')).json().ticket.label).toBeNull();
    expect((await setLabel(id, headers, 'Seat 12')).json().ticket.label).toBe('Seat 12');
    expect((await setLabel(id, headers, null)).json().ticket.label).toBeNull();
    expect((await search(event.id, headers, 'seat')).items).toEqual([]);
  });

  it.each([
    ['too long', 'x'.repeat(201)],
    ['with a control character', 'a\nb'],
    ['with a text-direction character', 'a\u202eb'],
    ['of the wrong type', 42],
  ])('refuses a label %s with a 400 naming label, changing nothing', async (_what, label) => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const [id] = (await ticketIds(ctx.app, headers, event.id)) as [string];
    const before = await dbSnapshot(ctx.app);
    expectFieldError(await setLabel(id, headers, label), 'label');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });

  it("is a 404 for another user's ticket or an unknown one; a body without label or with more is a 400", async () => {
    const owner = await createUser(ctx.app);
    const other = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const [id] = (await ticketIds(ctx.app, owner.headers, event.id)) as [string];
    expectProblem(await setLabel(id, other.headers, 'Mine now'), 404, 'ticket_not_found');
    expectProblem(await setLabel(unknownId(), owner.headers, 'Nobody'), 404, 'ticket_not_found');
    expectFieldError(
      await ctx.app.inject({ method: 'PATCH', url: `/api/tickets/${id}`, headers: owner.headers, payload: {} }),
      'label',
    );
    expectFieldError(
      await ctx.app.inject({
        method: 'PATCH',
        url: `/api/tickets/${id}`,
        headers: owner.headers,
        payload: { label: 'A', status: 'redeemed' },
      }),
      'status',
    );
    expect((await labelsOf(owner.headers, [id]))[0]).toBeNull();
  });
});

describe('GET /api/events/:eventId/tickets?q=', () => {
  it('finds tickets by any part of their label, in any letter case, with or without accents, in pages', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 8 });
    const other = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const ids = await ticketIds(ctx.app, headers, event.id);
    const names = ['Zoë Martin', 'ZOE BRAND', 'Chloé Zola', 'Seat 50%', 'Nguyễn Văn An', 'Bob', 'Bo_b', 'Élodie'];
    for (const [i, name] of names.entries()) await setLabel(ids[i] as string, headers, name);
    const [foreign] = (await ticketIds(ctx.app, headers, other.id)) as [string];
    await setLabel(foreign, headers, 'Zoe Elsewhere');

    const labels = async (q: string, extra = '') =>
      (await search(event.id, headers, q, extra)).items.map((t) => t.label);
    expect(await labels('zoe')).toEqual(['Zoë Martin', 'ZOE BRAND']);
    expect(await labels('ZOË')).toEqual(['Zoë Martin', 'ZOE BRAND']);
    expect(await labels('zo')).toEqual(['Zoë Martin', 'ZOE BRAND', 'Chloé Zola']);
    expect(await labels('chloe zo')).toEqual(['Chloé Zola']);
    expect(await labels('nguyen van')).toEqual(['Nguyễn Văn An']);
    expect(await labels('50%')).toEqual(['Seat 50%']);
    expect(await labels('%')).toEqual(['Seat 50%']);
    expect(await labels('o_b')).toEqual(['Bo_b']);
    expect(await labels('e')).toEqual(['Zoë Martin', 'ZOE BRAND', 'Chloé Zola', 'Seat 50%', 'Nguyễn Văn An', 'Élodie']);
    expect(await labels('nobody')).toEqual([]);

    const first = await search(event.id, headers, 'o', '&limit=2');
    expect(first.items.map((t) => t.label)).toEqual(['Zoë Martin', 'ZOE BRAND']);
    const second = await search(event.id, headers, 'o', `&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((t) => t.label)).toEqual(['Chloé Zola', 'Bob']);

    await ctx.app.inject({ method: 'GET', url: `/redeem/${ids[1]}` });
    expect(await labels('zoe', '&status=redeemed')).toEqual(['ZOE BRAND']);
    expect(await labels('zoe', '&status=ok')).toEqual(['Zoë Martin']);
  });

  it('names a bad q, and is a 404 for another user’s event', async () => {
    const owner = await createUser(ctx.app);
    const other = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    expectFieldError(
      await ctx.app.inject({
        method: 'GET',
        url: `/api/events/${event.id}/tickets?q=${'x'.repeat(201)}`,
        headers: owner.headers,
      }),
      'q',
    );
    expectFieldError(
      await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets?q=a%00b`, headers: owner.headers }),
      'q',
    );
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}/tickets?q=ab`, headers: other.headers }),
      404,
      'event_not_found',
    );
  });
});

describe('POST /api/events/:eventId/labels (text/csv)', () => {
  it('labels every row of a good file, header or not, quoted cells and a BOM included, and clears empty labels', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 4 });
    const ids = (await ticketIds(ctx.app, headers, event.id)) as [string, string, string, string];
    await setLabel(ids[3], headers, 'Old label');
    const csv = `\uFEFFticket_id,label\r\n${ids[0].toUpperCase()},"Martin, Zoë"\r\n${ids[1]}, Table 4 \r\n\r\n${ids[3]},\r\n`;
    const res = await upload(event.id, headers, csv);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ rows: 3, labelled: 2, cleared: 1 });
    expect(await labelsOf(headers, ids)).toEqual(['Martin, Zoë', 'Table 4', null, null]);

    const again = await upload(event.id, headers, `${ids[2]},"He said ""hi"""\n`);
    expect(again.json()).toEqual({ rows: 1, labelled: 1, cleared: 0 });
    expect((await labelsOf(headers, [ids[2]]))[0]).toBe('He said "hi"');
    expect((await search(event.id, headers, 'martin')).items.map((t) => t.id)).toEqual([ids[0]]);
  });

  it('reports every bad row by line and changes nothing when one row is wrong', async () => {
    const owner = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 3 });
    const otherEvent = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const ids = (await ticketIds(ctx.app, owner.headers, event.id)) as [string, string, string];
    const [foreign] = (await ticketIds(ctx.app, owner.headers, otherEvent.id)) as [string];
    const csv = [
      'ticket_id,label',
      `${ids[0]},Alice`,
      `${ids[1]},${'x'.repeat(201)}`,
      'not-an-id,Bob',
      `${unknownId()},Carol`,
      `${foreign},Dave`,
      `${ids[0]},Alice again`,
      `${ids[2]},Eve,extra`,
      `${ids[2]},"a\u0007b"`,
    ].join('\n');
    const before = await dbSnapshot(ctx.app);
    const res = await upload(event.id, owner.headers, csv);
    const body = expectProblem(res, 400, 'validation_failed') as unknown as {
      rows: number;
      badRows: number;
      detail: string;
      errors: { field: string; line: number; message: string }[];
    };
    expect(body.detail).toContain('nothing was changed');
    expect(body).toMatchObject({ rows: 8, badRows: 7 });
    expect(body.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'line 3'],
      [4, 'line 4'],
      [7, 'line 7'],
      [8, 'line 8'],
      [9, 'line 9'],
      [5, 'line 5'],
      [6, 'line 6'],
    ]);
    expect(body.errors.find((e) => e.line === 3)?.message).toMatch(/at most 200/);
    expect(body.errors.find((e) => e.line === 6)?.message).toBe('ticket_id: no ticket of this event has this id');
    expect(body.errors.find((e) => e.line === 5)?.message).toBe('ticket_id: no ticket of this event has this id');
    expect(body.errors.find((e) => e.line === 7)?.message).toContain('line 2');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
    expect(await labelsOf(owner.headers, ids)).toEqual([null, null, null]);
  });

  it('refuses a broken CSV, a wrong header, an empty file and another media type', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const [id] = (await ticketIds(ctx.app, headers, event.id)) as [string];
    const broken = expectProblem(await upload(event.id, headers, `${id},"unclosed\n`), 400, 'validation_failed');
    expect(broken.errors?.[0]?.message).toMatch(/not valid CSV/);
    const header = expectProblem(await upload(event.id, headers, `id,name\n${id},A\n`), 400, 'validation_failed');
    expect(header.errors?.[0]).toMatchObject({ field: 'line 1' });
    expectFieldError(await upload(event.id, headers, ''), 'body');
    expectFieldError(await upload(event.id, headers, 'ticket_id,label\n'), 'body');
    expectProblem(await upload(event.id, headers, `${id},A`, 'application/xml'), 415, 'unsupported_media_type');
    expectProblem(
      await upload(event.id, headers, JSON.stringify({ [id]: 'A' }), 'application/json'),
      415,
      'unsupported_media_type',
    );
    expectProblem(await upload(event.id, headers, `${id},A`, 'text/plain'), 415, 'unsupported_media_type');
    expect((await labelsOf(headers, [id]))[0]).toBeNull();
  });

  it('answers 413 for a file over the size limit, changing nothing', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const [id] = (await ticketIds(ctx.app, headers, event.id)) as [string];
    const row = `${id},${'x'.repeat(150)}\n`;
    const big = Buffer.from(row.repeat(Math.ceil((4 * 1024 * 1024) / row.length) + 1));
    const res = await upload(event.id, headers, big);
    expect(expectProblem(res, 413, 'payload_too_large').detail).toMatch(/over 4 MiB/);
    expect((await labelsOf(headers, [id]))[0]).toBeNull();
  });

  it("is a 404 for another user's event, before reading the file", async () => {
    const owner = await createUser(ctx.app);
    const other = await createUser(ctx.app);
    const event = await createEvent(ctx.app, owner.headers, { initialTickets: 1 });
    const [id] = (await ticketIds(ctx.app, owner.headers, event.id)) as [string];
    expectProblem(await upload(event.id, other.headers, `${id},Mine`), 404, 'event_not_found');
    expect((await labelsOf(owner.headers, [id]))[0]).toBeNull();
  });
});

describe('the door finds a guest by label', () => {
  it('lists the label and status, never the code, and admits the guest found through the door’s own scan', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 3 });
    const ids = (await ticketIds(ctx.app, headers, event.id)) as [string, string, string];
    await setLabel(ids[0], headers, 'Zoë Martin');
    await setLabel(ids[1], headers, 'Martina Lopez');
    const door = await openDoor(ctx.app, headers, event.id);
    const look = (q: string, h = door.headers) =>
      ctx.app.inject({ method: 'GET', url: `/api/door/tickets?q=${encodeURIComponent(q)}`, headers: h });

    const res = await look('MARTIN');
    expect(res.statusCode, res.body).toBe(200);
    const found = res.json() as {
      items: { ref: string; codeStart: string; label: string; status: string }[];
      more: boolean;
    };
    expect(found.items.map((i) => [i.label, i.status, i.codeStart])).toEqual([
      ['Zoë Martin', 'ok', ids[0].slice(0, 8)],
      ['Martina Lopez', 'ok', ids[1].slice(0, 8)],
    ]);
    expect(found.more).toBe(false);
    for (const id of ids) expect(res.body.toLowerCase()).not.toContain(id.slice(8));

    const ref = found.items[0]?.ref as string;
    const admit = (body: object, h = door.headers) =>
      ctx.app.inject({ method: 'POST', url: '/api/door/tickets/admit', headers: h, payload: body });
    const scanId = '0190a5b2-0000-7000-8000-000000000001';
    const admitted = await admit({ ref, scanId });
    expect(admitted.statusCode, admitted.body).toBe(200);
    expect(admitted.json()).toMatchObject({ outcome: 'admitted', ticket: { id: ids[0], status: 'redeemed' } });
    // A retry of the same scan replays it; a new scan of the same guest is refused as at any door.
    expect((await admit({ ref, scanId })).json().outcome).toBe('admitted');
    expect((await admit({ ref })).json().outcome).toBe('already_redeemed');
    expect((await look('zoe')).json().items[0]).toMatchObject({ label: 'Zoë Martin', status: 'redeemed' });

    const log = await ctx.app.inject({ method: 'GET', url: '/api/door/scans', headers: door.headers });
    expect(log.json().items.map((s: { outcome: string; ticketId: string }) => [s.outcome, s.ticketId])).toEqual([
      ['already_redeemed', ids[0]],
      ['admitted', ids[0]],
    ]);

    // A reference works on the device it was given to only, and a forged one is refused.
    const otherDevice = await openDoor(ctx.app, headers, event.id, { label: 'South gate' });
    expectFieldError(await admit({ ref }, otherDevice.headers), 'ref');
    expectFieldError(await admit({ ref: `${ref.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA` }), 'ref');
    expectFieldError(await admit({ ref: 'nonsense' }), 'ref');
  });

  it('needs 2 characters, lists at most 20, and sees only its own event', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 22 });
    const other = await createEvent(ctx.app, headers, { initialTickets: 1 });
    const ids = await ticketIds(ctx.app, headers, event.id);
    const csv = ids.map((id, i) => `${id},Guest ${i + 1}`).join('\n');
    expect((await upload(event.id, headers, csv)).statusCode).toBe(200);
    const door = await openDoor(ctx.app, headers, other.id);
    const mine = await openDoor(ctx.app, headers, event.id);
    const look = (q: string, h: Headers) =>
      ctx.app.inject({ method: 'GET', url: `/api/door/tickets?q=${encodeURIComponent(q)}`, headers: h });
    expect((await look('guest', door.headers)).json()).toEqual({ items: [], more: false });
    const many = (await look('guest', mine.headers)).json();
    expect(many.items).toHaveLength(20);
    expect(many.more).toBe(true);
    expectFieldError(await look('g', mine.headers), 'q');
    expectFieldError(await look(' g ', mine.headers), 'q');
    expectProblem(await look('guest', headers), 401, 'unauthorized');
  });
});

describe('the tickets CSV with columns=label', () => {
  it('carries each ticket’s label when asked for, neutralised like every cell, and not by default', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { initialTickets: 3 });
    const ids = (await ticketIds(ctx.app, headers, event.id)) as [string, string, string];
    await setLabel(ids[0], headers, 'Martin, Zoë');
    await setLabel(ids[1], headers, '=HYPERLINK("x")');
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.csv?status=all&columns=ticket_id,label`,
      headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(
      `ticket_id,label\r\n${ids[0]},"Martin, Zoë"\r\n${ids[1]},"'=HYPERLINK(""x"")"\r\n${ids[2]},\r\n`,
    );
    const plain = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/tickets.csv?status=all`,
      headers,
    });
    expect(plain.body.split('\r\n')[0]).toBe('ticket_id,status,created_at,redeemed_at');
  });
});
