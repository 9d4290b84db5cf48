import { afterEach, describe, expect, it, vi } from 'vitest';
import { isUuid } from './ticket-id.js';
import { scanUuid } from './uuid.js';

describe('scanUuid', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('draws a fresh v7 UUID each time, ordered by time', () => {
    const a = scanUuid(1_700_000_000_000);
    const b = scanUuid(1_700_000_000_001);
    expect(isUuid(a)).toBe(true);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(scanUuid(1_700_000_000_000)).not.toBe(a);
    // The first 48 bits are the milliseconds.
    expect(Number.parseInt(a.replace('-', '').slice(0, 12), 16)).toBe(1_700_000_000_000);
  });

  it('works without randomUUID (a page served over plain http on a LAN address)', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    expect(isUuid(scanUuid())).toBe(true);
  });
});
