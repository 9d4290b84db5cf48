import { useLocalStorage } from '@mantine/hooks';
import type { PdfLayout } from '../api/events.js';
import { defaultPdfLayout, isPdfLayout } from './pdf-layout.js';

/** The PDF layout this browser last chose (shared by every PDF button), Letter or A4 by locale at first. */
export function usePdfLayout(): [PdfLayout, (layout: PdfLayout) => void] {
  const [stored, setStored] = useLocalStorage<string>({
    key: 'admit.pdf-layout',
    defaultValue: defaultPdfLayout(typeof navigator === 'undefined' ? [] : navigator.languages),
    getInitialValueInEffect: false,
  });
  const layout = isPdfLayout(stored) ? stored : 'a4';
  return [layout, setStored];
}
