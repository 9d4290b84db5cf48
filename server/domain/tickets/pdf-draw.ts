import type * as fontkit from 'fontkit';
import type PDFDocument from 'pdfkit';
import { fontFor } from './pdf-fonts.js';
import type { PageLayout, Tile } from './pdf-layouts.js';
import { qrPath, qrSymbol } from './pdf-qr.js';
import { fitText, type TextBlock } from './pdf-text.js';

type Doc = InstanceType<typeof PDFDocument>;

const INK = '#111418';
const MUTED = '#5c636e';
const RULE = '#c4c9d0';
const ACCENT = '#1c7ed6';

/** pdfkit caches an embedded font by name within a document: one stable name per font object. */
const fontKeys = new WeakMap<fontkit.Font, string>();
let nextKey = 1;
function setFont(doc: Doc, font: fontkit.Font, size: number): Doc {
  let key = fontKeys.get(font);
  if (!key) {
    key = `admit-font-${nextKey++}`;
    fontKeys.set(font, key);
  }
  // pdfkit takes a fontkit font object as it takes a file; its types only list the file forms.
  return doc.font(font as never, key).fontSize(size);
}

/** Text in one font on a baseline; fixed texts only (the fonts are chosen for them). */
function drawPlain(doc: Doc, text: string, font: fontkit.Font, size: number, x: number, baseline: number): number {
  setFont(doc, font, size).text(text, x, baseline, { lineBreak: false, baseline: 'alphabetic' });
  return doc.widthOfString(text);
}

/** A laid-out block (see fitText), its first line's top at `top`, aligned to its reading direction or centred. */
function drawBlock(doc: Doc, block: TextBlock, x: number, top: number, width: number, center = false): number {
  for (const [i, line] of block.lines.entries()) {
    const baseline = top + i * block.lineHeight + block.size * 0.95;
    const left = center ? x + (width - line.width) / 2 : block.rtl ? x + width - line.width : x;
    for (const run of line.runs) {
      setFont(doc, run.font, block.size).text(run.text, left + run.x, baseline, {
        lineBreak: false,
        baseline: 'alphabetic',
      });
    }
  }
  return block.lines.length * block.lineHeight;
}

/** The date of an event as people read it on a ticket: "Friday 27 November 2026" (the calendar day as stored). */
export function ticketDate(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return date;
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })
    .format(day)
    .replace(',', '');
}

/** What every ticket of one document shares: the event's name laid out for the layout's tile, and its date. */
export interface TicketFace {
  name: TextBlock;
  date: string;
}

/** Sizes of one layout's ticket. */
function metrics(layout: PageLayout) {
  const page = layout.style === 'page';
  return {
    inset: page ? 0 : 7,
    padding: page ? 34 : 16,
    nameMax: page ? 30 : 15,
    nameMin: page ? 12 : 8,
    nameLines: page ? 3 : 2,
    dateSize: page ? 14 : 9,
    idSize: page ? 12 : 8,
    labelSize: page ? 8.5 : 6.5,
  };
}

/** Lays the event out once per document: every ticket repeats it. */
export function ticketFace(layout: PageLayout, event: { name: string; date: string }): TicketFace {
  const m = metrics(layout);
  const tile = layout.tiles[0] as Tile;
  const width = tile.width - 2 * (m.inset + m.padding);
  const name = fitText(event.name, {
    weight: 700,
    maxSize: m.nameMax,
    minSize: m.nameMin,
    width,
    height: m.nameMax * 1.25 * m.nameLines,
    maxLines: m.nameLines,
  });
  return { name, date: ticketDate(event.date) };
}

/** Short lines along the cut lines in the margins, and small crosses where inner cuts meet. */
export function drawCutMarks(doc: Doc, layout: PageLayout): void {
  if (!layout.cuts) return;
  const { xs, ys } = layout.cuts;
  const [pageWidth, pageHeight] = layout.size;
  const top = ys[0] as number;
  const bottom = ys[ys.length - 1] as number;
  const left = xs[0] as number;
  const right = xs[xs.length - 1] as number;
  const gap = 4;
  const arm = 6;
  doc.save().lineWidth(0.5).strokeColor(MUTED);
  for (const x of xs) {
    doc.moveTo(x, top - gap).lineTo(x, Math.max(0, top - 6 * gap));
    doc.moveTo(x, bottom + gap).lineTo(x, Math.min(pageHeight, bottom + 6 * gap));
  }
  for (const y of ys) {
    doc.moveTo(left - gap, y).lineTo(Math.max(0, left - 6 * gap), y);
    doc.moveTo(right + gap, y).lineTo(Math.min(pageWidth, right + 6 * gap), y);
  }
  for (const x of xs.slice(1, -1)) {
    for (const y of ys.slice(1, -1)) {
      doc
        .moveTo(x - arm, y)
        .lineTo(x + arm, y)
        .moveTo(x, y - arm)
        .lineTo(x, y + arm);
    }
  }
  for (const x of xs.slice(1, -1)) {
    doc
      .moveTo(x, top - arm)
      .lineTo(x, top + arm)
      .moveTo(x, bottom - arm)
      .lineTo(x, bottom + arm);
  }
  for (const y of ys.slice(1, -1)) {
    doc
      .moveTo(left - arm, y)
      .lineTo(left + arm, y)
      .moveTo(right - arm, y)
      .lineTo(right + arm, y);
  }
  doc.stroke().restore();
}

