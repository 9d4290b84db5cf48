import { AppError } from '../errors.js';

/**
 * Characters a one-line name may not hold, besides control characters: format characters
 * (bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E,
 * U+200F and U+061C, zero-width U+200B–U+200D, U+2060, U+FEFF, the soft hyphen, tag
 * characters…), which are invisible yet change how a name reads or compares, and the line and
 * paragraph separators. Emoji joined by U+200D are refused with them.
 */
const INVISIBLE = /[\p{Cf}\u2028\u2029]/u;
const CONTROL = /\p{Cc}/u;
// In a `u` regular expression a lone surrogate is one code point of category Cs; a valid pair is not.
const LONE_SURROGATE = /\p{Cs}/u;

/** U+XXXX of a character, for messages. */
const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Normalises a name a person typed (an event name, a username, a door label, a device name): NFC,
 * trimmed, then checked to be `min`–`max` characters of one line of visible text. Refusals are
 * 400 `validation_failed` naming `field`. NFC can lengthen a string (U+FB2C becomes three
 * characters), so the length is checked after it: what is stored always fits its column.
 */
export function normaliseText(value: string, field: string, limits: { max: number; min?: number }): string {
  const refuse = (message: string) => AppError.validation([{ field, message }]);
  // A lone surrogate is no character at all: databases would store it as U+FFFD, or refuse it.
  if (LONE_SURROGATE.test(value)) throw refuse('must be valid Unicode text (it holds a lone surrogate)');
  const text = value.normalize('NFC').trim();
  if (text.length === 0) throw refuse('must not be blank');
  // PostgreSQL refuses NUL in text, and a name is shown on one line in lists, CSV names and headers.
  if (CONTROL.test(text)) throw refuse('must not contain control characters');
  const invisible = INVISIBLE.exec(text);
  if (invisible) throw refuse(`must not contain invisible or text-direction characters (${codePoint(invisible[0])})`);
  const length = [...text].length;
  const min = limits.min ?? 1;
  if (length < min) throw refuse(`must be at least ${min} characters`);
  if (length > limits.max) throw refuse(`must be at most ${limits.max} characters`);
  return text;
}
