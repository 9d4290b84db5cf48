import { describe, expect, it } from 'vitest';
import { emptyWedgeBuffer, feedWedgeKey, isEditableTarget, type WedgeBuffer, wedgeGapMs } from './wedge-buffer.js';

/** Types `text` one key per millisecond from `start`, as a scanner would, and returns what each key did. */
function type(text: string, start = 1_000, buffer: WedgeBuffer = emptyWedgeBuffer) {
  let current = buffer;
  const submitted: string[] = [];
  const consumed: string[] = [];
  let now = start;
  for (const char of text) {
    const key = char === '\n' ? 'Enter' : char;
    const step = feedWedgeKey(current, { key, now });
    current = step.buffer;
    if (step.submit) submitted.push(step.submit);
    if (step.consume) consumed.push(key);
    now += 1;
  }
  return { buffer: current, submitted, consumed, now };
}

describe('feedWedgeKey', () => {
  const id = '5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e';

  it('submits the typed code on Enter and swallows that Enter', () => {
    const { submitted, consumed, buffer } = type(`${id}\n`);
    expect(submitted).toEqual([id]);
    expect(consumed).toEqual(['Enter']);
    expect(buffer.text).toBe('');
  });

  it('keeps URLs and upper case as typed (the server reads them)', () => {
    const url = `HTTPS://ADMIT.EXAMPLE/t/${id.toUpperCase()}`;
    expect(type(`${url}\n`).submitted).toEqual([url]);
  });

  it('handles two codes back to back', () => {
    expect(type(`${id}\nabcdef12\n`).submitted).toEqual([id, 'abcdef12']);
  });

  it('lets a bare Enter through, so a focused button still works with the keyboard', () => {
    const step = feedWedgeKey(emptyWedgeBuffer, { key: 'Enter', now: 5 });
    expect(step).toEqual({ buffer: emptyWedgeBuffer, submit: null, consume: false });
  });

  it('drops a half-typed code after a pause, so stray keys do not prefix the next scan', () => {
    const first = type('zz', 1_000);
    const later = type(`${id}\n`, first.now + wedgeGapMs + 1, first.buffer);
    expect(later.submitted).toEqual([id]);
  });

  it('ignores named keys and shortcuts', () => {
    let buffer = type('ab').buffer;
    for (const key of ['Shift', 'Tab', 'ArrowLeft', 'CapsLock'])
      buffer = feedWedgeKey(buffer, { key, now: 1_010 }).buffer;
    buffer = feedWedgeKey(buffer, { key: 'c', ctrlKey: true, now: 1_011 }).buffer;
    buffer = feedWedgeKey(buffer, { key: 'v', metaKey: true, now: 1_012 }).buffer;
    expect(buffer.text).toBe('ab');
  });

  it('clears on Escape', () => {
    const buffer = type('abc').buffer;
    expect(feedWedgeKey(buffer, { key: 'Escape', now: 1_003 }).buffer.text).toBe('');
  });

  it('treats whitespace-only input as nothing', () => {
    expect(type('   \n').submitted).toEqual([]);
  });
});

describe('isEditableTarget', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) =>
    ({ tagName, ...extra }) as unknown as EventTarget;

  it('leaves text fields to themselves', () => {
    expect(isEditableTarget(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isEditableTarget(el('INPUT', { type: 'search' }))).toBe(true);
    expect(isEditableTarget(el('TEXTAREA'))).toBe(true);
    expect(isEditableTarget(el('DIV', { isContentEditable: true }))).toBe(true);
  });

  it('captures scans over buttons, the page body and checkboxes', () => {
    expect(isEditableTarget(el('BUTTON'))).toBe(false);
    expect(isEditableTarget(el('BODY'))).toBe(false);
    expect(isEditableTarget(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isEditableTarget(null)).toBe(false);
  });
});
