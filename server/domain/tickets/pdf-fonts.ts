import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';

/**
 * The fonts printed tickets use: Noto families packaged by Fontsource (SIL Open Font License
 * 1.1). Fontsource ships each font cut into subsets by Unicode range (as Google Fonts serves
 * them); a subset is parsed the first time a character needs it and kept for the process. The
 * WOFF 1 files are read, not WOFF 2: fontkit parses WOFF 2 but cannot subset its transformed
 * glyph table, and a PDF embeds only the glyphs it uses.
 */
export type Weight = 400 | 700;
export type FamilyName = 'sans' | 'mono' | 'hebrew' | 'arabic' | 'thai' | 'cjk' | 'korean' | 'emoji';

/** The npm package and file prefix of each family. */
const PACKAGES: Record<FamilyName, string> = {
  sans: 'noto-sans',
  mono: 'noto-sans-mono',
  hebrew: 'noto-sans-hebrew',
  arabic: 'noto-sans-arabic',
  thai: 'noto-sans-thai',
  cjk: 'noto-sans-sc',
  korean: 'noto-sans-kr',
  emoji: 'noto-emoji',
};

/** The order in which families are asked for a character a name contains. */
export const NAME_FAMILIES: readonly FamilyName[] = ['sans', 'hebrew', 'arabic', 'thai', 'cjk', 'korean', 'emoji'];

interface Subset {
  ranges: [number, number][];
  file: string;
  font?: fontkit.Font;
}

const require = createRequire(import.meta.url);
const families = new Map<string, Subset[]>();

function parseRanges(spec: string): [number, number][] {
  return spec.split(',').map((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
    const first = Number.parseInt(from as string, 16);
    return [first, to ? Number.parseInt(to, 16) : first];
  });
}

/** Every subset file of one family at one weight, with the code points it is meant for. */
function subsetsOf(family: FamilyName, weight: Weight): Subset[] {
  const key = `${family}-${weight}`;
  let subsets = families.get(key);
  if (subsets) return subsets;
  const pkg = PACKAGES[family];
  const unicodeFile = require.resolve(`@fontsource/${pkg}/unicode.json`);
  const dir = path.join(path.dirname(unicodeFile), 'files');
  const unicode = JSON.parse(fs.readFileSync(unicodeFile, 'utf8')) as Record<string, string>;
  subsets = [];
  for (const [name, ranges] of Object.entries(unicode)) {
    const file = path.join(dir, `${pkg}-${name.replace(/^\[(\d+)\]$/, '$1')}-${weight}-normal.woff`);
    if (fs.existsSync(file)) subsets.push({ ranges: parseRanges(ranges), file });
  }
  families.set(key, subsets);
  return subsets;
}

/**
 * The plain TrueType/OpenType font inside a WOFF 1 file: every table inflated once. fontkit
 * reads WOFF itself, but inflates a table again on every read, and subsetting reads the glyph
 * table once per glyph a document uses.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) return woff; // not 'wOFF': already a plain font
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const entry = 44 + i * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const raw = woff.subarray(offset, offset + compLength);
    tables.push({
      tag: woff.readUInt32BE(entry),
      checksum: woff.readUInt32BE(entry + 16),
      data: compLength < origLength ? inflateSync(raw) : raw,
    });
  }
  const headerSize = 12 + 16 * numTables;
  const padded = (n: number) => (n + 3) & ~3;
  const out = Buffer.alloc(headerSize + tables.reduce((sum, t) => sum + padded(t.data.length), 0));
  const searchRange = 2 ** Math.floor(Math.log2(numTables)) * 16;
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(Math.floor(Math.log2(numTables)), 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerSize;
  for (const [i, table] of tables.entries()) {
    const record = 12 + i * 16;
    out.writeUInt32BE(table.tag, record);
    out.writeUInt32BE(table.checksum, record + 4);
    out.writeUInt32BE(offset, record + 8);
    out.writeUInt32BE(table.data.length, record + 12);
    table.data.copy(out, offset);
    offset += padded(table.data.length);
  }
  return out;
}

function load(subset: Subset): fontkit.Font {
  subset.font ??= fontkit.create(woffToSfnt(fs.readFileSync(subset.file))) as fontkit.Font;
  return subset.font;
}

/** The font of a family that draws this code point, or null when the family has no glyph for it. */
export function familyFontFor(family: FamilyName, weight: Weight, codePoint: number): fontkit.Font | null {
  for (const subset of subsetsOf(family, weight)) {
    if (!subset.ranges.some(([first, last]) => codePoint >= first && codePoint <= last)) continue;
    const font = load(subset);
    if (font.hasGlyphForCodePoint(codePoint)) return font;
  }
  return null;
}

/** The font of a family that has this code point, and fails loudly when the family lacks it (fixed texts). */
export function fontFor(family: FamilyName, weight: Weight, codePoint = 0x41): fontkit.Font {
  const font = familyFontFor(family, weight, codePoint);
  if (!font) throw new Error(`No ${family} ${weight} font has U+${codePoint.toString(16)}`);
  return font;
}
