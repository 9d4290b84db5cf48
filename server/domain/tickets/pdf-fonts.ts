import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';

/**
 * The fonts printed tickets use: Noto families packaged by Fontsource (SIL Open Font License
 * 1.1). Fontsource ships each font cut into subsets by Unicode range (as Google Fonts serves
 * them); a subset is parsed the first time a character needs it and kept for the process.
 */
export type Weight = 400 | 700;
export type FamilyName = 'sans' | 'mono' | 'hebrew' | 'arabic' | 'cjk' | 'emoji';

/** The npm package and file prefix of each family. */
const PACKAGES: Record<FamilyName, string> = {
  sans: 'noto-sans',
  mono: 'noto-sans-mono',
  hebrew: 'noto-sans-hebrew',
  arabic: 'noto-sans-arabic',
  cjk: 'noto-sans-sc',
  emoji: 'noto-emoji',
};

/** The order in which families are asked for a character a name contains. */
export const NAME_FAMILIES: readonly FamilyName[] = ['sans', 'hebrew', 'arabic', 'cjk', 'emoji'];

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

function load(subset: Subset): fontkit.Font {
  subset.font ??= fontkit.create(fs.readFileSync(subset.file)) as fontkit.Font;
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
