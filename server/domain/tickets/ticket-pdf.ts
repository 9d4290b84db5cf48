import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import type { PdfLayout } from '../../../shared/schemas.js';
import type { Db } from '../../db/database.js';
import { downloadFilename, selectedTicketPages, selectTickets, type TicketExport } from './export-tickets.js';
import { drawCutMarks, drawNoTickets, drawTicket, ticketFace } from './pdf-draw.js';
import { pageLayout } from './pdf-layouts.js';

type Doc = InstanceType<typeof PDFDocument>;

/** Everything pdfkit has written so far (it writes a page when the next one starts, and at the end). */
function written(doc: Doc): Buffer | null {
  const parts: Buffer[] = [];
  for (let chunk: Buffer | null = doc.read(); chunk !== null; chunk = doc.read()) parts.push(chunk);
  return parts.length > 0 ? Buffer.concat(parts) : null;
}

/**
 * pdfkit keeps every page's dictionary, with its resources and contents, in the page tree until
 * the end, though only each one's reference number is still to be written: swap the written
 * pages for bare references, so memory does not grow with the page count.
 */
function forgetWrittenPages(doc: Doc): void {
  const root = (doc as unknown as { _root?: { data?: { Pages?: { data?: { Kids?: unknown[] } } } } })._root;
  const kids = root?.data?.Pages?.data?.Kids;
  if (!kids) return;
  // The last page is still being drawn; every one before it has been written.
  for (let i = kids.length - 2; i >= 0; i--) {
    const page = kids[i] as { id: number; gen: number; data?: unknown };
    if (page.data === undefined) break; // already bare, and so is everything before it
    const bare = Object.create(Object.getPrototypeOf(page)) as { id: number; gen: number };
    bare.id = page.id;
    bare.gen = page.gen;
    kids[i] = bare;
  }
}

/**
 * pdfkit keeps every word it lays out, per font, for reuse: the name and the labels repeat on
 * every ticket and are worth keeping (shaping is much of the work), but every ticket id is a
 * new word. Emptied when it grows past a page's worth, the cache stays small.
 */
function trimLayoutCaches(doc: Doc): void {
  const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })._fontFamilies;
  for (const font of Object.values(fonts ?? {})) {
    if (font.layoutCache && Object.keys(font.layoutCache).length > 200) font.layoutCache = Object.create(null);
  }
}

/**
 * Streams an owned event's tickets as printable PDF pages, in the CSV's selection (status,
 * default `ok`, and batch), in creation order. The event and batch are checked before the first
 * byte; then the document is written page by page as the keyset-paged query reads tickets,
 * and a page is only drawn once the client has taken the one before: memory stays flat
 * however many tickets there are.
 */
export async function exportTicketsPdf(
  db: Db,
  ownerId: string,
  eventId: string,
  query: { status?: 'ok' | 'redeemed' | 'all'; batch?: string; layout?: PdfLayout },
  ticketUrl: (ticketId: string) => string,
): Promise<TicketExport> {
  const selection = await selectTickets(db, ownerId, eventId, query);
  const layout = pageLayout(query.layout ?? 'a4');
  const { event } = selection;

  async function* chunks(): AsyncGenerator<Buffer> {
    const doc = new PDFDocument({
      size: layout.size,
      margin: 0,
      autoFirstPage: false,
      info: { Title: `${event.name} — tickets`, Creator: 'Admit', Producer: 'Admit' },
      displayTitle: true,
      lang: 'en',
    });
    const face = ticketFace(layout, event);
    const perPage = layout.tiles.length;
    let printed = 0;
    const header = written(doc);
    if (header) yield header;
    await setImmediate();
    for await (const { rows } of selectedTicketPages(db, selection, 600)) {
      for (const row of rows) {
        // A void ticket is never printed (`status=all` and a batch's PDF included): a cancelled
        // ticket handed out on paper would look valid to its holder. The CSV lists it as void.
        if (row.voided_at !== null) continue;
        const slot = printed % perPage;
        if (slot === 0) {
          doc.addPage();
          // Starting a page finishes the one before: hand its bytes over before drawing more,
          // and let the event loop send them (the database answers may all be ready at once,
          // and a chain of resolved promises would draw the whole document before any I/O).
          const page = written(doc);
          if (page) yield page;
          forgetWrittenPages(doc);
          trimLayoutCaches(doc);
          await setImmediate();
          drawCutMarks(doc, layout);
        }
        const url = ticketUrl(row.id);
        drawTicket(doc, layout, layout.tiles[slot] as (typeof layout.tiles)[number], face, {
          id: row.id,
          url,
          redeemed: row.redeemed_at !== null,
        });
        printed++;
      }
    }
    if (printed === 0) {
      doc.addPage();
      drawNoTickets(doc, layout, face);
    }
    doc.end();
    const rest = written(doc);
    if (rest) yield rest;
  }

  const stream = Readable.from(chunks(), { objectMode: false });
  return { filename: downloadFilename(event.name, selection.suffix, 'pdf'), stream };
}