export interface PrintedTicket {
  id: string;
  /** The QR code's content: the ticket's public page. */
  url: string;
  redeemed: boolean;
}

/**
 * One ticket in its tile: the event's name and date, a QR code of its public page as vector
 * rectangles (with its quiet zone, as large as the tile allows), and its id with the first
 * eight characters (what door staff may type) in bold.
 */
export function drawTicket(doc: Doc, layout: PageLayout, tile: Tile, face: TicketFace, ticket: PrintedTicket): void {
  const m = metrics(layout);
  const sans = fontFor('sans', 400);
  const sansBold = fontFor('sans', 700);
  const mono = fontFor('mono', 400);
  const monoBold = fontFor('mono', 700);
  const card = { x: tile.x + m.inset, y: tile.y + m.inset, w: tile.width - 2 * m.inset, h: tile.height - 2 * m.inset };
  const inner = { x: card.x + m.padding, w: card.w - 2 * m.padding };

  // The card: a rounded outline (cutting a hair off the grid lines still leaves a whole ticket)
  // with a coloured band along its top.
  const [radius, band, rule] = layout.style === 'tile' ? [8, 5, 0.6] : [14, 8, 0.8];
  doc.save().roundedRect(card.x, card.y, card.w, card.h, radius).clip();
  doc.rect(card.x, card.y, card.w, band).fill(ACCENT).restore();
  doc.save().lineWidth(rule).strokeColor(RULE);
  doc.roundedRect(card.x, card.y, card.w, card.h, radius).stroke().restore();

  // Header: a small label, the name (fitted once per document), the date.
  let y = card.y + m.padding;
  doc.fillColor(ACCENT);
  drawPlain(doc, 'ADMIT ONE', sansBold, m.labelSize, inner.x, y + m.labelSize);
  if (ticket.redeemed) {
    doc.fillColor('#c92a2a');
    const label = 'REDEEMED';
    setFont(doc, sansBold, m.labelSize);
    drawPlain(doc, label, sansBold, m.labelSize, inner.x + inner.w - doc.widthOfString(label), y + m.labelSize);
  }
  y += m.labelSize * 1.9;
  doc.fillColor(INK);
  y += drawBlock(doc, face.name, inner.x, y, inner.w);
  doc.fillColor(MUTED);
  drawPlain(doc, face.date, sans, m.dateSize, inner.x, y + m.dateSize);
  y += m.dateSize * 1.6;

  // Footer: the id, and on a page of its own a note for the holder.
  const noteSize = 9.5;
  const note = layout.style === 'page';
  const footer = m.labelSize * 1.5 + m.idSize * 1.5 + (note ? noteSize * 4.4 : 0);
  const bottom = card.y + card.h - m.padding;

  // The QR code takes all the room between: the bigger, the farther a phone reads it from.
  const room = bottom - footer - y;
  const side = Math.min(inner.w, room, layout.style === 'page' ? 270 : 200);
  const symbol = qrSymbol(ticket.url);
  const qrX = inner.x + (inner.w - side) / 2;
  const qrY = y + (room - side) / 2;
  doc.addContent(qrPath(symbol, qrX, qrY, side));

  let fy = bottom - footer + m.labelSize;
  doc.fillColor(MUTED);
  const idLabel = 'TICKET';
  setFont(doc, sansBold, m.labelSize);
  drawPlain(doc, idLabel, sansBold, m.labelSize, inner.x + (inner.w - doc.widthOfString(idLabel)) / 2, fy);
  fy += m.idSize * 1.5;
  const head = ticket.id.slice(0, 8);
  const rest = ticket.id.slice(8);
  setFont(doc, monoBold, m.idSize);
  const headWidth = doc.widthOfString(head);
  setFont(doc, mono, m.idSize);
  const idWidth = headWidth + doc.widthOfString(rest);
  const idX = inner.x + (inner.w - idWidth) / 2;
  doc.fillColor(INK);
  drawPlain(doc, head, monoBold, m.idSize, idX, fy);
  drawPlain(doc, rest, mono, m.idSize, idX + headWidth, fy);
  if (note) {
    doc.fillColor(MUTED);
    const lines = [
      'Show this code at the entrance: it admits one person, once.',
      'Keep it to yourself: whoever shows it first gets in.',
    ];
    for (const [i, line] of lines.entries()) {
      setFont(doc, sans, noteSize);
      const lx = inner.x + (inner.w - doc.widthOfString(line)) / 2;
      drawPlain(doc, line, sans, noteSize, lx, fy + noteSize * 2.2 + i * noteSize * 1.45);
    }
  }
}

/** A page that says the selection holds no ticket: a PDF needs a page, and a blank one would puzzle. */
export function drawNoTickets(doc: Doc, layout: PageLayout, face: TicketFace): void {
  const tile = layout.tiles[0] as Tile;
  const x = tile.x + 24;
  const width = layout.size[0] - 2 * x;
  doc.fillColor(INK);
  const height = drawBlock(doc, face.name, x, tile.y + 24, width);
  doc.fillColor(MUTED);
  drawPlain(doc, 'No tickets match this download.', fontFor('sans', 400), 12, x, tile.y + 24 + height + 20);
}
