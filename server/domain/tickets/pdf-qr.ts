import QRCode from 'qrcode';

/** Light modules around the symbol, as ISO/IEC 18004 asks: a reader finds the code by this margin. */
export const QUIET_ZONE = 4;

export interface QrSymbol {
  /** Modules per side, quiet zone included. */
  modules: number;
  /**
   * PDF path operators (`x y w h re`) drawing the dark modules in a unit square of `modules`
   * modules, each rectangle a run of dark modules merged across rows; fill it once.
   */
  rects: [number, number, number, number][];
}

/**
 * A QR code of `text` (error correction M: a quarter of a damaged or smudged code still reads)
 * as rectangles: each row's runs of dark modules, merged with the same run in the rows below.
 */
export function qrSymbol(text: string): QrSymbol {
  // One byte-mode segment: a URL is short, and qrcode's search for the smallest mix of modes
  // costs more than drawing the code.
  const qr = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  const rects: [number, number, number, number][] = [];
  // Open rectangles by their horizontal extent "x:width", extended while the run repeats below.
  let open = new Map<string, [number, number, number, number]>();
  for (let y = 0; y < size; y++) {
    const next = new Map<string, [number, number, number, number]>();
    for (let x = 0; x < size; ) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      let end = x;
      while (end < size && data[y * size + end]) end++;
      const key = `${x}:${end - x}`;
      const rect = open.get(key);
      if (rect) {
        rect[3]++;
        next.set(key, rect);
      } else {
        const created: [number, number, number, number] = [x + QUIET_ZONE, y + QUIET_ZONE, end - x, 1];
        rects.push(created);
        next.set(key, created);
      }
      x = end;
    }
    open = next;
  }
  return { modules: size + 2 * QUIET_ZONE, rects };
}

/**
 * PDF content filling a symbol's dark modules in black at (x, y), `side` points wide with its
 * quiet zone: the rectangles are written in whole modules under a scaling matrix, which keeps
 * the page content small (a ticket's code is a few hundred rectangles).
 */
export function qrPath(symbol: QrSymbol, x: number, y: number, side: number): string {
  const unit = (side / symbol.modules).toFixed(4);
  let out = `q 0 g ${unit} 0 0 ${unit} ${x.toFixed(2)} ${y.toFixed(2)} cm\n`;
  for (const [mx, my, w, h] of symbol.rects) out += `${mx} ${my} ${w} ${h} re\n`;
  return `${out}f Q\n`;
}
