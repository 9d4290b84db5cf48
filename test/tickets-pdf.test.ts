import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrSymbol } from '../server/domain/tickets/pdf-qr.js';
import {
  createEvent,
  createUser,
  dbSnapshot,
  expectFieldError,
  expectProblem,
  ticketIds,
  unknownId,
  useApp,
} from './helper.js';
import { decodeQrCodes, noPdfTools, notdefGlyphs, pdfInfo, pdfText } from './pdf-tools.js';

const PUBLIC_URL = 'https://tickets.example.org';
const ctx = useApp({ publicUrl: PUBLIC_URL });

function pdf(headers: Record<string, string>, eventId: string, query = '') {
  return ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/tickets.pdf${query}`, headers });
}

/** An event with 8 initial tickets (2 redeemed) and a batch of 3 more (1 redeemed). */
async function fixture(name = 'Summer Gala 2026') {
  const { headers } = await createUser(ctx.app);
  const event = await createEvent(ctx.app, headers, { name, date: '2026-11-27', initialTickets: 8 });
  const initial = await ticketIds(ctx.app, headers, event.id);
  const added = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${event.id}/tickets`,
    headers,
    payload: { count: 3 },
  });
  const batch = added.json().batch as { id: string };
  const batchIds = (await ticketIds(ctx.app, headers, event.id)).filter((id) => !initial.includes(id));
  const redeemed = [initial[0], initial[5], batchIds[1]] as string[];
  for (const id of redeemed) await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/redeem` });
  const all = [...initial, ...batchIds];
  return { headers, event, all, batch, batchIds, redeemed, ok: all.filter((id) => !redeemed.includes(id)) };
}

const urls = (ids: string[]) => ids.map((id) => `${PUBLIC_URL}/t/${id}`).sort();

describe.skipIf(noPdfTools)('GET /api/events/:eventId/tickets.pdf: what is printed reads back', () => {
  it('defaults to the ok tickets on A4 sheets, six a page: every QR code is one ticket’s public page, once', async () => {
    const f = await fixture();
    const res = await pdf(f.headers, f.event.id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="summer-gala-2026-ok-tickets.pdf"');
    expect(res.headers['cache-control']).toBe('no-store');
    const file = res.rawPayload;
    expect(file.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await decodeQrCodes(file)).sort()).toEqual(urls(f.ok));
    const info = await pdfInfo(file);
    expect(info.Pages).toBe('2'); // 8 ok tickets, six a page
    expect(info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info.Title).toBe('Summer Gala 2026 — tickets');
    const text = await pdfText(file);
    expect(text).toContain('Summer Gala 2026');
    expect(text).toContain('Friday 27 November 2026');
    // Each id is printed whole, readable, beside its code.
    for (const id of f.ok) expect(text).toContain(id);
    expect(text).not.toContain(f.redeemed[0]);
  });

  it('prints every layout and status: letter sheets of all, one redeemed ticket a page, a batch', async () => {
    const f = await fixture();
    const all = await pdf(f.headers, f.event.id, '?status=all&layout=letter');
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-disposition']).toBe('attachment; filename="summer-gala-2026-tickets.pdf"');
    expect((await decodeQrCodes(all.rawPayload)).sort()).toEqual(urls(f.all));
    const letter = await pdfInfo(all.rawPayload);
    expect(letter['Page size']).toMatch(/^612 x 792 pts \(letter\)/);
    expect(letter.Pages).toBe('2');
    expect(await pdfText(all.rawPayload)).toContain('REDEEMED');

    const single = await pdf(f.headers, f.event.id, '?status=redeemed&layout=single');
    expect(single.statusCode).toBe(200);
    expect((await decodeQrCodes(single.rawPayload)).sort()).toEqual(urls(f.redeemed));
    expect((await pdfInfo(single.rawPayload)).Pages).toBe(String(f.redeemed.length));

    const batch = await pdf(f.headers, f.event.id, `?status=all&batch=${f.batch.id.toUpperCase()}`);
    expect(batch.statusCode).toBe(200);
    expect(batch.headers['content-disposition']).toBe(
      `attachment; filename="summer-gala-2026-batch-${f.batch.id.slice(0, 8)}.pdf"`,
    );
    expect((await decodeQrCodes(batch.rawPayload)).sort()).toEqual(urls(f.batchIds));
    const okOfBatch = await pdf(f.headers, f.event.id, `?batch=${f.batch.id}&layout=single`);
    expect((await decodeQrCodes(okOfBatch.rawPayload)).sort()).toEqual(
      urls(f.batchIds.filter((id) => !f.redeemed.includes(id))),
    );
  });

  it('never prints a void ticket, with status=all or a batch’s PDF; unvoided, it is printed again', async () => {
    const f = await fixture();
    const [voided, unvoided] = f.batchIds.filter((id) => !f.redeemed.includes(id)) as [string, string];
    for (const id of [voided, unvoided]) {
      expect(
        (await ctx.app.inject({ method: 'POST', url: `/api/tickets/${id}/void`, headers: f.headers })).statusCode,
      ).toBe(200);
    }
    expect(
      (await ctx.app.inject({ method: 'POST', url: `/api/tickets/${unvoided}/unvoid`, headers: f.headers })).statusCode,
    ).toBe(200);
    const printable = (ids: string[]) => urls(ids.filter((id) => id !== voided));
    const all = await pdf(f.headers, f.event.id, '?status=all');
    expect((await decodeQrCodes(all.rawPayload)).sort()).toEqual(printable(f.all));
    expect(await pdfText(all.rawPayload)).not.toContain(voided);
    const ok = await pdf(f.headers, f.event.id);
    expect((await decodeQrCodes(ok.rawPayload)).sort()).toEqual(printable(f.ok));
    const batch = await pdf(f.headers, f.event.id, `?status=all&batch=${f.batch.id}`);
    expect((await decodeQrCodes(batch.rawPayload)).sort()).toEqual(printable(f.batchIds));
  });

  it('prints a selection with no ticket as one page that says so', async () => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name: 'Nobody came', initialTickets: 1 });
    const res = await pdf(headers, event.id, '?status=redeemed');
    expect(res.statusCode).toBe(200);
    expect(await decodeQrCodes(res.rawPayload)).toEqual([]);
    expect((await pdfInfo(res.rawPayload)).Pages).toBe('1');
    expect(await pdfText(res.rawPayload)).toContain('No tickets match this download.');
  });

  it.each([
    ['accents', 'Crème brûlée à Zürich — Ñandú', ['Crème', 'brûlée', 'Zürich', 'Ñandú']],
    ['Greek and Cyrillic', 'Συναυλία Αθήνα · Концерт Москва', ['Συναυλία', 'Αθήνα', 'Концерт', 'Москва']],
    ['CJK', '北京音乐节 東京 コンサート 서울', ['北京音乐节', '東京', 'コンサート', '서울']],
    ['Thai and Devanagari', 'คอนเสิร์ต संगीत', ['คอนเสิร์ต', 'संगीत']],
    ['Hebrew, right to left', 'פסטיבל האביב 2026', ['פסטיבל', 'האביב', '2026']],
    ['Arabic, shaped and right to left', 'مهرجان الربيع', ['مهرجان', 'الربيع']],
    ['emoji', 'Party night 🎉🎸 👍🏽', ['Party night', '🎉', '🎸', '👍']],
  ])('prints event names with %s in embedded fonts, without blanks', async (_, name, words) => {
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name, initialTickets: 2 });
    const ids = await ticketIds(ctx.app, headers, event.id);
    for (const layout of ['a4', 'single']) {
      const res = await pdf(headers, event.id, `?layout=${layout}`);
      expect(res.statusCode).toBe(200);
      const text = await pdfText(res.rawPayload);
      // pdftotext gives right-to-left words back in reading order, each word intact; a name
      // may wrap onto a second line anywhere a space or a CJK character allows. (It may also
      // give a Thai mark back before the letter it sits on: marks are left out of the comparison.)
      const squash = (value: string) => value.replace(/[\s\p{M}]+/gu, '');
      for (const word of words) expect(squash(text)).toContain(squash(word));
      expect(notdefGlyphs(res.rawPayload), 'glyphs drawn as the font’s empty box').toBe(0);
      expect(text).not.toContain('\uFFFD');
      if (layout === 'a4') expect((await decodeQrCodes(res.rawPayload)).sort()).toEqual(urls(ids));
    }
  });

  it('prints a character no font has as a visible replacement mark, never an empty box', async () => {
    const { headers } = await createUser(ctx.app);
    // A private-use character: accepted as a name, drawn by no font.
    const event = await createEvent(ctx.app, headers, { name: 'Logo \uE000 night', initialTickets: 1 });
    const res = await pdf(headers, event.id);
    expect(await pdfText(res.rawPayload)).toContain('Logo \uFFFD night');
    expect(notdefGlyphs(res.rawPayload)).toBe(0);
  });

  it('fits a 200-character name, cutting it with an ellipsis rather than overflowing the ticket', async () => {
    const name = `${'Very long festival name '.repeat(8)}`.slice(0, 200).trim();
    const { headers } = await createUser(ctx.app);
    const event = await createEvent(ctx.app, headers, { name, initialTickets: 2 });
    for (const layout of ['a4', 'single']) {
      const res = await pdf(headers, event.id, `?layout=${layout}`);
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('Very long festival name');
      expect(text).toContain('…');
      expect((await decodeQrCodes(res.rawPayload)).sort()).toEqual(urls(await ticketIds(ctx.app, headers, event.id)));
    }
  });
});

describe('GET /api/events/:eventId/tickets.pdf: refusals come before any byte of a PDF', () => {
  it('refuses bad input, strangers and unknown batches with a problem, changing nothing', async () => {
    const f = await fixture();
    const other = await fixture();
    const stranger = await createUser(ctx.app);
    const before = await dbSnapshot(ctx.app);
    const refusals = [
      [await pdf(stranger.headers, f.event.id), 404, 'event_not_found'],
      [await pdf(f.headers, unknownId()), 404, 'event_not_found'],
      [await pdf(f.headers, f.event.id, `?batch=${unknownId()}`), 404, 'not_found'],
      // Another owner's batch is as unknown as a missing one.
      [await pdf(f.headers, f.event.id, `?batch=${other.batch.id}`), 404, 'not_found'],
      [await pdf({}, f.event.id), 401, 'unauthorized'],
    ] as const;
    for (const [res, status, code] of refusals) {
      expectProblem(res, status, code);
      expect(res.body.startsWith('%PDF')).toBe(false);
    }
    for (const [query, field] of [
      ['?layout=a3', 'layout'],
      ['?status=void', 'status'],
      ['?batch=nope', 'batch'],
      ['?columns=ticket_id', 'columns'],
    ]) {
      const res = await pdf(f.headers, f.event.id, query);
      expectFieldError(res, field as string);
      expect(res.body.startsWith('%PDF')).toBe(false);
    }
    expectFieldError(await pdf(f.headers, 'not-a-uuid'), 'eventId');
    expect(await dbSnapshot(ctx.app)).toEqual(before);
  });
});

describe('the printed QR code', () => {
  it('is error correction M with a four-module quiet zone, its rectangles covering exactly the dark modules', () => {
    const url = 'https://tickets.example.org/t/0f8c1c52-8a55-4a7e-9d3c-3a6f2b1e9d40';
    const symbol = qrSymbol(url);
    const reference = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const { size, data } = reference.modules;
    expect(QUIET_ZONE).toBe(4);
    expect(symbol.modules).toBe(size + 2 * QUIET_ZONE);
    const drawn = new Uint8Array(size * size);
    for (const [x, y, w, h] of symbol.rects) {
      for (let row = y; row < y + h; row++) {
        for (let col = x; col < x + w; col++) {
          const [mx, my] = [col - QUIET_ZONE, row - QUIET_ZONE];
          expect(mx >= 0 && my >= 0 && mx < size && my < size, 'inside the symbol, off the quiet zone').toBe(true);
          drawn[my * size + mx] = (drawn[my * size + mx] ?? 0) + 1;
        }
      }
    }
    // Every dark module drawn once, no light one drawn: the same code as the reference encoder's
    // (byte mode, mask chosen by the same rules), so any phone or scanner reads it the same way.
    expect([...drawn]).toEqual([...data].map((dark) => (dark ? 1 : 0)));
  });
});
