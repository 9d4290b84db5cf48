import { describe, expect, it } from 'vitest';
import { doorLinkStatus, parseExpiry } from './door-links.js';

describe('doorLinkStatus', () => {
  const now = Date.parse('2026-12-31T20:00:00Z');

  it('is revoked once revoked, expired after its expiry, else active', () => {
    expect(doorLinkStatus({ revokedAt: '2026-12-31T19:00:00Z', expiresAt: '2027-01-01T00:00:00Z' }, now)).toBe(
      'revoked',
    );
    expect(doorLinkStatus({ revokedAt: null, expiresAt: '2026-12-31T19:59:59Z' }, now)).toBe('expired');
    expect(doorLinkStatus({ revokedAt: null, expiresAt: '2027-01-01T00:00:00Z' }, now)).toBe('active');
  });
});

describe('parseExpiry', () => {
  const now = new Date(2026, 11, 31, 20, 0).getTime();

  it('leaves the default when empty', () => {
    expect(parseExpiry('', now)).toEqual({});
  });

  it('reads local wall-clock time', () => {
    expect(parseExpiry('2027-01-01T02:30', now)).toEqual({ expiresAt: new Date(2027, 0, 1, 2, 30).toISOString() });
  });

  it('refuses the past, nonsense and impossible dates', () => {
    expect(parseExpiry('2026-12-31T19:00', now).error).toMatch(/future/);
    expect(parseExpiry('tomorrow', now).error).toBeDefined();
    expect(parseExpiry('2027-02-31T10:00', now).error).toMatch(/exist/);
  });
});
