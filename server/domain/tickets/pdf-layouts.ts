import type { PdfLayout } from '../../../shared/schemas.js';

/** Points per millimetre: PDF measures in points (1/72 inch). */
const MM = 72 / 25.4;

/** A ticket's place on a page, in points from the top left corner. */
export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How tickets sit on the pages of one layout: page size, the tiles of a page, and where to cut. */
export interface PageLayout {
  /** Page size in points [width, height]. */
  size: [number, number];
  tiles: Tile[];
  /** Sheets are cut along these lines (x positions, y positions); a single ticket a page is not. */
  cuts: { xs: number[]; ys: number[] } | null;
  /** The ticket's look: a sheet tile is compact, a page of its own has room for a note. */
  style: 'tile' | 'page';
}

/**
 * Columns × rows of equal tiles filling a page inside a margin that desk printers can print
 * up to (10 mm): cut along the grid lines, each tile is one ticket.
 */
function sheet(size: [number, number], columns: number, rows: number): PageLayout {
  const margin = 10 * MM;
  const width = (size[0] - 2 * margin) / columns;
  const height = (size[1] - 2 * margin) / rows;
  const tiles: Tile[] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      tiles.push({ x: margin + column * width, y: margin + row * height, width, height });
    }
  }
  const xs = Array.from({ length: columns + 1 }, (_, i) => margin + i * width);
  const ys = Array.from({ length: rows + 1 }, (_, i) => margin + i * height);
  return { size, tiles, cuts: { xs, ys }, style: 'tile' };
}

const A4: [number, number] = [210 * MM, 297 * MM];
const LETTER: [number, number] = [612, 792];

/**
 * The layouts: six tickets to an A4 or US Letter sheet (about 95 × 87 mm and 98 × 86 mm), or
 * one a page (A4, its content inside what Letter paper also holds) for printing at home.
 */
export function pageLayout(layout: PdfLayout): PageLayout {
  if (layout === 'letter') return sheet(LETTER, 2, 3);
  if (layout === 'single') {
    // Centred in the width both papers share, from the top: a ticket of 140 × 200 mm.
    const width = 140 * MM;
    const tile = { x: (A4[0] - width) / 2, y: 18 * MM, width, height: 200 * MM };
    return { size: A4, tiles: [tile], cuts: null, style: 'page' };
  }
  return sheet(A4, 2, 3);
}
