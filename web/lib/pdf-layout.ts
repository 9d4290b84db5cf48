import type { PdfLayout } from '../api/events.js';

/** The layouts the PDF offers, as menus name them. */
export const pdfLayoutChoices: { value: PdfLayout; label: string; description: string }[] = [
  { value: 'a4', label: 'A4 sheets', description: 'Several tickets a page, with cut marks' },
  { value: 'letter', label: 'Letter sheets', description: 'Several tickets a page, with cut marks' },
  { value: 'single', label: 'One ticket a page', description: 'For printing at home or a phone' },
];

export function isPdfLayout(value: unknown): value is PdfLayout {
  return value === 'a4' || value === 'letter' || value === 'single';
}

/** Letter paper where it is the norm (the US, Canada, Mexico, the Philippines, some of Latin America), A4 elsewhere. */
export function defaultPdfLayout(locales: readonly string[]): PdfLayout {
  const letter = new Set(['US', 'CA', 'MX', 'PH', 'CL', 'CO', 'VE', 'GT', 'CR', 'PA', 'DO', 'PR', 'SV', 'NI', 'BZ']);
  for (const tag of locales) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region) return letter.has(region) ? 'letter' : 'a4';
    } catch {
      // not a locale tag: try the next
    }
  }
  return 'a4';
}
