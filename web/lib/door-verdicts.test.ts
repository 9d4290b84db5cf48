import { describe, expect, it } from 'vitest';
import { contrastRatio } from './contrast.js';
import { describeFailure, formatDoorTime, notCheckedLook, verdictColors, verdictLook } from './door-verdicts.js';

describe('door verdict colours', () => {
  it('every answer colour pair passes WCAG AA contrast for normal text (4.5:1)', () => {
    for (const [name, { background, foreground }] of Object.entries(verdictColors)) {
      expect(contrastRatio(background, foreground), name).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('computes known ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});

describe('verdictLook', () => {
  it('says each outcome in a word, admits only on admitted', () => {
    expect(verdictLook('admitted')).toMatchObject({ word: 'ADMITTED', feedback: 'admit' });
    expect(verdictLook('already_redeemed')).toMatchObject({ word: 'ALREADY USED', feedback: 'refuse' });
    expect(verdictLook('wrong_event')).toMatchObject({ word: 'WRONG EVENT', feedback: 'refuse' });
    expect(verdictLook('not_found').word).toBe('NOT FOUND');
    expect(verdictLook('unreadable').word).toBe('UNREADABLE');
    expect(notCheckedLook).toMatchObject({ word: 'NOT CHECKED', feedback: 'warn' });
  });

  it('never calls a failure by a verdict word', () => {
    for (const reason of ['offline', 'timeout', 'network', 'server', 'refused'] as const) {
      expect(describeFailure(reason)).not.toMatch(/admitted|already|used/i);
    }
  });
});

describe('formatDoorTime', () => {
  it('shows local time to the second', () => {
    const at = new Date(2026, 11, 31, 20, 15, 3);
    expect(formatDoorTime(at.toISOString())).toBe('20:15:03');
  });
});
