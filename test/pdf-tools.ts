import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';

const run = promisify(execFile);

/**
 * Debian's poppler-utils (pdftoppm, pdftotext, pdfinfo) and zbar-tools (zbarimg) read printed
 * tickets back as a person and a scanner would. CI installs them (.ci/run) and sets
 * ADMIT_REQUIRE_PDF_TOOLS, so there a missing tool fails the tests; elsewhere they skip with a
 * message saying what to install.
 */
const tools = ['pdftoppm', 'pdftotext', 'pdfinfo', 'zbarimg'];
const missing = tools.filter((tool) => !['/usr/bin', '/usr/local/bin'].some((dir) => existsSync(`${dir}/${tool}`)));
const required = Boolean(process.env.ADMIT_REQUIRE_PDF_TOOLS || process.env.CI);
if (missing.length > 0 && required) {
  throw new Error(`PDF tests need ${missing.join(', ')}: apt-get install poppler-utils zbar-tools`);
}
export const noPdfTools = missing.length > 0;
if (noPdfTools) {
  console.warn(
    `[pdf] Skipping the printed-ticket checks: ${missing.join(', ')} missing. ` +
      "Install Debian's poppler-utils and zbar-tools (CI does).",
  );
}

async function withPdf<T>(pdf: Buffer, use: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'admit-pdf-'));
  try {
    const file = path.join(dir, 'tickets.pdf');
    await fs.writeFile(file, pdf);
    return await use(file, dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Every QR code on every page, as zbarimg reads the pages pdftoppm renders at 150 dpi (a plain desk
 * printer) and again at 200 dpi. zbarimg now and then passes over one of six codes on a sheet at
 * one resolution and reads it at the other (a scanner at the door sees one code at a time, from
 * any distance), so a code counts as read if either pass read it: for each URL, the larger of its
 * two counts. A ticket printed twice is still read twice.
 */
export async function decodeQrCodes(pdf: Buffer): Promise<string[]> {
  const passes = [await decodeAt(pdf, 150), await decodeAt(pdf, 200)];
  const counts = new Map<string, number>();
  for (const codes of passes) {
    const here = new Map<string, number>();
    for (const code of codes) here.set(code, (here.get(code) ?? 0) + 1);
    for (const [code, n] of here) counts.set(code, Math.max(counts.get(code) ?? 0, n));
  }
  return [...counts].flatMap(([code, n]) => Array.from({ length: n }, () => code));
}

function decodeAt(pdf: Buffer, dpi: number): Promise<string[]> {
  return withPdf(pdf, async (file, dir) => {
    await run('pdftoppm', ['-r', String(dpi), '-gray', '-png', file, path.join(dir, 'page')]);
    const pages = (await fs.readdir(dir)).filter((f) => f.endsWith('.png')).map((f) => path.join(dir, f));
    const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', ...pages], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; code?: number }) => {
      // zbarimg exits 4 when an image holds no code at all: that is an answer, not a failure.
      if (error.code === 4) return { stdout: error.stdout ?? '' };
      throw error;
    });
    return stdout.split('\n').filter((line) => line.length > 0);
  });
}

/** The text a reader copies out of the PDF (pdftotext). */
export function pdfText(pdf: Buffer): Promise<string> {
  return withPdf(pdf, async (file) => (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout);
}

/** pdfinfo's fields (Pages, Page size, Title…). */
export function pdfInfo(pdf: Buffer): Promise<Record<string, string>> {
  return withPdf(pdf, async (file) => {
    const { stdout } = await run('pdfinfo', ['-enc', 'UTF-8', file]);
    return Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => line.match(/^([^:]+):\s*(.*)$/))
        .filter((m): m is RegExpMatchArray => m !== null)
        .map((m) => [m[1] as string, m[2] as string]),
    );
  });
}

/** One page of the PDF as a PNG (for the screenshots in docs/). */
export function renderPage(pdf: Buffer, out: string, dpi = 110): Promise<void> {
  return withPdf(pdf, async (file, dir) => {
    await run('pdftoppm', ['-r', String(dpi), '-png', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'p')]);
    await fs.copyFile(path.join(dir, 'p.png'), out);
  });
}

/**
 * How many glyphs the page content draws with glyph id 0, .notdef (the empty box a font shows
 * for a character it lacks). Embedded fonts are written as Identity-H, two bytes a glyph, in
 * hex strings inside text objects; every content stream is inflated and read.
 */
export function notdefGlyphs(pdf: Buffer): number {
  let count = 0;
  const text = pdf.toString('latin1');
  const streams = /stream\r?\n/g;
  for (let m = streams.exec(text); m !== null; m = streams.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // not a deflated stream
    }
    if (!content.includes('BT') || !content.includes(' Tf')) continue; // not page content (a font, an image)
    // pdfkit writes text as `[<hex glyph ids> kerning <hex…>] TJ`.
    for (const [, hex] of content.matchAll(/<([0-9a-fA-F]+)>(?=[^\]]*\]\s*TJ)/g)) {
      for (let i = 0; i + 4 <= (hex as string).length; i += 4) if ((hex as string).slice(i, i + 4) === '0000') count++;
    }
  }
  return count;
}
