import { createRequire } from 'node:module';
import type BidiModule from 'bidi-js';
import type * as fontkit from 'fontkit';
import { type FamilyName, familyFontFor, fontFor, NAME_FAMILIES, type Weight } from './pdf-fonts.js';

/**
 * Lays out a line of text a person typed (an event name) for a PDF: one font per run of
 * characters (the first family that draws them), right-to-left runs reordered by the Unicode
 * bidirectional algorithm and shaped by fontkit, lines broken at spaces and between CJK
 * characters, and the size chosen so that the text fits its box. A character no font draws is
 * printed as U+FFFD, never left blank.
 */

// bidi-js is CommonJS whose types declare an ES default export: require it, as Node loads it.
const bidiFactory = createRequire(import.meta.url)('bidi-js') as typeof BidiModule.default;
const bidi = bidiFactory();
const REPLACEMENT = '\uFFFD';
const ELLIPSIS = '\u2026';

/** One piece of a line, drawn with one font; `text` is in the order fontkit expects (see runText). */
export interface PlacedRun {
  font: fontkit.Font;
  text: string;
  /** Offset from the start of the line and width, in points. */
  x: number;
  width: number;
}

export interface TextLine {
  runs: PlacedRun[];
  width: number;
}

export interface TextBlock {
  size: number;
  lineHeight: number;
  lines: TextLine[];
  /** The paragraph reads right to left (its first strong character is Hebrew, Arabic…). */
  rtl: boolean;
  /** Part of the text did not fit and ends in an ellipsis. */
  truncated: boolean;
}

interface Cluster {
  text: string;
  font: fontkit.Font;
  level: number;
  /** Width in em (at size 1). */
  em: number;
  space: boolean;
  /** A line may break before this cluster. */
  breakBefore: boolean;
}

/** Code points that attach to the one before: marks, variation selectors, emoji modifiers, tags. */
const ATTACHES = /^(?:\p{M}|[\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]|\u200D)$/u;
/** Code points a font need not have a glyph for (fontkit folds them into the glyph before them). */
const IGNORABLE = /^(?:[\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}\u{E0020}-\u{E007F}]|\u200D)$/u;
const SKIN_TONE = /[\u{1F3FB}-\u{1F3FF}]/gu;
const REGIONAL = /^[\u{1F1E6}-\u{1F1FF}]$/u;
/** Japanese characters a line may not start with (kinsoku): the long vowel mark, small kana, iteration marks. */
const NO_BREAK_BEFORE =
  /^[\u30FC\u309B\u309C\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308E\u30A1\u30A3\u30A5\u30A7\u30A9\u30C3\u30E3\u30E5\u30E7\u30EE\u30F5\u30F6\u3005\u309D\u309E\u30FD\u30FE]/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u;
const NEUTRAL = /^[\p{Z}\p{P}\p{N}\p{S}]/u;
const RTL_SCRIPT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/** Splits text into user-perceived characters, closely enough for fonts and line breaks. */
function splitClusters(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let index = 0;
  for (const ch of text) {
    const last = out[out.length - 1];
    const pairsFlag = last && REGIONAL.test(ch) && [...last.text].length === 1 && REGIONAL.test(last.text);
    if (last && (ATTACHES.test(ch) || pairsFlag)) last.text += ch;
    else out.push({ text: ch, start: index });
    index += ch.length;
  }
  return out;
}

function covers(font: fontkit.Font, text: string): boolean {
  for (const ch of text) {
    if (!IGNORABLE.test(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0) as number)) return false;
  }
  return true;
}

/** The font for a cluster: the previous one for punctuation and spaces when it can, else the first family that can. */
function chooseFont(text: string, weight: Weight, families: readonly FamilyName[], previous: fontkit.Font | null) {
  if (previous && NEUTRAL.test(text) && !/\p{Emoji_Presentation}/u.test(text) && covers(previous, text)) {
    return previous;
  }
  const wantsEmoji = /\p{Emoji_Presentation}|\uFE0F/u.test(text);
  const order = wantsEmoji ? (['emoji', ...families.filter((f) => f !== 'emoji')] as FamilyName[]) : families;
  const first = text.codePointAt(0) as number;
  for (const family of order) {
    const font = familyFontFor(family, weight, first);
    if (font && covers(font, text)) return font;
  }
  return null;
}

