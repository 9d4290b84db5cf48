import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/**
 * Admit's theme. Shades are picked so text and filled buttons meet WCAG AA contrast (4.5:1)
 * in both colour schemes; Mantine's defaults (blue-6, gray-6 "dimmed") fall short.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  headings: { fontWeight: '700' },
  components: {
    Anchor: { defaultProps: { underline: 'hover' } },
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } },
    // Mantine's yellow alert title (yellow-9 on yellow-0) is 2.7:1; warnings get a darker title.
    Alert: {
      styles: (_theme: unknown, props: { color?: string }) =>
        props.color === 'yellow' ? { title: { color: 'var(--admit-warning-title)' } } : {},
    },
  },
});

/** Overrides of Mantine's CSS variables for contrast. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-8)',
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    '--admit-warning-title': '#6b4400',
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-placeholder': 'var(--mantine-color-dark-2)',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-3)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
    '--admit-warning-title': 'var(--mantine-color-yellow-4)',
  },
});
