import { describe, expect, it } from 'vitest';
import { defaultPdfLayout, isPdfLayout } from './pdf-layout.js';

describe('defaultPdfLayout', () => {
  it('picks Letter where people print on it and A4 elsewhere', () => {
    expect(defaultPdfLayout(['en-US'])).toBe('letter');
    expect(defaultPdfLayout(['en'])).toBe('letter'); // English alone means the US
    expect(defaultPdfLayout(['fr-CA', 'fr'])).toBe('letter');
    expect(defaultPdfLayout(['en-GB'])).toBe('a4');
    expect(defaultPdfLayout(['de'])).toBe('a4');
    expect(defaultPdfLayout(['ja-JP'])).toBe('a4');
  });

  it('falls back to A4 without a usable locale', () => {
    expect(defaultPdfLayout([])).toBe('a4');
    expect(defaultPdfLayout(['not a locale!'])).toBe('a4');
  });
});

describe('isPdfLayout', () => {
  it('knows the three layouts', () => {
    expect(['a4', 'letter', 'single', 'A4', '', null].map(isPdfLayout)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
