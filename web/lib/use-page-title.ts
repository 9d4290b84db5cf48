import { useDocumentTitle } from '@mantine/hooks';

/** Sets the browser tab title to "<page> · Admit" (just "Admit" until the page knows its name). */
export function usePageTitle(title: string | undefined): void {
  useDocumentTitle(title ? `${title} · Admit` : 'Admit');
}
