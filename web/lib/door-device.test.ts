import { describe, expect, it } from 'vitest';
import { secretFromHash } from './door-device.js';

describe('secretFromHash', () => {
  it('reads the secret after the #', () => {
    expect(secretFromHash('#s3cr3t-AbC_xyz')).toBe('s3cr3t-AbC_xyz');
    expect(secretFromHash('#%20abc%20')).toBe('abc');
  });

  it('answers null for no secret or a broken one', () => {
    expect(secretFromHash('')).toBeNull();
    expect(secretFromHash('#')).toBeNull();
    expect(secretFromHash('#%E0%A4%A')).toBeNull();
    expect(secretFromHash(`#${'x'.repeat(201)}`)).toBeNull();
  });
});
