/**
 * Keyboard-wedge scanners (USB or Bluetooth) "type" the code they read, then Enter. The door page
 * listens on the whole document so no field needs focus; this is the pure part: which keys build up
 * a code, when a stale half-typed code is dropped, and when Enter submits.
 */

/** Keys typed further apart than this start a new code (a scanner types a whole code in well under it). */
export const wedgeGapMs = 1_500;

export interface WedgeBuffer {
  text: string;
  lastAt: number;
}

export interface WedgeKey {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True while an input method is composing (the key belongs to it). */
  isComposing?: boolean;
  now: number;
}

export interface WedgeStep {
  buffer: WedgeBuffer;
  /** A complete code to check, when this key was the Enter ending it. */
  submit: string | null;
  /**
   * True when the page must swallow this key (preventDefault): an Enter that submitted a code must
   * not also press a focused button.
   */
  consume: boolean;
}

export const emptyWedgeBuffer: WedgeBuffer = { text: '', lastAt: 0 };

/** Longest code kept: anything longer is not a ticket code (the API refuses over 2048 characters). */
const maxLength = 2_048;

/** Feeds one keydown into the buffer. */
export function feedWedgeKey(buffer: WedgeBuffer, event: WedgeKey): WedgeStep {
  const stale = buffer.text !== '' && event.now - buffer.lastAt > wedgeGapMs;
  const current = stale ? emptyWedgeBuffer : buffer;
  if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) {
    return { buffer: current, submit: null, consume: false };
  }
  if (event.key === 'Enter') {
    const code = current.text.trim();
    if (!code) return { buffer: emptyWedgeBuffer, submit: null, consume: false };
    return { buffer: emptyWedgeBuffer, submit: code, consume: true };
  }
  if (event.key === 'Escape') return { buffer: emptyWedgeBuffer, submit: null, consume: false };
  // Printable characters have a one-character key; Shift, Tab, arrows and the like have names.
  if ([...event.key].length !== 1) return { buffer: current, submit: null, consume: false };
  if (current.text.length >= maxLength)
    return { buffer: { text: current.text, lastAt: event.now }, submit: null, consume: false };
  return { buffer: { text: current.text + event.key, lastAt: event.now }, submit: null, consume: false };
}

/** True for targets whose own typing must win over the wedge listener (text fields, editable content). */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const element = target as HTMLElement;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = ((element as HTMLInputElement).type || 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
  }
  return element.isContentEditable === true;
}