function emWidth(font: fontkit.Font, text: string): number {
  return font.layout(text).advanceWidth / font.unitsPerEm;
}

function prepare(text: string, weight: Weight, families: readonly FamilyName[]) {
  const levels = bidi.getEmbeddingLevels(text, 'auto');
  const replacementFont = fontFor('sans', weight, REPLACEMENT.codePointAt(0));
  const clusters: Cluster[] = [];
  let previous: fontkit.Font | null = null;
  for (const { text: cluster, start } of splitClusters(text)) {
    // A monochrome emoji font has no skin tones: the modifier would print as a swatch beside it.
    const piece = cluster.length > 2 ? cluster.replace(SKIN_TONE, '') : cluster;
    const font = chooseFont(piece, weight, families, previous);
    const drawn = font ? piece : REPLACEMENT;
    const used = font ?? replacementFont;
    const before = clusters[clusters.length - 1];
    clusters.push({
      text: drawn,
      font: used,
      level: levels.levels[start] ?? 0,
      em: emWidth(used, drawn),
      space: /^\s$/u.test(piece),
      breakBefore:
        !!before &&
        !/^\p{P}/u.test(piece) &&
        !NO_BREAK_BEFORE.test(piece) &&
        (before.space || ((CJK.test(piece) || CJK.test(before.text)) && !/^[\p{Ps}\p{Pi}]/u.test(before.text))),
    });
    previous = font;
  }
  const rtl = (levels.paragraphs[0]?.level ?? 0) % 2 === 1;
  return { clusters, rtl, ellipsisFont: fontFor('sans', weight, ELLIPSIS.codePointAt(0)) };
}

/** Em width of clusters, laid out in runs of one font and level (shaping joins Arabic letters). */
function measure(clusters: Cluster[]): number {
  let em = 0;
  let start = 0;
  for (let i = 1; i <= clusters.length; i++) {
    const a = clusters[start] as Cluster;
    const b = clusters[i];
    if (b && b.font === a.font && b.level === a.level) continue;
    em +=
      i - start === 1
        ? a.em
        : emWidth(
            a.font,
            clusters
              .slice(start, i)
              .map((c) => c.text)
              .join(''),
          );
    start = i;
  }
  return em;
}

function trimSpaces(clusters: Cluster[]): Cluster[] {
  let from = 0;
  let to = clusters.length;
  while (from < to && clusters[from]?.space) from++;
  while (to > from && clusters[to - 1]?.space) to--;
  return clusters.slice(from, to);
}

/** A piece of text between two break opportunities, measured once: its width and its trailing spaces'. */
interface Word {
  clusters: Cluster[];
  em: number;
  spaceEm: number;
}

function words(clusters: Cluster[]): Word[] {
  const groups: Cluster[][] = [];
  for (const cluster of clusters) {
    if (cluster.breakBefore || groups.length === 0) groups.push([]);
    groups[groups.length - 1]?.push(cluster);
  }
  return groups.map((group) => {
    const content = trimSpaces(group);
    const em = content.length > 0 ? measure(content) : 0;
    return { clusters: group, em, spaceEm: measure(group) - em };
  });
}

/** Greedy line breaking in em units; a word wider than a line is cut between characters. */
function wrap(all: Word[], widthEm: number): Cluster[][] {
  const lines: Cluster[][] = [];
  let line: Cluster[] = [];
  let lineEm = 0;
  let pendingSpace = 0;
  for (const word of all) {
    if (line.length > 0 && lineEm + pendingSpace + word.em <= widthEm) {
      line.push(...word.clusters);
      lineEm += pendingSpace + word.em;
      pendingSpace = word.spaceEm;
      continue;
    }
    if (line.length > 0) lines.push(line);
    line = [...word.clusters];
    lineEm = word.em;
    pendingSpace = word.spaceEm;
    if (lineEm <= widthEm) continue;
    // Too wide alone: cut it between characters.
    let piece: Cluster[] = [];
    let pieceEm = 0;
    for (const cluster of line) {
      if (piece.length > 0 && !cluster.space && pieceEm + cluster.em > widthEm) {
        lines.push(piece);
        piece = [];
        pieceEm = 0;
      }
      piece.push(cluster);
      pieceEm += cluster.em;
    }
    line = piece;
    lineEm = pieceEm;
  }
  if (line.length > 0) lines.push(line);
  return lines.map(trimSpaces).filter((l) => l.length > 0);
}

