/**
 * Colours of the big ticket status answers. Darker than Mantine's green/red so white text on
 * them passes WCAG AA (≥ 4.5:1) in both schemes.
 */
export const statusColors = {
  ok: '#1b7a34',
  redeemed: '#b3261e',
  void: '#8a1c1c',
} as const;