/**
 * The text of a run as fontkit must get it: fontkit reverses the glyphs of a run whose script is
 * right to left itself, so only right-to-left runs of neutral characters are reversed here.
 * Mirrored characters (brackets) take their mirror image in right-to-left runs.
 */
function runText(clusters: Cluster[], level: number): string {
  if (level % 2 === 0) return clusters.map((c) => c.text).join('');
  const mirrored = clusters.map((c) => [...c.text].map((ch) => bidi.getMirroredCharacter(ch) ?? ch).join(''));
  return RTL_SCRIPT.test(mirrored.join('')) ? mirrored.join('') : mirrored.reverse().join('');
}

/** A line's runs in visual order (rule L2 of the bidirectional algorithm), placed left to right. */
function placeLine(clusters: Cluster[], size: number): TextLine {
  type Run = { clusters: Cluster[]; level: number; font: fontkit.Font };
  const runs: Run[] = [];
  for (const cluster of clusters) {
    const last = runs[runs.length - 1];
    if (last && last.font === cluster.font && last.level === cluster.level) last.clusters.push(cluster);
    else runs.push({ clusters: [cluster], level: cluster.level, font: cluster.font });
  }
  const max = Math.max(...runs.map((r) => r.level));
  const minOdd = Math.min(...runs.map((r) => (r.level % 2 === 1 ? r.level : r.level + 1)));
  for (let level = max; level >= minOdd; level--) {
    for (let i = 0; i < runs.length; ) {
      if ((runs[i] as Run).level < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < runs.length && (runs[j] as Run).level >= level) j++;
      runs.splice(i, j - i, ...runs.slice(i, j).reverse());
      i = j;
    }
  }
  const placed: PlacedRun[] = [];
  let x = 0;
  for (const run of runs) {
    const text = runText(run.clusters, run.level);
    const width = emWidth(run.font, text) * size;
    placed.push({ font: run.font, text, x, width });
    x += width;
  }
  return { runs: placed, width: x };
}

export interface FitOptions {
  weight: Weight;
  /** Largest and smallest font size, in points. */
  maxSize: number;
  minSize: number;
  width: number;
  /** Height of the box, in points: lines are 1.25 × size apart. */
  height: number;
  maxLines?: number;
  families?: readonly FamilyName[];
}

const LINE_HEIGHT = 1.25;

/** Lays text out in the largest size from maxSize down that fits the box; at minSize it cuts with an ellipsis. */
export function fitText(text: string, options: FitOptions): TextBlock {
  const { clusters, rtl, ellipsisFont } = prepare(text, options.weight, options.families ?? NAME_FAMILIES);
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  const measured = words(clusters);
  for (let size = options.maxSize; size >= options.minSize; size -= 0.5) {
    const lines = wrap(measured, options.width / size);
    if (lines.length <= maxLines && lines.length * size * LINE_HEIGHT <= options.height) {
      return {
        size,
        lineHeight: size * LINE_HEIGHT,
        lines: lines.map((l) => placeLine(l, size)),
        rtl,
        truncated: false,
      };
    }
  }
  const size = options.minSize;
  const fitting = Math.max(1, Math.min(maxLines, Math.floor(options.height / (size * LINE_HEIGHT))));
  const lines = wrap(measured, options.width / size).slice(0, fitting);
  const last = lines[lines.length - 1] as Cluster[];
  const level = rtl ? 1 : 0;
  const ellipsis: Cluster = {
    text: ELLIPSIS,
    font: ellipsisFont,
    level,
    em: emWidth(ellipsisFont, ELLIPSIS),
    space: false,
    breakBefore: false,
  };
  while (last.length > 1 && measure([...last, ellipsis]) > options.width / size) last.pop();
  lines[lines.length - 1] = [...trimSpaces(last), ellipsis];
  return { size, lineHeight: size * LINE_HEIGHT, lines: lines.map((l) => placeLine(l, size)), rtl, truncated: true };
}
